import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialConfig } from '@grugan/protocol';
import { findSharedDataset } from '@grugan/model';
import { REPO_ROOT, parseCsv, runCli } from '../run-cli.js';

const stockCsv = () => findSharedDataset('stock_data.csv', { from: REPO_ROOT });
let dir: string;
let tinyConfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-cli-'));
  tinyConfig = join(dir, 'tiny.yaml');
  await writeFile(
    tinyConfig,
    ['data:', '  numSequences: 64', '  seqLen: 6', '  features: 3', 'model:', '  hiddenSize: 4', '  layers: 1', 'training:', '  batchSize: 8', '  logEvery: 2', '  evalEvery: 3', ''].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Lines on stderr other than the GRU kernel's own notices (building the native kernel on first
 * use, or falling back where a machine has no BLAS), which depend on the machine, not the command.
 */
function unexpectedStderr(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^grugan: (building the native GRU kernel|.*using the .* kernel$)/.test(l));
}

describe('grugan train, sample, checkpoint diff', () => {
  it('trains on sines and writes well-formed outputs; sample and diff read the checkpoint', async () => {
    const out = join(dir, 'sines');
    const r = await runCli(['train', '--dataset', 'sines', '--config', tinyConfig, '--steps', '4', '--seed', '5', '--out', out, '--samples', '3']);
    expect(unexpectedStderr(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+succeeded/);
    expect(r.stdout).toMatch(/backend\s+cpu/);
    expect(r.stdout).toMatch(/steps\/s\s+[0-9.]+/);

    const config = TrialConfig.parse(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')));
    expect(config.training.steps).toBe(4);
    expect(config.seed).toBe(5);
    expect(config.model.hiddenSize).toBe(4);

    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    for (const m of metrics) expect(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss)).toBe(true);
    // Distribution metrics at every evalEvery (3) steps and at the last step, nowhere else.
    expect(metrics.map((m) => m.eval !== undefined)).toEqual([false, false, true, true]);
    for (const m of metrics.filter((x) => x.eval)) {
      expect(Object.keys(m.eval).sort()).toEqual(['autocorrelation', 'crossCorrelation', 'marginalW1', 'mmd2']);
      for (const v of Object.values(m.eval)) expect(Number.isFinite(v)).toBe(true);
      expect(m.eval.marginalW1).toBeGreaterThan(0);
    }

    const samples = parseCsv(await readFile(join(out, 'samples.csv'), 'utf8'));
    expect(Object.keys(samples)).toEqual(['sequence', 'step', 'feature0', 'feature1', 'feature2']);
    expect(samples.sequence).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    expect(samples.step.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    // Sines live in [0.5, 1] after (x + 1) / 2 with arguments below 0.6 here; samples map into the data's range.
    for (const k of ['feature0', 'feature1', 'feature2']) for (const v of samples[k]) expect(v).toBeGreaterThanOrEqual(0.5 - 1e-6);

    const sampled = join(dir, 'more.csv');
    const s = await runCli(['sample', '--checkpoint', join(out, 'checkpoint.grugan'), '-n', '5', '--out', sampled]);
    expect(s.code).toBe(0);
    const more = parseCsv(await readFile(sampled, 'utf8'));
    expect(more.sequence.length).toBe(5 * 6);
    // Same seed (the config's) as train used: the first sequences repeat exactly.
    expect(more.feature0.slice(0, 18)).toEqual(samples.feature0);

    const same = await runCli(['checkpoint', 'diff', join(out, 'checkpoint.grugan'), join(out, 'checkpoint.grugan')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/overall\s+0\.000e\+0\s+0\.000e\+0/);

    const other = join(dir, 'other');
    expect((await runCli(['train', '--config', tinyConfig, '--steps', '4', '--seed', '6', '--out', other, '--samples', '1'])).code).toBe(0);
    const d = await runCli(['checkpoint', 'diff', join(out, 'checkpoint.grugan'), join(other, 'checkpoint.grugan'), '--tolerance', '1e-6']);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/^g\s/m);
    expect(d.stdout).toMatch(/^d\s/m);
    expect(d.stdout).toContain('EXCEEDS tolerance');
    const loose = await runCli(['checkpoint', 'diff', join(out, 'checkpoint.grugan'), join(other, 'checkpoint.grugan'), '--tolerance', '100']);
    expect(loose.code).toBe(0);
  });

  it('trains on stock_data.csv and writes samples in price units', async () => {
    const out = join(dir, 'stock');
    const r = await runCli(['train', '--data', stockCsv(), '--reverse', '--columns', 'Open,Volume', '--config', tinyConfig, '--steps', '2', '--out', out, '--samples', '20']);
    expect(unexpectedStderr(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const real = parseCsv(await readFile(stockCsv(), 'utf8'));
    const min = Math.min(...real.Open);
    const max = Math.max(...real.Open);
    const samples = parseCsv(await readFile(join(out, 'samples.csv'), 'utf8'));
    expect(Object.keys(samples)).toEqual(['sequence', 'step', 'Open', 'Volume']);
    for (const v of samples.Open) {
      expect(v).toBeGreaterThanOrEqual(min - 1e-3);
      expect(v).toBeLessThanOrEqual(max + 1e-3);
    }
    // Price units, not [0, 1]: the cheapest Open price is above 40.
    expect(Math.min(...samples.Open)).toBeGreaterThan(1);
    expect(Math.max(...samples.Volume)).toBeGreaterThan(1e5);
  });
});
