/**
 * Conditional generation end to end: `grugan train` on a CSV with a label column
 * (`data.conditioning`), samples.csv with a label column, and `grugan sample --condition
 * COLUMN=VALUE` generating every sequence for one label.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

let dir: string;
let configPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-cond-cli-'));
  const csv = join(dir, 'regimes.csv');
  const rows = ['x,regime,y'];
  for (let r = 0; r < 120; r++) rows.push(`${r % 7},${Math.floor(r / 12) % 2 ? 'hi' : 'lo'},${(r * 13) % 5}`);
  await writeFile(csv, `${rows.join('\n')}\n`);
  configPath = join(dir, 'cond.yaml');
  await writeFile(
    configPath,
    [
      'data:', `  path: ${JSON.stringify(csv)}`, '  seqLen: 4', '  conditioning:', '    column: regime', '    values: [lo, hi]',
      'model:', '  hiddenSize: 4', '  layers: 1',
      'training:', '  batchSize: 8', '  steps: 3',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rows of a samples CSV as header-keyed strings. */
async function readRows(path: string): Promise<Record<string, string>[]> {
  const [header, ...rows] = (await readFile(path, 'utf8')).trim().split('\n');
  const names = header.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [names[i], v])));
}

describe('grugan train / sample with data.conditioning', () => {
  it('writes labelled samples and samples one label on request', async () => {
    const out = join(dir, 'run');
    const r = await runCli(['train', '--config', configPath, '--out', out, '--samples', '40']);
    expect(r.code, r.stderr).toBe(0);
    const trained = await readRows(join(out, 'samples.csv'));
    expect(Object.keys(trained[0])).toEqual(['sequence', 'step', 'regime', 'x', 'y']);
    expect(new Set(trained.map((row) => row.regime))).toEqual(new Set(['lo', 'hi'])); // the data's label mix

    const hiPath = join(dir, 'hi.csv');
    const s = await runCli(['sample', '--checkpoint', join(out, 'checkpoint.grugan'), '-n', '5', '--condition', 'regime=hi', '--out', hiPath]);
    expect(s.code, s.stderr).toBe(0);
    const hi = await readRows(hiPath);
    expect(hi.length).toBe(5 * 4);
    expect(hi.every((row) => row.regime === 'hi')).toBe(true);
    expect(hi.every((row) => Number.isFinite(Number(row.x)) && Number.isFinite(Number(row.y)))).toBe(true);

    const bad = await runCli(['sample', '--checkpoint', join(out, 'checkpoint.grugan'), '-n', '5', '--condition', 'regime=mid', '--out', join(dir, 'x.csv')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"mid" is not a label of regime (labels: lo, hi)');
  });
});
