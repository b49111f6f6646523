import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrialConfig } from '@grugan/protocol';
import { prepareData } from '../data/index.js';
import { BatchSampler, GanTrainer, captureTrainingState, restoreTrainingState, runTraining } from '../trainer/index.js';
import type { TrainerState } from '../types.js';
import {
  CheckpointError,
  deserializeCheckpoint,
  diffWeights,
  loadCheckpoint,
  saveCheckpoint,
  serializeCheckpoint,
  type Checkpoint,
} from './index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'grugan-ckpt-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const config = TrialConfig.parse({
  data: { dataset: 'sines', numSequences: 64, seqLen: 6, features: 2 },
  model: { hiddenSize: 4, layers: 1 },
  training: { batchSize: 8 },
  seed: 3,
});

/** A small hand-made state with distinct values in every blob. */
function handState(): TrainerState {
  const arr = (n: number, base: number) => ({ shape: [n], data: Float32Array.from({ length: n }, (_, i) => base + i * 0.25) });
  return {
    step: 7,
    status: 'running',
    weights: { 'g/w': { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 7]) }, 'd/b': arr(2, -1) },
    optimizer: {
      d: { iterations: 7, m: { 'd/b': arr(2, 0.1) }, v: { 'd/b': arr(2, 0.2) } },
      g: { iterations: 7, m: { 'g/w': { shape: [2, 3], data: new Float32Array(6).fill(0.3) } }, v: { 'g/w': { shape: [2, 3], data: new Float32Array(6).fill(0.4) } } },
    },
    rng: { noise: [1, 2, 3, 4], batches: [5, 6, 7, 4294967295] },
  };
}

function handCheckpoint(): Checkpoint {
  return {
    config,
    trainer: handState(),
    scaler: { kind: 'minmax', min: [0.5, 1], max: [1, 200.25] },
    columns: ['a', 'b'],
    source: 'sines',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('serializeCheckpoint / deserializeCheckpoint', () => {
  it('round-trips every field exactly', () => {
    const ckpt = handCheckpoint();
    const back = deserializeCheckpoint(serializeCheckpoint(ckpt));
    expect(back).toEqual(ckpt);
    expect(back.trainer.weights['g/w'].data).toBeInstanceOf(Float32Array);
  });

  it('reads bytes that sit at an unaligned offset of a larger buffer', () => {
    const bytes = serializeCheckpoint(handCheckpoint());
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(deserializeCheckpoint(big.subarray(3)).trainer.weights['d/b'].data).toEqual(handState().weights['d/b'].data);
  });

  it('rejects truncated, altered and foreign bytes with named codes', () => {
    const bytes = serializeCheckpoint(handCheckpoint());
    const codeOf = (b: Uint8Array) => {
      try {
        deserializeCheckpoint(b, 'x.grugan');
        return 'ok';
      } catch (err) {
        expect(err).toBeInstanceOf(CheckpointError);
        expect((err as Error).message).toMatch(/^x\.grugan: /);
        return (err as CheckpointError).code;
      }
    };
    expect(codeOf(bytes.subarray(0, bytes.length - 10))).toBe('CHECKPOINT_CHECKSUM_MISMATCH');
    expect(codeOf(bytes.subarray(0, 20))).toBe('CHECKPOINT_TRUNCATED');
    const flipped = bytes.slice();
    flipped[bytes.length - 40] ^= 1; // one bit of the last blob
    expect(codeOf(flipped)).toBe('CHECKPOINT_CHECKSUM_MISMATCH');
    expect(codeOf(new TextEncoder().encode('step,loss\n1,2\n'))).toBe('CHECKPOINT_BAD_MAGIC');
    expect(codeOf(bytes)).toBe('ok');
  });
});

describe('checkpoint files', () => {
  it('saves atomically (no temp file left) and loads back', async () => {
    const dir = await tempDir();
    const path = join(dir, 'c.grugan');
    const ckpt = handCheckpoint();
    const n = await saveCheckpoint(path, ckpt);
    expect(await readdir(dir)).toEqual(['c.grugan']);
    expect((await readFile(path)).length).toBe(n);
    expect(await loadCheckpoint(path)).toEqual(ckpt);
    // A second save replaces the first in one rename.
    await saveCheckpoint(path, { ...ckpt, trainer: { ...ckpt.trainer, step: 8 } });
    expect((await loadCheckpoint(path)).trainer.step).toBe(8);
  });

  it('names the file of a missing or truncated checkpoint', async () => {
    const dir = await tempDir();
    await expect(loadCheckpoint(join(dir, 'none.grugan'))).rejects.toThrow(/none\.grugan: cannot read checkpoint \(no such file\)/);
    const path = join(dir, 'cut.grugan');
    const bytes = serializeCheckpoint(handCheckpoint());
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(loadCheckpoint(path)).rejects.toThrow(/cut\.grugan: truncated/);
  });
});

describe('diffWeights', () => {
  it('reports largest absolute and relative differences per network and overall', () => {
    const a = handState().weights;
    const b = handState().weights;
    b['g/w'].data[2] = 3.5 + 0.35; // abs 0.35, rel 0.35 / 3.85
    b['d/b'].data[0] = -1.01; // abs 0.01, rel 0.01/1.01
    const d = diffWeights(a, b);
    expect(d.networks.g.maxAbs).toBeCloseTo(0.35, 5);
    expect(d.networks.g.maxRel).toBeCloseTo(0.35 / 3.85, 5);
    expect(d.networks.d.maxAbs).toBeCloseTo(0.01, 5);
    expect(d.overall.maxAbs).toBeCloseTo(0.35, 5);
    expect(d.overall.worst).toBe('g/w');
    expect(diffWeights(a, handState().weights).overall.maxAbs).toBe(0);
    expect(() => diffWeights(a, { 'g/w': a['g/w'] })).toThrow(/only one checkpoint: d\/b/);
  });
});

describe('resume', () => {
  it('k steps + save + load + N−k steps equals N steps straight', async () => {
    const data = await prepareData(config.data, config.seed);
    const features = data.train.features;
    const make = () => {
      const trainer = new GanTrainer(config, features);
      const sampler = new BatchSampler(data.train, { globalBatch: 8, seed: config.seed, noiseDim: trainer.noiseDim });
      return { trainer, sampler };
    };
    const N = 6;
    const k = 2;
    const straight = make();
    await runTraining({ ...straight, steps: N });
    const expected = straight.trainer.getState().weights;
    straight.trainer.dispose();

    const first = make();
    await runTraining({ ...first, steps: k });
    const path = join(await tempDir(), 'resume.grugan');
    await saveCheckpoint(path, {
      config,
      trainer: captureTrainingState(first.trainer, first.sampler),
      scaler: data.scaler,
      columns: data.train.columns,
      source: data.source,
      createdAt: new Date().toISOString(),
    });
    first.trainer.dispose();

    const loaded = await loadCheckpoint(path);
    expect(loaded.trainer.step).toBe(k);
    const second = make();
    restoreTrainingState(second.trainer, second.sampler, loaded.trainer);
    await runTraining({ ...second, steps: N });
    const resumed = second.trainer.getState().weights;
    second.trainer.dispose();

    expect(Object.keys(resumed).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) expect(resumed[name].data).toEqual(expected[name].data);
    // And the run really moved the weights, so the equality above is not vacuous.
    const fresh = make();
    expect(diffWeights(fresh.trainer.getState().weights, expected).overall.maxAbs).toBeGreaterThan(1e-4);
    fresh.trainer.dispose();
  });
});
