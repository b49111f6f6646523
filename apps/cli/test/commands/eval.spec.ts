import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

// Short post-hoc runs: the protocol's 2000 / 5000 iterations take minutes.
const SHORT = ['--repetitions', '2', '--iterations-disc', '5', '--iterations-pred', '5'];

let dir: string;
/** A real series: two columns on [100, 300] and [-1, 1], 120 rows. */
let realCsv: string;
const ROWS = 120;
const realRow = (t: number) => [200 + 100 * Math.sin(0.3 * t), Math.cos(0.17 * t)];

/** Writes rows as a samples CSV: `sequence,step,<columns>`, sequences of `seqLen` rows cut from `row`. */
async function writeSamples(path: string, columns: string[], sequences: number, seqLen: number, row: (i: number, t: number) => number[]): Promise<void> {
  const lines = [['sequence', 'step', ...columns].join(',')];
  for (let i = 0; i < sequences; i++) for (let t = 0; t < seqLen; t++) lines.push([i, t, ...row(i, t)].join(','));
  await writeFile(path, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-cli-eval-'));
  realCsv = join(dir, 'real.csv');
  await writeFile(realCsv, `price,signal\n${Array.from({ length: ROWS }, (_, t) => realRow(t).join(',')).join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `grugan eval ... --json` and parses the report. */
async function evalJson(args: string[]) {
  const r = await runCli(['eval', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('grugan eval --real --synthetic', () => {
  it('windows of the real data itself score 0 on every distribution metric', async () => {
    // Every sliding window of 12 steps, written as samples: the same set as the real windows.
    const samples = join(dir, 'copy.csv');
    await writeSamples(samples, ['price', 'signal'], ROWS - 11, 12, (i, t) => realRow(i + t));
    const r = await evalJson(['--real', realCsv, '--synthetic', samples, '--fast']);
    expect(r.real).toMatchObject({ windows: ROWS - 11, seqLen: 12, columns: ['price', 'signal'] });
    expect(r.synthetic.windows).toBe(ROWS - 11);
    expect(r.metrics.marginalW1).toBeLessThan(1e-6);
    expect(r.metrics.autocorrelation).toBeLessThan(1e-6);
    expect(r.metrics.crossCorrelation).toBeLessThan(1e-6);
    expect(r.postHoc).toBeUndefined();
  });

  it('scales the synthetic data with the REAL data\'s min-max scaler', async () => {
    // Shifted by 10 % of each real column's range: W1 in scaled units is 0.1 on every feature.
    const samples = join(dir, 'shifted.csv');
    await writeSamples(samples, ['signal', 'price'], ROWS - 11, 12, (i, t) => {
      const [price, signal] = realRow(i + t);
      return [signal + 0.1 * 2, price + 0.1 * 200];
    });
    const r = await evalJson(['--real', realCsv, '--synthetic', samples, '--fast']);
    expect(r.metrics.marginalW1).toBeGreaterThan(0.09);
    expect(r.metrics.marginalW1).toBeLessThan(0.11);
  });

  it('ignores non-feature columns (a conditional model\'s text labels) when --columns picks the features', async () => {
    const samples = join(dir, 'labelled.csv');
    const lines = ['sequence,step,regime,price,signal'];
    for (let i = 0; i < ROWS - 11; i++) for (let t = 0; t < 12; t++) lines.push([i, t, i % 2 ? 'hi' : 'lo', ...realRow(i + t)].join(','));
    await writeFile(samples, `${lines.join('\n')}\n`);
    const r = await evalJson(['--real', realCsv, '--synthetic', samples, '--columns', 'price,signal', '--fast']);
    expect(r.synthetic.windows).toBe(ROWS - 11);
    expect(r.metrics.marginalW1).toBeLessThan(1e-6);
  });

  it('runs the post-hoc scores with the given repetitions and prints a table', async () => {
    const samples = join(dir, 'noise.csv');
    await writeSamples(samples, ['price', 'signal'], 40, 12, (i, t) => [100 + 200 * ((i * 7 + t * 13) % 17) / 17, Math.sin(i * t)]);
    const r = await runCli(['eval', '--real', realCsv, '--synthetic', samples, ...SHORT]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/real {7}.*real\.csv: 109 windows x 12 steps x 2 features \(price, signal\)/);
    expect(r.stdout).toMatch(/^marginal W1 +\d\.\d{4}$/m);
    expect(r.stdout).toMatch(/^MMD² +-?\d\.\d+(e-\d+)?$/m);
    expect(r.stdout).toMatch(/^discriminative +0\.\d{4} ± 0\.\d{4} \(2 runs, [\d.]+ s\)$/m);
    expect(r.stdout).toMatch(/^predictive +0\.\d{4} ± 0\.\d{4} \(2 runs, [\d.]+ s\)$/m);

    const json = await evalJson(['--real', realCsv, '--synthetic', samples, ...SHORT]);
    expect(json.postHoc.discriminative.values).toHaveLength(2);
    expect(json.postHoc.predictive.values).toHaveLength(2);
    for (const v of json.postHoc.discriminative.values) expect(v).toBeLessThanOrEqual(0.5);
    expect(json.settings).toEqual({ repetitions: 2, iterationsDisc: 5, iterationsPred: 5, seed: 0 });
  });
});

describe('grugan eval --run', () => {
  it('evaluates a grugan train run directory against its own training data', async () => {
    const out = join(dir, 'run');
    const cfg = join(dir, 'small.yaml');
    await writeFile(cfg, 'data:\n  dataset: sines\n  numSequences: 60\n  seqLen: 8\nmodel:\n  hiddenSize: 4\n  layers: 1\n');
    const train = await runCli(['train', '--config', cfg, '--steps', '2', '--samples', '30', '--out', out]);
    expect(train.code, train.stderr).toBe(0);
    const r = await evalJson(['--run', out, ...SHORT]);
    expect(r.real).toMatchObject({ source: 'sines (seed 42)', windows: 60, seqLen: 8 });
    expect(r.synthetic).toEqual({ source: join(out, 'samples.csv'), windows: 30 });
    // Two generator steps cannot match sines: every metric sees a difference.
    expect(r.metrics.marginalW1).toBeGreaterThan(0.01);
    expect(r.postHoc.predictive.mean).toBeGreaterThan(0);
    // Kept with the run for `grugan report`: the same JSON as printed.
    expect(JSON.parse(await readFile(join(out, 'eval.json'), 'utf8'))).toEqual(r);
  });
});

describe('grugan eval: bad input is one line and a non-zero exit', () => {
  async function expectOneLineError(args: string[], pattern: RegExp, code?: number): Promise<void> {
    const r = await runCli(['eval', ...args]);
    expect(r.code, r.stderr).not.toBe(0);
    if (code !== undefined) expect(r.code).toBe(code);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('missing arguments', () => expectOneLineError(['--real', 'x.csv'], /^grugan eval: give --run DIR, or both --real FILE\.csv and --synthetic FILE\.csv$/, 2));

  it('missing file', () =>
    expectOneLineError(['--real', join(dir, 'none.csv'), '--synthetic', join(dir, 'none.csv')], /^grugan eval: .*none\.csv: cannot read data file \(no such file\)$/, 1));

  it('column mismatch', async () => {
    const samples = join(dir, 'other-columns.csv');
    await writeSamples(samples, ['price', 'volume'], 10, 12, (i, t) => [i, t]);
    await expectOneLineError(['--real', realCsv, '--synthetic', samples], /^grugan eval: column mismatch: .*other-columns\.csv has no column "signal" of the real data \(its columns: price, volume\)$/, 1);
  });

  it('too few windows', async () => {
    const samples = join(dir, 'three.csv');
    await writeSamples(samples, ['price', 'signal'], 3, 12, (i, t) => realRow(i + t));
    await expectOneLineError(['--real', realCsv, '--synthetic', samples], /^grugan eval: too few windows: .*three\.csv gives 3 window\(s\) of 12 steps; at least 5 are needed$/, 1);
  });

  it('a real series shorter than one window', async () => {
    const samples = join(dir, 'long.csv');
    await writeSamples(samples, ['price', 'signal'], 5, 200, (i, t) => realRow(i + t));
    await expectOneLineError(['--real', realCsv, '--synthetic', samples], /^grugan eval: .*real\.csv: data has 120 rows, fewer than one window of 200$/, 1);
  });

  it('a run directory without config.json', () => expectOneLineError(['--run', join(dir, 'nowhere')], /nowhere\/config\.json: cannot read the run's config \(no such file\)$/, 1));

  it('--run combined with --columns', () => expectOneLineError(['--run', dir, '--columns', 'a'], /do not combine it with --real, --seq-len, --columns or --reverse$/, 2));
});
