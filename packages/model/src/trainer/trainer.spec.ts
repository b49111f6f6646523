/**
 * The trainer's seams: determinism, flat tensor count, divergence, the data-parallel invariant
 * (averaged slice gradients = whole-batch gradients) and exact resume through get/setState.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrialConfig, type TrialConfigInput } from '@grugan/protocol';
import { Rng } from '../rng.js';
import type { NamedArrays, TrainerState, WindowedData } from '../types.js';
import { BatchSampler, GanTrainer, captureTrainingState, restoreTrainingState, runTraining, type StepMetrics } from './index.js';

const T = 6, F = 3;

/** Small TimeGAN-style sines: each feature sin(f·t + p), f, p ~ U(0, 0.1)... scaled to [0, 1]. */
function sines(count: number, seed = 1): WindowedData {
  const rng = new Rng(seed, 'test-data');
  const windows = new Float32Array(count * T * F);
  for (let n = 0; n < count; n++) {
    for (let f = 0; f < F; f++) {
      const freq = rng.uniform() * 0.1, phase = rng.uniform() * 0.1;
      for (let t = 0; t < T; t++) windows[(n * T + t) * F + f] = (Math.sin(freq * t + phase) + 1) / 2;
    }
  }
  return { windows, count, seqLen: T, features: F, columns: ['a', 'b', 'c'] };
}

function config(over: TrialConfigInput = {}): TrialConfig {
  return TrialConfig.parse({
    ...over,
    model: { hiddenSize: 5, layers: 2, ...over.model },
    training: { batchSize: 8, ...over.training },
  });
}

function setup(cfg: TrialConfig, data = sines(64), rank = 0, worldSize = 1) {
  const trainer = new GanTrainer(cfg, F);
  const sampler = new BatchSampler(data, { globalBatch: cfg.training.batchSize, seed: cfg.seed, rank, worldSize, noiseDim: trainer.noiseDim });
  return { trainer, sampler };
}

async function lossTrace(cfg: TrialConfig, steps: number): Promise<StepMetrics[]> {
  const { trainer, sampler } = setup(cfg);
  const trace: StepMetrics[] = [];
  const r = await runTraining({ trainer, sampler, steps, onStep: (m) => void trace.push(m) });
  expect(r.status).toBe('succeeded');
  trainer.dispose();
  return trace;
}

function maxAbsDiff(a: NamedArrays, b: NamedArrays): number {
  let worst = 0;
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(a)) for (let i = 0; i < a[k].data.length; i++) worst = Math.max(worst, Math.abs(a[k].data[i] - b[k].data[i]));
  return worst;
}

describe('GanTrainer', () => {
  it('names its parameters by network and layer', () => {
    const { trainer } = setup(config({ model: { gruVariant: 'reset-after', bidirectional: true } }));
    expect(trainer.parameterNames('g')).toContain('g/gru0/kernel');
    expect(trainer.parameterNames('g')).toContain('g/head/bias');
    expect(trainer.parameterNames('d')).toContain('d/gru1_reverse/recurrent_bias');
    expect(trainer.getWeights('d')['d/gru1/kernel'].shape).toEqual([10, 15]); // 2 directions × 5 in, 3 gates × 5 units
    trainer.dispose();
  });

  it('same seed, same backend: identical losses step by step; another seed differs', async () => {
    const a = await lossTrace(config(), 3);
    const b = await lossTrace(config(), 3);
    expect(b.map((m) => [m.dLoss, m.gLoss])).toEqual(a.map((m) => [m.dLoss, m.gLoss]));
    const c = await lossTrace(config({ seed: 7 }), 3);
    expect(c.map((m) => m.dLoss)).not.toEqual(a.map((m) => m.dLoss));
  });

  it.each(['ns', 'wgan-gp'] as const)('keeps the tensor count flat across steps (%s)', async (kind) => {
    const { trainer, sampler } = setup(config({ loss: { kind } }));
    const counts: number[] = [];
    await runTraining({ trainer, sampler, steps: 4, onStep: () => void counts.push(tf.memory().numTensors) });
    expect(counts.length).toBe(4);
    expect(new Set(counts).size).toBe(1);
    const held = tf.memory().numTensors;
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(held - trainer.parameterNames('g').length - trainer.parameterNames('d').length);
  });

  it('ends as diverged on a NaN batch, keeping the last checkpointed state', async () => {
    const data = sines(16);
    const { trainer, sampler } = setup(config({ training: { batchSize: 8 } }), data);
    const checkpoints: TrainerState[] = [];
    let poisoned = false;
    const r = await runTraining({
      trainer,
      sampler,
      steps: 10,
      checkpointEvery: 2,
      onCheckpoint: async (s) => void checkpoints.push(s),
      onStep: (m) => {
        if (m.step === 3) {
          data.windows.fill(Number.NaN); // the next batch is all NaN
          poisoned = true;
        }
      },
    });
    expect(poisoned).toBe(true);
    expect(r.status).toBe('diverged');
    expect(r.step).toBe(3);
    expect(r.reason).toMatch(/NaN/);
    expect(r.lastGoodState?.step).toBe(2);
    expect(maxAbsDiff(r.lastGoodState!.weights, checkpoints[0].weights)).toBe(0);
    expect(trainer.status).toBe('diverged');
    trainer.dispose();
  });

  it('ends as diverged when a huge learning rate blows the losses up', async () => {
    const { trainer, sampler } = setup(config({ loss: { kind: 'lsgan' }, optimizer: { lrD: 1, lrG: 1, epsilon: 1e-30 } }));
    // Start from absurd weights so the overflow comes quickly.
    const state = trainer.getState();
    for (const w of Object.values(state.weights)) w.data.fill(1e19);
    trainer.setState(state);
    const r = await runTraining({ trainer, sampler, steps: 50 });
    expect(r.status).toBe('diverged');
    expect(r.lastGoodState?.step).toBe(0);
    trainer.dispose();
  });

  it.each(['ns', 'wgan-gp', 'hinge'] as const)(
    'averaging the gradients of W = 4 batch slices equals the whole-batch gradients (%s)',
    async (kind) => {
      const cfg = config({ loss: { kind }, model: { bidirectional: kind === 'hinge' }, training: { batchSize: 8 } });
      const data = sines(64);
      const whole = setup(cfg, data);
      const W = 4;
      const ranks = Array.from({ length: W }, (_, rank) => setup(cfg, data, rank, W));
      for (const role of ['d', 'g'] as const) {
        const full = whole.trainer.computeGradients(role, whole.sampler.next()).grads;
        const parts = ranks.map((r) => r.trainer.computeGradients(role, r.sampler.next()).grads);
        const mean: NamedArrays = {};
        for (const name of Object.keys(full)) {
          const data = new Float32Array(full[name].data.length);
          for (const p of parts) for (let i = 0; i < data.length; i++) data[i] += p[name].data[i] / W;
          mean[name] = { shape: full[name].shape, data };
        }
        const scale = Math.max(...Object.values(full).flatMap((g) => Array.from(g.data, Math.abs)));
        expect(scale).toBeGreaterThan(1e-4);
        expect(maxAbsDiff(mean, full)).toBeLessThan(1e-5 * Math.max(1, scale));
      }
      whole.trainer.dispose();
      ranks.forEach((r) => r.trainer.dispose());
    },
  );

  it('N steps straight equal k steps + restore into a new trainer + N − k steps', async () => {
    // With a learning-rate decay too: the rate follows the restored step count.
    const cfg = config({ loss: { kind: 'lsgan' }, training: { dStepsPerGStep: 2 }, optimizer: { lrDecaySteps: 2 } });
    const straight = setup(cfg);
    await runTraining({ ...straight, steps: 5 });
    const first = setup(cfg);
    await runTraining({ ...first, steps: 2 });
    const saved = JSON.parse(JSON.stringify(captureTrainingState(first.trainer, first.sampler), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)));
    // Rebuild Float32Arrays, as a checkpoint reader would.
    const revive = (arrays: Record<string, { shape: number[]; data: number[] }>): NamedArrays =>
      Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
    const state: TrainerState = {
      ...saved,
      weights: revive(saved.weights),
      optimizer: {
        d: { iterations: saved.optimizer.d.iterations, m: revive(saved.optimizer.d.m), v: revive(saved.optimizer.d.v) },
        g: { iterations: saved.optimizer.g.iterations, m: revive(saved.optimizer.g.m), v: revive(saved.optimizer.g.v) },
      },
    };
    const resumed = setup(config({ ...cfg, seed: 999 })); // different initial weights: all must come from the state
    restoreTrainingState(resumed.trainer, resumed.sampler, state);
    expect(resumed.trainer.step).toBe(2);
    await runTraining({ ...resumed, steps: 5 });
    expect(maxAbsDiff(resumed.trainer.getWeights(), straight.trainer.getWeights())).toBe(0);
    expect(resumed.trainer.getState().optimizer.g.iterations).toBe(5);
    [straight, first, resumed].forEach((s) => s.trainer.dispose());
  });

  it('decays both learning rates by optimizer.lrDecaySteps over the generator steps', async () => {
    const decayed = setup(config({ optimizer: { lrDecaySteps: 1 } }));
    const constant = setup(config());
    await runTraining({ ...decayed, steps: 1 }); // step 0 has the full rate
    await runTraining({ ...constant, steps: 1 });
    expect(maxAbsDiff(decayed.trainer.getWeights(), constant.trainer.getWeights())).toBe(0);
    const halfRate = setup(config({ optimizer: { lrG: 5e-4, lrD: 5e-4 } }));
    halfRate.trainer.setState(decayed.trainer.getState());
    const batch = decayed.sampler.next();
    for (const role of ['d', 'g'] as const) {
      const { grads } = decayed.trainer.computeGradients(role, batch);
      for (const t of [decayed, halfRate, constant]) t.trainer.applyGradients(role, grads);
    }
    expect(maxAbsDiff(decayed.trainer.getWeights(), halfRate.trainer.getWeights())).toBe(0);
    expect(maxAbsDiff(decayed.trainer.getWeights(), constant.trainer.getWeights())).toBeGreaterThan(1e-5);
    [decayed, constant, halfRate].forEach((s) => s.trainer.dispose());
  });

  it('rejects a state from a different model, naming the parameter', () => {
    const small = setup(config());
    const big = setup(config({ model: { hiddenSize: 7 } }));
    expect(() => big.trainer.setState(small.trainer.getState())).toThrow(/g\/gru0\/kernel have shape \[3,15\], expected \[3,21\]/);
    small.trainer.dispose();
    big.trainer.dispose();
  });

  it('generate maps noise to [n, T, F] values in (0, 1)', () => {
    const { trainer } = setup(config());
    const n = 3;
    const out = trainer.generate(trainer.sampleNoise(new Rng(5), n, T), n);
    expect(out.length).toBe(n * T * F);
    expect(out.every((v) => v > 0 && v < 1)).toBe(true);
    expect(() => trainer.generate(new Float32Array(7), n)).toThrow(/noise holds 7 values/);
    trainer.dispose();
  });

  it('with training.emaDecay, samples from the average of the generator over every step, and resumes it', async () => {
    const cfg = config({ training: { emaDecay: 0.99 } });
    const seen: NamedArrays[] = [];
    const { trainer, sampler } = setup(cfg);
    await runTraining({ trainer, sampler, steps: 5, onStep: () => void seen.push(trainer.getWeights('g')) });
    const average = trainer.getState().average!;
    expect(average.updates).toBe(4); // the first step starts it
    expect(Object.keys(average.weights).sort()).toEqual(trainer.parameterNames('g').sort());
    // Warm-up decays (1 + n) / (10 + n) for n = 0..3, all below 0.99.
    const name = trainer.parameterNames('g')[0];
    let expected = seen[0][name].data[0];
    for (let n = 0; n < 4; n++) expected = ((1 + n) / (10 + n)) * expected + (1 - (1 + n) / (10 + n)) * seen[n + 1][name].data[0];
    expect(average.weights[name].data[0]).toBeCloseTo(expected, 6);

    const noise = trainer.sampleNoise(new Rng(5), 3, T);
    const last = trainer.getState();
    const holder = setup(config());
    holder.trainer.setState({ ...last, weights: { ...last.weights, ...average.weights }, average: undefined });
    expect(Array.from(trainer.generate(noise, 3))).toEqual(Array.from(holder.trainer.generate(noise, 3)));

    // k steps + restore + the rest: the same average, up to the float32 rounding of the restored one.
    const first = setup(cfg);
    await runTraining({ ...first, steps: 2 });
    const resumed = setup(cfg);
    restoreTrainingState(resumed.trainer, resumed.sampler, captureTrainingState(first.trainer, first.sampler));
    await runTraining({ ...resumed, steps: 5 });
    expect(maxAbsDiff(resumed.trainer.getState().average!.weights, average.weights)).toBeLessThan(1e-6);
    [trainer, holder.trainer, first.trainer, resumed.trainer].forEach((t) => t.dispose());
  });
});

describe('BatchSampler', () => {
  it('gives each rank its contiguous slice of the same global draws', () => {
    const data = sines(32);
    const whole = new BatchSampler(data, { globalBatch: 6, seed: 3, noiseDim: 2 }).next();
    const slices = [0, 1, 2].map((rank) => new BatchSampler(data, { globalBatch: 6, seed: 3, noiseDim: 2, rank, worldSize: 3 }).next());
    const cat = (k: 'real' | 'noise' | 'extra') => Float32Array.from(slices.flatMap((s) => Array.from(s[k]!)));
    expect(cat('real')).toEqual(whole.real);
    expect(cat('noise')).toEqual(whole.noise);
    expect(cat('extra')).toEqual(whole.extra);
    expect(slices[1].size).toBe(2);
  });

  it('rejects a global batch the ranks cannot split evenly', () => {
    expect(() => new BatchSampler(sines(4), { globalBatch: 5, seed: 1, noiseDim: 3, worldSize: 2 })).toThrow(/not divisible by worldSize 2/);
  });

  it('continues its stream exactly from a saved state', () => {
    const a = new BatchSampler(sines(8), { globalBatch: 2, seed: 1, noiseDim: 3 });
    a.next();
    const saved = a.getState();
    const expected = a.next();
    const b = new BatchSampler(sines(8), { globalBatch: 2, seed: 99, noiseDim: 3 });
    b.setState(saved);
    expect(b.next()).toEqual(expected);
  });
});
