/**
 * TimeGAN: network shapes, the phase schedule, each phase's loss going down on sines, seeded
 * determinism, exact resume through a serialised checkpoint, divergence on NaN, the
 * discriminator's loss gate, flat tensor count, and two data-parallel ranks staying identical.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrialConfig, type TrialConfigInput } from '@grugan/protocol';
import { Rng } from '../rng.js';
import { TrainerStateError } from '../trainer/errors.js';
import type { NamedArrays, TimeGanRole, TrainingRole, WindowedData } from '../types.js';
import { generateSines } from '../data/sines.js';
import { initParameter } from '../networks/init.js';
import { deserializeCheckpoint, serializeCheckpoint } from '../checkpoint/format.js';
import { BatchSampler, captureTrainingState, createTrainer, restoreTrainingState, runTraining, GanTrainer, type StepMetrics } from '../trainer/index.js';
import { D_LOSS_KEY, TimeGanConfigError, TimeGanTrainer, timeGanJointIteration, timeGanNetworks, timeGanPhase, timeGanSchedule } from './index.js';

const T = 8, F = 3;

function config(over: TrialConfigInput = {}): TrialConfig {
  return TrialConfig.parse({
    ...over,
    model: { kind: 'timegan', hiddenSize: 6, layers: 2, ...over.model, timegan: { embeddingSteps: 2, supervisedSteps: 2, ...over.model?.timegan } },
    optimizer: { lrG: 5e-3, lrD: 5e-3, beta1: 0.9, ...over.optimizer },
    training: { batchSize: 16, steps: 6, ...over.training },
  });
}

const sines = (count = 96): WindowedData => generateSines({ numSequences: count, seqLen: T, features: F, seed: 1 });

function setup(cfg: TrialConfig, data = sines(), rank = 0, worldSize = 1) {
  const trainer = new TimeGanTrainer(cfg, F);
  const sampler = new BatchSampler(data, { globalBatch: cfg.training.batchSize, seed: cfg.seed, rank, worldSize, noiseDim: trainer.noiseDim });
  return { trainer, sampler };
}

async function trace(cfg: TrialConfig, steps = cfg.training.steps): Promise<StepMetrics[]> {
  const { trainer, sampler } = setup(cfg);
  const out: StepMetrics[] = [];
  const r = await runTraining({ trainer, sampler, steps, onStep: (m) => void out.push(m) });
  expect(r.status).toBe('succeeded');
  trainer.dispose();
  return out;
}

function maxAbsDiff(a: NamedArrays, b: NamedArrays): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let worst = 0;
  for (const k of Object.keys(a)) for (let i = 0; i < a[k].data.length; i++) worst = Math.max(worst, Math.abs(a[k].data[i] - b[k].data[i]));
  return worst;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('TimeGAN networks', () => {
  it('map [B, T, in] to the documented widths, with sigmoid heads except the discriminator', () => {
    const nets = timeGanNetworks({ features: F, noiseDim: 4, hiddenSize: 6, layers: 3, variant: 'cho2014' });
    const rng = new Rng(2);
    const p: Record<string, tf.Tensor> = {};
    for (const net of Object.values(nets)) for (const s of net.parameterSpecs()) { const v = initParameter(s, rng); p[s.name] = tf.tensor(v.data, v.shape); }
    const cases = [
      [nets.embedder, F, 6, true],
      [nets.recovery, 6, F, true],
      [nets.generator, 4, 6, true],
      [nets.supervisor, 6, 6, true],
      [nets.discriminator, 6, 1, false],
    ] as const;
    for (const [net, inSize, outSize, squashed] of cases) {
      const out = tf.tidy(() => net.apply(p, tf.randomNormal([5, T, inSize]) as tf.Tensor3D).arraySync() as number[][][]);
      expect([out.length, out[0].length, out[0][0].length]).toEqual([5, T, outSize]);
      const values = out.flat(2);
      expect(values.every((v) => v > 0 && v < 1)).toBe(squashed);
    }
    // The supervisor has one GRU layer fewer than the others.
    expect(nets.supervisor.parameterSpecs().filter((s) => s.name.endsWith('/recurrent_kernel')).length).toBe(2);
    expect(nets.embedder.parameterSpecs().filter((s) => s.name.endsWith('/recurrent_kernel')).length).toBe(3);
    expect(nets.discriminator.parameterSpecs().map((s) => s.name)).toContain('d/head/kernel');
    Object.values(p).forEach((t) => t.dispose());
  });
});

describe('TimeGAN schedule', () => {
  it('splits training.steps into three phases, TimeGAN-style equal by default', () => {
    const s = timeGanSchedule(TrialConfig.parse({ model: { kind: 'timegan' }, training: { steps: 100 } }));
    expect(s).toEqual({ embedding: 33, supervised: 33, joint: 34, total: 100 });
    expect([timeGanPhase(s, 0), timeGanPhase(s, 32), timeGanPhase(s, 33), timeGanPhase(s, 65), timeGanPhase(s, 66)]).toEqual([
      'embedding', 'embedding', 'supervised', 'supervised', 'joint',
    ]);
    expect([timeGanJointIteration(s, 0), timeGanJointIteration(s, 65), timeGanJointIteration(s, 66), timeGanJointIteration(s, 99)]).toEqual([-66, -1, 0, 33]);
    expect(() => timeGanSchedule(config({ model: { timegan: { embeddingSteps: 4, supervisedSteps: 3 } } }))).toThrow(TimeGanConfigError);
  });

  it('createTrainer builds the trainer model.kind names', () => {
    const tg = createTrainer(config(), F);
    const plain = createTrainer(TrialConfig.parse({ model: { kind: 'grugan', hiddenSize: 4, layers: 1 } }), F);
    expect(tg).toBeInstanceOf(TimeGanTrainer);
    expect(plain).toBeInstanceOf(GanTrainer);
    expect(tg.noiseDim).toBe(F); // TimeGAN's z_dim = the data's dimension
    tg.dispose();
    plain.dispose();
  });
});

describe('TimeGanTrainer', () => {
  it('lowers each phase\'s loss on sines over a few dozen iterations', async () => {
    const m = await trace(config({ model: { timegan: { embeddingSteps: 30, supervisedSteps: 30 } }, training: { steps: 90 } }));
    const phase = (k: number) => m.filter((x) => x.extra.phase === k);
    const firstLast = (xs: number[]) => [mean(xs.slice(0, 5)), mean(xs.slice(-5))];
    const [ae0, ae1] = firstLast(phase(1).map((x) => x.extra.aeLoss));
    const [s0, s1] = firstLast(phase(2).map((x) => x.extra.supervised));
    const [mo0, mo1] = firstLast(phase(3).map((x) => x.extra.gMoments));
    expect(phase(3).length).toBe(30);
    expect(ae1).toBeLessThan(0.7 * ae0);
    expect(s1).toBeLessThan(0.5 * s0);
    expect(mo1).toBeLessThan(0.9 * mo0);
    // Non-adversarial phases report no D / G losses; the joint phase reports both.
    expect(phase(1).every((x) => x.dLoss === 0 && x.gLoss === 0)).toBe(true);
    expect(phase(3).every((x) => x.dLoss > 0 && x.gLoss > 0)).toBe(true);
  });

  it('same seed: identical losses through all phases; another seed differs', async () => {
    const a = await trace(config());
    const b = await trace(config());
    expect(b.map((x) => [x.dLoss, x.gLoss, x.gradNormG, x.extra])).toEqual(a.map((x) => [x.dLoss, x.gLoss, x.gradNormG, x.extra]));
    const c = await trace(config({ seed: 9 }));
    expect(c.map((x) => x.gradNormG)).not.toEqual(a.map((x) => x.gradNormG));
  });

  it.each([1, 3, 5])('N iterations straight equal k = %i + a serialised checkpoint + N − k', async (k) => {
    const cfg = config({ training: { steps: 7 } });
    const straight = setup(cfg);
    await runTraining({ ...straight, steps: 7 });
    const first = setup(cfg);
    await runTraining({ ...first, steps: k });
    const bytes = serializeCheckpoint({
      config: cfg,
      trainer: captureTrainingState(first.trainer, first.sampler),
      scaler: { kind: 'none', min: [], max: [] },
      columns: ['a', 'b', 'c'],
      source: 'sines',
      createdAt: new Date(0).toISOString(),
    });
    const restored = deserializeCheckpoint(bytes);
    expect(Object.keys(restored.trainer.optimizer).sort()).toEqual(['autoencoder', 'd', 'embedder', 'g', 'supervisor']);
    const resumed = setup(config({ training: { steps: 7 }, seed: 999 })); // other initial weights: all must come from the state
    restoreTrainingState(resumed.trainer, resumed.sampler, restored.trainer);
    expect(resumed.trainer.step).toBe(k);
    await runTraining({ ...resumed, steps: 7 });
    expect(maxAbsDiff(resumed.trainer.getWeights(), straight.trainer.getWeights())).toBe(0);
    const [sa, sb] = [resumed.trainer.getState().optimizer, straight.trainer.getState().optimizer];
    for (const role of ['autoencoder', 'supervisor', 'g', 'embedder', 'd'] as const) expect(sa[role]!.iterations).toBe(sb[role]!.iterations);
    expect(sb.g.iterations).toBe(3 * 2); // 3 joint iterations × 2 generator steps
    [straight, first, resumed].forEach((s) => s.trainer.dispose());
  });

  it('rejects a plain GRU-GAN state, naming what is missing', () => {
    const plain = new GanTrainer(TrialConfig.parse({ model: { hiddenSize: 6, layers: 2 } }), F);
    const { trainer } = setup(config());
    expect(() => trainer.setState(plain.getState())).toThrow(/no weights for e\/gru0\/kernel/);
    plain.dispose();
    trainer.dispose();
  });

  it.each([1, 4])('ends as diverged on NaN data (poisoned after iteration %i), keeping the last checkpointed state', async (at) => {
    const data = sines(32);
    const { trainer, sampler } = setup(config({ training: { steps: 8 } }), data);
    const checkpoints: number[] = [];
    const r = await runTraining({
      trainer,
      sampler,
      steps: 8,
      checkpointEvery: 1,
      onCheckpoint: async (s) => void checkpoints.push(s.step),
      onStep: (m) => {
        if (m.step === at) data.windows.fill(Number.NaN);
      },
    });
    expect(r.status).toBe('diverged');
    expect(r.step).toBe(at);
    expect(r.reason).toMatch(/NaN/);
    expect(r.lastGoodState?.step).toBe(at);
    expect(checkpoints).toEqual(Array.from({ length: at }, (_, i) => i + 1));
    expect(trainer.status).toBe('diverged');
    trainer.dispose();
  });

  it('updates the discriminator only while its (reduced) loss exceeds the threshold', async () => {
    const run = async (dLossThreshold: number) => {
      const { trainer, sampler } = setup(config({ model: { timegan: { dLossThreshold } } }));
      const before = trainer.getWeights();
      const roles: TrainingRole[] = [];
      const dLossesSeen: number[] = [];
      const steps: StepMetrics[] = [];
      await runTraining({
        trainer,
        sampler,
        steps: 6,
        onStep: (m) => void steps.push(m),
        reduce: async (role, grads) => {
          roles.push(role);
          if (role === 'd') dLossesSeen.push(grads[D_LOSS_KEY].data[0]);
          return grads;
        },
      });
      const after = trainer.getWeights();
      const dMoved = Object.keys(before).filter((n) => n.startsWith('d/')).some((n) => maxAbsDiff({ [n]: before[n] }, { [n]: after[n] }) > 0);
      const optimizer = trainer.getState().optimizer;
      trainer.dispose();
      return { roles, dLossesSeen, dMoved, dIterations: optimizer.d.iterations, steps };
    };
    const never = await run(1e6);
    const always = await run(0);
    const expectedRoles: TimeGanRole[] = ['autoencoder', 'autoencoder', 'supervisor', 'supervisor', ...Array(2).fill(['g', 'embedder', 'g', 'embedder', 'd']).flat()];
    expect(never.roles).toEqual(expectedRoles);
    expect(never.dLossesSeen.length).toBe(2);
    expect(never.dLossesSeen.every((l) => l > 0.15)).toBe(true); // a fresh D: 3 cross-entropies near ln 2 each
    expect([never.dMoved, never.dIterations]).toEqual([false, 0]);
    expect([always.dMoved, always.dIterations]).toEqual([true, 2]);
    expect(never.steps.filter((m) => m.extra.phase === 3).map((m) => m.extra.dApplied)).toEqual([0, 0]);
  });

  it('decays the joint phase\'s learning rates by optimizer.lrDecaySteps, from its first iteration on', async () => {
    // Two joint iterations (steps 4 and 5) after 2 + 2 of phases 1 and 2; joint iteration 0 has the full rate.
    const decayed = setup(config({ optimizer: { lrDecaySteps: 1 } }));
    const constant = setup(config());
    await runTraining({ ...decayed, steps: 5 });
    await runTraining({ ...constant, steps: 5 });
    expect(maxAbsDiff(decayed.trainer.getWeights(), constant.trainer.getWeights())).toBe(0);
    // At joint iteration 1 the rate is lr / (1 + 1/1): the same update as a constant rate of half the size.
    const halfRate = setup(config({ optimizer: { lrG: 2.5e-3, lrD: 2.5e-3 } }));
    halfRate.trainer.setState(decayed.trainer.getState());
    const batch = decayed.sampler.next();
    for (const role of ['g', 'embedder', 'd'] as const) {
      const { grads } = decayed.trainer.computeGradients(role, batch);
      decayed.trainer.applyGradients(role, grads);
      halfRate.trainer.applyGradients(role, grads);
      constant.trainer.applyGradients(role, grads);
    }
    expect(maxAbsDiff(decayed.trainer.getWeights(), halfRate.trainer.getWeights())).toBe(0);
    expect(maxAbsDiff(decayed.trainer.getWeights(), constant.trainer.getWeights())).toBeGreaterThan(1e-5);
    for (const r of [decayed, constant, halfRate]) r.trainer.dispose();
  });

  it('keeps the tensor count flat across iterations of every phase', async () => {
    const { trainer, sampler } = setup(config());
    const counts: number[] = [];
    await runTraining({ trainer, sampler, steps: 6, onStep: () => void counts.push(tf.memory().numTensors) });
    expect(new Set(counts).size).toBe(1);
    const held = tf.memory().numTensors;
    const params = Object.keys(trainer.getWeights()).length;
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(held - params);
  });

  it('two data-parallel ranks averaging their gradients end with identical parameters', async () => {
    const cfg = config();
    const data = sines();
    const ranks = [setup(cfg, data, 0, 2), setup(cfg, data, 1, 2)];
    // A two-party in-process all-reduce: the second arrival averages and releases both.
    let waiting: { grads: NamedArrays; release: (g: NamedArrays) => void } | undefined;
    const reduce = (_role: TrainingRole, grads: NamedArrays) =>
      new Promise<NamedArrays>((resolve) => {
        if (waiting === undefined) {
          waiting = { grads, release: resolve };
          return;
        }
        const other = waiting;
        waiting = undefined;
        const avg: NamedArrays = {};
        for (const [name, g] of Object.entries(grads)) {
          const d = new Float32Array(g.data.length);
          for (let i = 0; i < d.length; i++) d[i] = (g.data[i] + other.grads[name].data[i]) / 2;
          avg[name] = { shape: g.shape, data: d };
        }
        other.release(avg);
        resolve(avg);
      });
    const results = await Promise.all(ranks.map((r) => runTraining({ ...r, steps: 6, reduce })));
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(maxAbsDiff(ranks[0].trainer.getWeights(), ranks[1].trainer.getWeights())).toBe(0);
    ranks.forEach((r) => r.trainer.dispose());
  });

  it('generate maps noise to [n, T, F] values in (0, 1)', () => {
    const { trainer } = setup(config());
    const out = trainer.generate(trainer.sampleNoise(new Rng(5), 3, T), 3);
    expect(out.length).toBe(3 * T * F);
    expect(out.every((v) => v > 0 && v < 1)).toBe(true);
    trainer.dispose();
  });

  it('samples from the weight average of G, S and R when training.emaDecay > 0, begun with the joint phase', async () => {
    const cfg = config({ training: { steps: 7, emaDecay: 0.5 } }); // phases 2 + 2 + 3
    const samplingNames = (w: NamedArrays) => Object.fromEntries(Object.entries(w).filter(([n]) => /^[gsr]\//.test(n)));
    const { trainer, sampler } = setup(cfg);
    const seen: NamedArrays[] = [];
    await runTraining({ trainer, sampler, steps: 7, onStep: (m) => void (m.extra?.phase === 3 && seen.push(samplingNames(trainer.getWeights()))) });
    expect(seen).toHaveLength(3);
    // By hand: avg = w₁, then avg = d·avg + (1 − d)·w with d = min(0.5, (1 + n) / (10 + n)) for n = 0, 1.
    const average = trainer.getState().average!;
    expect(average.updates).toBe(2);
    expect(Object.keys(average.weights).sort()).toEqual(Object.keys(seen[0]).sort());
    let worst = 0;
    for (const [name, w] of Object.entries(average.weights)) {
      for (let i = 0; i < w.data.length; i++) {
        let expected = seen[0][name].data[i];
        expected = 0.1 * expected + 0.9 * seen[1][name].data[i];
        expected = (2 / 11) * expected + (9 / 11) * seen[2][name].data[i];
        worst = Math.max(worst, Math.abs(w.data[i] - expected));
      }
    }
    expect(worst).toBeLessThan(1e-6);

    // Samples: those of a trainer without averaging that holds the averaged weights; not the last iterate's.
    const noise = trainer.sampleNoise(new Rng(5), 4, T);
    const last = trainer.getState();
    const plain = setup(config({ training: { steps: 7 } }));
    plain.trainer.setState({ ...last, weights: { ...last.weights, ...average.weights }, average: undefined });
    expect(Array.from(trainer.generate(noise, 4))).toEqual(Array.from(plain.trainer.generate(noise, 4)));
    plain.trainer.setState({ ...last, average: undefined });
    expect(Array.from(trainer.generate(noise, 4))).not.toEqual(Array.from(plain.trainer.generate(noise, 4)));

    // A checkpoint carries it; a state whose average does not fit is refused.
    const bytes = serializeCheckpoint({ config: cfg, trainer: last, scaler: { kind: 'none', min: [], max: [] }, columns: ['a', 'b', 'c'], source: 'sines', createdAt: new Date(0).toISOString() });
    const restored = deserializeCheckpoint(bytes).trainer;
    expect(restored.average!.updates).toBe(2);
    expect(maxAbsDiff(restored.average!.weights, average.weights)).toBe(0);
    const other = setup(config({ training: { steps: 7, emaDecay: 0.5 }, seed: 3 }));
    other.trainer.setState(restored);
    expect(Array.from(other.trainer.generate(noise, 4))).toEqual(Array.from(trainer.generate(noise, 4)));
    const [first] = Object.keys(average.weights);
    const bad = { ...average, weights: { ...average.weights, [first]: { shape: [1], data: new Float32Array(1) } } };
    expect(() => other.trainer.setState({ ...last, average: bad })).toThrow(TrainerStateError);
    [trainer, plain.trainer, other.trainer].forEach((t) => t.dispose());
  });

  it('keeps no average before the joint phase or with training.emaDecay 0', async () => {
    const early = setup(config({ training: { steps: 7, emaDecay: 0.9 } }));
    await runTraining({ ...early, steps: 4 });
    expect(early.trainer.getState().average).toBeUndefined();
    const off = setup(config({ training: { steps: 7 } }));
    await runTraining({ ...off, steps: 7 });
    expect(off.trainer.getState().average).toBeUndefined();
    [early, off].forEach((s) => s.trainer.dispose());
  });
});
