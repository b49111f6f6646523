/**
 * `trainParallel`: W ranks as worker threads, averaging gradients over the collective, must take
 * the same steps as one process on the whole global batch, and repeat bit for bit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchSampler, GanTrainer, runTraining, selectBackend, type NamedArrays, type PreparedData } from '@grugan/model';
import { prepareData } from '@grugan/model';
import { TrialConfig } from '@grugan/protocol';
import { trainParallel } from '../../src/train/parallel.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const STEPS = 20;

// A tiny model and data set: the point is the arithmetic, not the quality. The global batch
// (12) splits evenly over 1, 2 and 3 ranks.
const config = TrialConfig.parse({
  data: { dataset: 'sines', numSequences: 64, seqLen: 4, features: 3 },
  model: { kind: 'grugan', hiddenSize: 4, layers: 1 },
  training: { batchSize: 12, steps: STEPS, checkpointEvery: 0 },
  seed: 7,
});

async function singleProcess(data: PreparedData): Promise<NamedArrays> {
  await selectBackend('cpu');
  const trainer = new GanTrainer(config, data.train.features);
  const sampler = new BatchSampler(data.train, {
    globalBatch: config.training.batchSize,
    seed: config.seed,
    noiseDim: trainer.noiseDim,
  });
  const result = await runTraining({ trainer, sampler, steps: STEPS });
  expect(result.status).toBe('succeeded');
  const weights = trainer.getState().weights;
  trainer.dispose();
  return weights;
}

/** Largest per-array max|a − b| / max|b|. */
function maxRelativeDiff(a: NamedArrays, b: NamedArrays): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let worst = 0;
  for (const k of Object.keys(b)) {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < b[k].data.length; i++) {
      diff = Math.max(diff, Math.abs(a[k].data[i] - b[k].data[i]));
      scale = Math.max(scale, Math.abs(b[k].data[i]));
    }
    worst = Math.max(worst, diff / (scale || 1));
  }
  return worst;
}

function bitIdentical(a: NamedArrays, b: NamedArrays): boolean {
  return Object.keys(b).every((k) => {
    const x = new Uint32Array(a[k].data.buffer, a[k].data.byteOffset, a[k].data.length);
    const y = new Uint32Array(b[k].data.buffer, b[k].data.byteOffset, b[k].data.length);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  });
}

describe('trainParallel', () => {
  let data: PreparedData;
  let reference: NamedArrays;
  // One W = 2 in-process run serves both the equivalence and the determinism checks.
  let w2: Awaited<ReturnType<typeof trainParallel>>;
  beforeAll(async () => {
    data = await prepareData(config.data, config.seed);
    reference = await singleProcess(data);
    w2 = await trainParallel({ config, data, workers: 2, backend: 'cpu' });
  }, 240_000);

  it('W = 2 and 3 equal one process on the same global batch (1e-5 relative) after 20 steps', async () => {
    const steps: number[] = [];
    const w3 = await trainParallel({ config, data, workers: 3, backend: 'cpu', onStep: (m) => void steps.push(m.step) });
    expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    for (const run of [w2, w3]) {
      expect(run.status).toBe('succeeded');
      expect(run.step).toBe(STEPS);
      expect(maxRelativeDiff(run.state.weights, reference)).toBeLessThan(1e-5);
    }
    // Not trivially equal because nothing moved: training changed the weights.
    const init = new GanTrainer(config, data.train.features);
    expect(maxRelativeDiff(w2.state.weights, init.getState().weights)).toBeGreaterThan(1e-3);
    init.dispose();
  }, 240_000);

  it('is bit-identical run to run with the same seed and W, in-process or over NATS', async () => {
    const again = await trainParallel({ config, data, workers: 2, backend: 'cpu', natsUrl: NATS_URL });
    expect(again.status).toBe('succeeded');
    expect(bitIdentical(again.state.weights, w2.state.weights)).toBe(true);
  }, 240_000);

  it('rejects a global batch that does not split evenly, naming the field', async () => {
    await expect(trainParallel({ config, data, workers: 5, backend: 'cpu' })).rejects.toThrow(/training\.batchSize: 12 is not divisible by --workers 5/);
  });

  it('stops every rank at the same agreed step when aborted', async () => {
    const controller = new AbortController();
    const run = await trainParallel({
      config, data, workers: 2, backend: 'cpu', steps: 1000,
      onStep: (m) => {
        if (m.step === 3) controller.abort();
      },
      signal: controller.signal,
    });
    // Ranks agree on the stop through the gradient reduce, so they all end at one step
    // (checked by the weights checksum inside trainParallel).
    expect(run.status).toBe('stopped');
    expect(run.step).toBeGreaterThanOrEqual(3);
    expect(run.step).toBeLessThan(1000);
  }, 240_000);
});
