/**
 * Conditional generation (`data.conditioning`): labels per window from a CSV column, carried
 * through shuffling and batch sampling, one-hot inputs of G and D, and — for both model kinds —
 * a generator that learns to produce each label's own level.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialConfig, type TrialConfigInput } from '@grugan/protocol';
import { Rng } from '../rng.js';
import { DataError, parseLabelColumn, prepareData, windowLabels } from '../data/index.js';
import { BatchSampler, BatchShapeError, createTrainer, runTraining } from './index.js';

let dir: string;
let csv: string;

/**
 * 400 rows in blocks of 20: label "lo" rows hold x ≈ 1, label "hi" rows x ≈ 9 (y is noise), so
 * a window's label can be read off its values.
 */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-cond-'));
  csv = join(dir, 'regimes.csv');
  const rng = new Rng(4);
  const rows = ['x,regime,y'];
  for (let r = 0; r < 400; r++) {
    const hi = Math.floor(r / 20) % 2 === 1;
    rows.push(`${(hi ? 9 : 1) + 0.2 * rng.uniform()},${hi ? 'hi' : 'lo'},${rng.uniform()}`);
  }
  await writeFile(csv, `${rows.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const conditioning = { column: 'regime', values: ['lo', 'hi'] };

function config(over: TrialConfigInput = {}): TrialConfig {
  return TrialConfig.parse({
    ...over,
    data: { path: csv, seqLen: 4, stride: 4, columns: ['x'], conditioning, ...over.data },
    model: { kind: 'grugan', hiddenSize: 8, layers: 1, ...over.model },
    training: { batchSize: 32, ...over.training },
    seed: 3,
  });
}

describe('conditioning labels', () => {
  it('reads a label column (reversible) and labels windows by mode or first row', () => {
    const col = parseLabelColumn('a,lab\n1,x\n2,y\n3,y\n', 'lab', { reverse: true });
    expect(col).toEqual({ header: ['a', 'lab'], rows: ['y', 'y', 'x'] });
    const rows = ['a', 'b', 'b', 'a', 'a', 'b'];
    const cond = { column: 'lab', values: ['a', 'b'] };
    expect(Array.from(windowLabels(rows, { ...cond, reduce: 'mode' }, 3, 1))).toEqual([1, 1, 0, 0]);
    expect(Array.from(windowLabels(rows, { ...cond, reduce: 'first' }, 3, 1))).toEqual([0, 1, 1, 0]);
    expect(Array.from(windowLabels(['b', 'a'], { ...cond, reduce: 'mode' }, 2, 1))).toEqual([0]); // tie → earlier value
    expect(() => windowLabels(['a', 'c'], { ...cond, reduce: 'mode' }, 2)).toThrow(/row 2, column "lab": label "c" is not one of a, b/);
    expect(() => windowLabels(['a', 'c'], { ...cond, reduce: 'mode' }, 2)).toThrow(DataError);
  });

  it('the config refuses conditioning without a CSV or on a feature column', () => {
    expect(TrialConfig.safeParse({ data: { dataset: 'sines', conditioning } }).success).toBe(false);
    expect(TrialConfig.safeParse({ data: { path: 'f.csv', columns: ['regime'], conditioning } }).success).toBe(false);
    expect(TrialConfig.safeParse({ data: { path: 'f.csv', conditioning: { column: 'c', values: ['a', 'a'] } } }).success).toBe(false);
  });

  it('prepareData keeps the label out of the features and the labels with their windows through the shuffle', async () => {
    const data = await prepareData(config({ data: { columns: undefined } }).data, 3);
    expect(data.train.columns).toEqual(['x', 'y']);
    const { train } = data;
    expect(train.labels?.length).toBe(train.count);
    // Every window lies inside one 20-row block (stride 4 divides 20): its label is its level.
    for (let w = 0; w < train.count; w++) {
      const x = train.windows[w * train.seqLen * 2]; // first step, feature x (scaled: lo ≈ 0, hi ≈ 1)
      expect(train.labels![w]).toBe(x > 0.5 ? 1 : 0);
    }
    const sampler = new BatchSampler(train, { globalBatch: 16, seed: 1, noiseDim: 1 });
    const batch = sampler.next();
    for (let i = 0; i < 16; i++) expect(batch.labels![i]).toBe(batch.real[i * train.seqLen * 2] > 0.5 ? 1 : 0);
  });

  it('the generator takes one label per sample; labels change the output', async () => {
    const data = await prepareData(config().data, 3);
    const trainer = createTrainer(config(), data.train.features);
    expect(trainer.conditionDim).toBe(2);
    const noise = trainer.sampleNoise(new Rng(1), 2, 4);
    const lo = trainer.generate(noise, 2, Int32Array.from([0, 0]));
    const hi = trainer.generate(noise, 2, Int32Array.from([1, 1]));
    expect(Array.from(lo)).not.toEqual(Array.from(hi));
    expect(() => trainer.generate(noise, 2)).toThrow(BatchShapeError);
    expect(() => trainer.generate(noise, 2, Int32Array.from([0, 2]))).toThrow(/label 2 is not a class index/);
    trainer.dispose();
  });

  it('conditional wgan-gp: the mean of W = 2 slices\' gradients equals the whole batch\'s (labels are sliced with their windows)', async () => {
    const cfg = config({ loss: { kind: 'wgan-gp' }, training: { batchSize: 8 } });
    const data = await prepareData(cfg.data, 3);
    const make = (rank: number, worldSize: number) => {
      const trainer = createTrainer(cfg, data.train.features);
      return { trainer, sampler: new BatchSampler(data.train, { globalBatch: 8, seed: 5, rank, worldSize, noiseDim: trainer.noiseDim }) };
    };
    const whole = make(0, 1);
    const parts = [make(0, 2), make(1, 2)];
    for (const role of ['d', 'g'] as const) {
      const full = whole.trainer.computeGradients(role, whole.sampler.next()).grads;
      const halves = parts.map((p) => p.trainer.computeGradients(role, p.sampler.next()).grads);
      let worst = 0;
      let scale = 0;
      for (const [name, g] of Object.entries(full)) {
        for (let i = 0; i < g.data.length; i++) {
          scale = Math.max(scale, Math.abs(g.data[i]));
          worst = Math.max(worst, Math.abs((halves[0][name].data[i] + halves[1][name].data[i]) / 2 - g.data[i]));
        }
      }
      expect(scale).toBeGreaterThan(1e-4);
      expect(worst).toBeLessThan(1e-5 * Math.max(1, scale));
    }
    [whole, ...parts].forEach((p) => p.trainer.dispose());
  });

  it.each([
    ['grugan', { training: { steps: 150 }, optimizer: { lrD: 5e-3, lrG: 5e-3 } }],
    ['timegan', { model: { kind: 'timegan', layers: 2, timegan: { embeddingSteps: 60, supervisedSteps: 20 } }, training: { steps: 160 }, optimizer: { lrD: 5e-3, lrG: 5e-3, beta1: 0.9 } }],
  ] as const)('%s learns each label\'s level', async (_kind, over) => {
    const cfg = config(over as TrialConfigInput);
    const data = await prepareData(cfg.data, 3);
    const trainer = createTrainer(cfg, data.train.features);
    const sampler = new BatchSampler(data.train, { globalBatch: cfg.training.batchSize, seed: cfg.seed, noiseDim: trainer.noiseDim });
    const r = await runTraining({ trainer, sampler, steps: cfg.training.steps });
    expect(r.status).toBe('succeeded');
    const n = 64;
    const noise = trainer.sampleNoise(new Rng(9), n, 4);
    const mean = (k: number) => {
      const out = trainer.generate(noise, n, new Int32Array(n).fill(k));
      return out.reduce((s, v) => s + v, 0) / out.length;
    };
    const [lo, hi] = [mean(0), mean(1)];
    trainer.dispose();
    // Real levels (scaled): lo ≈ 0.01, hi ≈ 0.99. Same noise, only the label differs.
    expect(lo).toBeLessThan(0.35);
    expect(hi).toBeGreaterThan(0.65);
  });
});
