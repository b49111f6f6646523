import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generateSines } from '../data/sines.js';
import { Rng } from '../rng.js';
import type { WindowedData } from '../types.js';
import { discriminativeScore, EvalError, meanStd, nextStepTask, postHocScores, postHocUnits, predictiveScore } from './index.js';

// Short versions of the protocol: 12-step windows and lr 1e-2 let 100 iterations converge far
// enough to tell the cases apart (the full protocol is 24 steps, lr 1e-3, 2000 / 5000 iterations).
const T = 12;
const F = 5;
const SHORT = { iterations: 100, learningRate: 1e-2 };
const sines = (seed: number, n = 400) => generateSines({ numSequences: n, seqLen: T, features: F, seed });

function uniformNoise(like: WindowedData, seed: number): WindowedData {
  const rng = new Rng(seed);
  return { ...like, windows: like.windows.map(() => rng.uniform()) };
}

/** Each window's time steps in an independent random order. */
function shuffleTime(d: WindowedData, seed: number): WindowedData {
  const rng = new Rng(seed);
  const out = new Float32Array(d.windows.length);
  const span = d.seqLen * d.features;
  for (let w = 0; w < d.count; w++) {
    const order = Array.from({ length: d.seqLen }, (_, t) => t);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    order.forEach((src, t) => out.set(d.windows.subarray(w * span + src * d.features, w * span + (src + 1) * d.features), w * span + t * d.features));
  }
  return { ...d, windows: out };
}

describe('discriminative score', () => {
  const real = sines(1);

  it('is near 0 for real vs real (an independent draw of the same data)', () => {
    const r = discriminativeScore(real, sines(2), SHORT);
    expect(r.score).toBeLessThan(0.15);
    expect(r.score).toBeCloseTo(Math.abs(r.accuracy - 0.5), 12);
  });

  it('is near 0.5 for real vs uniform noise', () => {
    expect(discriminativeScore(real, uniformNoise(real, 3), SHORT).score).toBeGreaterThan(0.35);
  });

  it('splits 80 / 20 after balancing unequal sets to the smaller count', () => {
    const r = discriminativeScore(real, sines(2, 50), { iterations: 2 });
    expect(r.windows).toEqual({ perSet: 50, train: 40, test: 10 });
  });

  it('is deterministic per seed and frees every tensor it makes', () => {
    const synthetic = sines(2, 60);
    const before = tf.memory().numTensors;
    const a = discriminativeScore(real, synthetic, { iterations: 5, seed: 7 });
    expect(tf.memory().numTensors).toBe(before);
    expect(discriminativeScore(real, synthetic, { iterations: 5, seed: 7 })).toEqual(a);
  });

  it('refuses too few windows with a named error', () => {
    expect(() => discriminativeScore(real, sines(2, 4))).toThrow(EvalError);
    expect(() => discriminativeScore(real, sines(2, 4))).toThrow(/synthetic data has 4 window\(s\); at least 5/);
  });
});

describe('predictive score', () => {
  const real = sines(1);

  it('builds the task as TimeGAN: features[:-1] at t → last feature at t + 1', () => {
    const d: WindowedData = { windows: Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => i), count: 2, seqLen: 3, features: 3, columns: ['a', 'b', 'c'] };
    const { x, y } = nextStepTask(d);
    // Window 0 rows: [0 1 2] [3 4 5] [6 7 8]; window 1 adds 9.
    expect(Array.from(x)).toEqual([0, 1, 3, 4, 9, 10, 12, 13]);
    expect(Array.from(y)).toEqual([5, 8, 14, 17]);
  });

  it('training on real data predicts real data better than training on time-shuffled data', () => {
    const onReal = predictiveScore(sines(2), real, SHORT).mae;
    const onShuffled = predictiveScore(shuffleTime(sines(2), 4), real, SHORT).mae;
    expect(onReal).toBeLessThan(onShuffled);
    expect(onReal).toBeGreaterThan(0);
  });

  it('is deterministic per seed and frees every tensor it makes', () => {
    const train = sines(2, 60);
    const before = tf.memory().numTensors;
    const a = predictiveScore(train, real, { iterations: 5, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(predictiveScore(train, real, { iterations: 5, seed: 3 })).toEqual(a);
    expect(a.windows).toEqual({ train: 60, test: 400 });
  });

  it('needs at least two features', () => {
    const one = generateSines({ numSequences: 10, seqLen: T, features: 1, seed: 1 });
    expect(() => predictiveScore(one, one)).toThrow(/needs ≥ 2 features/);
  });
});

describe('postHocScores', () => {
  it('repeats each score with consecutive seeds and summarises mean ± population std', () => {
    const real = sines(1, 60);
    const synthetic = sines(2, 60);
    const r = postHocScores(real, synthetic, { repetitions: 3, seed: 10, discriminative: { iterations: 3 }, predictive: { iterations: 3 } });
    expect(r.discriminative!.values).toHaveLength(3);
    expect(r.predictive!.values).toEqual([10, 11, 12].map((seed) => predictiveScore(synthetic, real, { iterations: 3, seed }).mae));
    expect(r.predictive!.mean).toBeCloseTo(meanStd(r.predictive!.values).mean, 12);
    const skipped = postHocScores(real, synthetic, { repetitions: 1, discriminative: false, predictive: { iterations: 2 } });
    expect(skipped.discriminative).toBeUndefined();
  });

  it('meanStd uses the population deviation; units follow TimeGAN', () => {
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: 1 });
    expect([1, 2, 5, 6].map(postHocUnits)).toEqual([1, 1, 2, 3]);
  });
});
