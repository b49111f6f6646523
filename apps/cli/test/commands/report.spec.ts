/**
 * `grugan report` and the report `grugan train` writes: one SVG per figure, a metrics table of
 * finite numbers, every SVG drawable by an independent renderer (resvg), post-hoc scores picked
 * up from eval.json, and malformed run directories as one clear line or a counted skip.
 */
import { appendFile, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

/** Figures of a report with metrics, losses and enough windows for t-SNE, in page order. */
// 'eval-during-training': train logs the distribution metrics at its last step (and every evalEvery).
const FIGURES = ['losses', 'loss-terms', 'eval-during-training', 'sequences', 'histograms', 'pca', 'tsne'];

let dir: string;
let run: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-cli-report-'));
  const cfg = join(dir, 'tiny.yaml');
  await writeFile(cfg, ['data:', '  numSequences: 64', '  seqLen: 8', '  features: 3', 'model:', '  hiddenSize: 4', '  layers: 1', 'training:', '  batchSize: 8', '  logEvery: 2', ''].join('\n'));
  run = join(dir, 'run');
  const r = await runCli(['train', '--config', cfg, '--steps', '4', '--samples', '40', '--out', run]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/report/); // no report warning
  expect(r.stdout).toMatch(/^report {5}.*report\.html \([\d.]+ s\)$/m);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `<figure id>` → its inline SVG. */
function figures(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<figure id="([^"]+)">(<svg[\s\S]*?<\/svg>)/g)].map((m) => [m[1], m[2]]));
}

/** Rows of the metrics table: name → value cell. */
function metricRows(html: string): Map<string, string> {
  const table = html.match(/<h2>Metrics<\/h2>\s*<table>([\s\S]*?)<\/table>/)?.[1] ?? '';
  return new Map([...table.matchAll(/<tr><td>([^<]+)<\/td><td class="num">([^<]+)<\/td>/g)].map((m) => [m[1], m[2]]));
}

describe('grugan train writes report.html', () => {
  it('one SVG per figure, each drawable; the metrics table holds finite numbers; summary.json says how training ended', async () => {
    const html = await readFile(join(run, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http/); // self-contained
    const figs = figures(html);
    expect([...figs.keys()]).toEqual(FIGURES);
    expect(html.match(/<svg/g)).toHaveLength(FIGURES.length);
    for (const [id, svg] of figs) {
      const png = new Resvg(svg).render();
      expect(png.width, id).toBeGreaterThan(100);
      expect(png.asPng().length, id).toBeGreaterThan(1000);
    }
    const metrics = metricRows(html);
    expect([...metrics.keys()]).toEqual(['marginal W1', 'autocorrelation', 'cross-correlation', 'MMD²']);
    for (const v of metrics.values()) expect(Number.isFinite(Number(v)), v).toBe(true);
    expect(html).toContain('sines (seed 42): 64 windows × 8 steps × 3 features');
    expect(html).toMatch(/succeeded: 4 of 4 steps in [\d.]+ s on cpu/);
    const summary = JSON.parse(await readFile(join(run, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'succeeded', steps: 4, backend: 'cpu', workers: 1 });
  });

  it('--no-report writes none', async () => {
    const out = join(dir, 'quiet');
    const r = await runCli(['train', '--steps', '1', '--samples', '2', '--out', out, '--no-report', '--config', join(dir, 'tiny.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^report/m);
    await expect(stat(join(out, 'report.html'))).rejects.toThrow(/ENOENT/);
  });
});

describe('grugan report --run', () => {
  it('writes to --out with --samples windows per side and shows post-hoc scores from eval.json', async () => {
    const e = await runCli(['eval', '--run', run, '--repetitions', '1', '--iterations-disc', '3', '--iterations-pred', '3']);
    expect(e.code, e.stderr).toBe(0);
    const evalJson = JSON.parse(await readFile(join(run, 'eval.json'), 'utf8'));
    expect(evalJson.postHoc.discriminative.values).toHaveLength(1);

    const out = join(dir, 'custom.html');
    const r = await runCli(['report', '--run', run, '--out', out, '--samples', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.stdout).toMatch(new RegExp(`^report {5}.*custom\\.html \\(${FIGURES.length} figures, [\\d.]+ s\\)$`, 'm'));
    const html = await readFile(out, 'utf8');
    expect(html).toContain('20 real and 20 synthetic windows');
    expect(html).toMatch(/<td>discriminative score<\/td><td class="num">0\.\d{4} ± 0\.0000<\/td>/);
    expect(html).toMatch(/<td>predictive score<\/td><td class="num">\d\.\d{4} ± 0\.0000<\/td>/);
    expect(html).toContain('1 repetition(s), 3 / 3 iterations');
  });

  it('skips malformed metrics.jsonl lines with a count and still draws the rest', async () => {
    const broken = join(dir, 'broken');
    const copy = await runCli(['train', '--config', join(dir, 'tiny.yaml'), '--steps', '4', '--samples', '10', '--out', broken, '--no-report']);
    expect(copy.code, copy.stderr).toBe(0);
    await appendFile(join(broken, 'metrics.jsonl'), '{"step": 5, "dLoss": "high"}\nnot json at all\n{"step": 6, "dLo');
    const r = await runCli(['report', '--run', broken]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim()).toMatch(/^grugan report: warning: .*metrics\.jsonl: skipped 3 malformed line\(s\) \(first: line 5: dLoss: .*\)$/);
    const html = await readFile(join(broken, 'report.html'), 'utf8');
    expect(html).toContain('Skipped 3 malformed line(s)');
    expect([...figures(html).keys()]).toEqual(FIGURES);
  });

  it('draws no loss curves from an empty metrics.jsonl, and says so', async () => {
    const empty = join(dir, 'empty-metrics');
    expect((await runCli(['train', '--config', join(dir, 'tiny.yaml'), '--steps', '2', '--samples', '10', '--out', empty, '--no-report'])).code).toBe(0);
    await writeFile(join(empty, 'metrics.jsonl'), '');
    const r = await runCli(['report', '--run', empty]);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(join(empty, 'report.html'), 'utf8');
    expect([...figures(html).keys()]).toEqual(FIGURES.slice(3));
    expect(html).toContain('No training steps in');
  });
});

describe('grugan report: an unusable run directory is one line and exit 1', () => {
  async function expectOneLineError(args: string[], pattern: RegExp): Promise<void> {
    const r = await runCli(['report', ...args]);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('missing samples.csv', async () => {
    const nosamples = join(dir, 'nosamples');
    expect((await runCli(['train', '--config', join(dir, 'tiny.yaml'), '--steps', '1', '--samples', '2', '--out', nosamples, '--no-report'])).code).toBe(0);
    await unlink(join(nosamples, 'samples.csv'));
    await expectOneLineError(['--run', nosamples], /^grugan report: .*nosamples\/samples\.csv: cannot read data file \(no such file\)$/);
  });

  it('missing config.json', () => expectOneLineError(['--run', join(dir, 'nowhere')], /^grugan report: .*nowhere\/config\.json: cannot read the run's config \(no such file\)$/));

  it('invalid config.json', async () => {
    const bad = join(dir, 'badconfig');
    await runCli(['train', '--config', join(dir, 'tiny.yaml'), '--steps', '1', '--samples', '2', '--out', bad, '--no-report']);
    await writeFile(join(bad, 'config.json'), '{"data": {"seqLen": -3}}');
    await expectOneLineError(['--run', bad], /^grugan report: .*badconfig\/config\.json: invalid config: data\.seqLen: /);
  });
});
