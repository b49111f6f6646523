import { describe, expect, it } from 'vitest';
import { generateSines } from '../data/sines.js';
import { Rng } from '../rng.js';
import type { WindowedData } from '../types.js';
import { ClassifierSelection, SELECTION_SEED_OFFSET, selectionDue, selectionOptions } from './classifier-selection.js';
import { discriminativeScore } from './discriminative.js';

// Short classifier trainings (as post-hoc.spec.ts): 12-step windows, lr 1e-2, 100 iterations.
const T = 12;
const F = 3;
const CLASSIFIER = { iterations: 100, learningRate: 1e-2 };
const sines = (seed: number, n = 300) => generateSines({ numSequences: n, seqLen: T, features: F, seed });

/**
 * A generator that hands out windows of `pool` in order (a stand-in for a trainer at one point
 * of training: the selection only calls generate / sampleNoise and reads conditionDim).
 */
function generatorOf(pool: WindowedData) {
  let next = 0;
  const calls: number[] = [];
  return {
    conditionDim: 0,
    features: F,
    calls,
    sampleNoise: (rng: Rng, n: number, seqLen: number) => rng.fillUniform(new Float32Array(n * seqLen * F)),
    generate(noise: Float32Array, n: number) {
      calls.push(n);
      const span = T * F;
      const out = new Float32Array(n * span);
      for (let i = 0; i < n; i++, next = (next + 1) % pool.count) out.set(pool.windows.subarray(next * span, (next + 1) * span), i * span);
      return out;
    },
  };
}

function uniformNoise(like: WindowedData, seed: number): WindowedData {
  const rng = new Rng(seed);
  return { ...like, windows: like.windows.map(() => rng.uniform()) };
}

describe('ClassifierSelection', () => {
  const real = sines(1);

  it('keeps the snapshot whose windows the classifier tells from real data least', () => {
    const selection = new ClassifierSelection<string>(real, { seed: 7, repetitions: 2, classifier: CLASSIFIER });
    const captured: string[] = [];
    const capture = (label: string) => () => (captured.push(label), label);
    const bad = selection.consider(100, generatorOf(uniformNoise(real, 3)), capture('noise'));
    const good = selection.consider(200, generatorOf(sines(2)), capture('sines'));
    const worse = selection.consider(300, generatorOf(uniformNoise(real, 4)), capture('noise again'));
    expect(bad.score).toBeGreaterThan(0.3);
    expect(good.score).toBeLessThan(0.1);
    expect(worse.score).toBeGreaterThan(0.3);
    expect(selection.best).toMatchObject({ step: 200, state: 'sines', score: good.score });
    // Captured only when a snapshot became the best: not for the third.
    expect(captured).toEqual(['noise', 'sines']);
    expect(selection.scores.map((s) => s.step)).toEqual([100, 200, 300]);
    expect(selection.lastSeconds).toBe(worse.seconds);
    expect(worse.seconds).toBeGreaterThan(0);
  });

  it('generates as many windows as the real data has, in chunks, unless capped', () => {
    const big = sines(5, 2100);
    const all = generatorOf(sines(6, 2100));
    new ClassifierSelection<null>(big, { seed: 1, repetitions: 1, classifier: { ...CLASSIFIER, iterations: 5 } }).consider(1, all, () => null);
    expect(all.calls).toEqual([1024, 1024, 52]);
    const capped = generatorOf(sines(6));
    new ClassifierSelection<null>(real, { seed: 1, repetitions: 1, maxSamples: 50, classifier: { ...CLASSIFIER, iterations: 5 } }).consider(1, capped, () => null);
    expect(capped.calls).toEqual([50]);
  });

  it('scores with classifier seeds a final evaluation (seed + 0, 1, …) does not use', () => {
    const synthetic = uniformNoise(real, 9);
    const selection = new ClassifierSelection<null>(real, { seed: 7, repetitions: 2, classifier: CLASSIFIER });
    const { score } = selection.consider(1, generatorOf(synthetic), () => null);
    const at = (s: number) => discriminativeScore(real, synthetic, { ...CLASSIFIER, seed: s }).score;
    expect(score).toBeCloseTo((at(7 + SELECTION_SEED_OFFSET) + at(8 + SELECTION_SEED_OFFSET)) / 2, 6);
  });

  it('rejects a repetition count that is not a positive integer', () => {
    expect(() => new ClassifierSelection(real, { seed: 1, repetitions: 0 })).toThrow(/repetitions must be a positive integer/);
    expect(() => new ClassifierSelection(real, { seed: 1, finalists: 1.5 })).toThrow(/finalists must be a positive integer/);
    expect(() => new ClassifierSelection(real, { seed: 1, confirmRepetitions: 0 })).toThrow(/confirmRepetitions must be a positive integer/);
  });
});

describe('ClassifierSelection.confirm', () => {
  const real = sines(1);
  // Each snapshot's windows: a pool as large as the real data, so a snapshot generates exactly its pool.
  const near = (seed: number, noise: number): WindowedData => {
    const s = sines(seed);
    const rng = new Rng(seed + 100);
    return { ...s, windows: s.windows.map((v) => v + noise * (rng.uniform() - 0.5)) };
  };

  it('keeps the lowest few snapshots and chooses by the mean over the first and the added classifiers', () => {
    const selection = new ClassifierSelection<number>(real, { seed: 3, repetitions: 1, finalists: 2, confirmRepetitions: 2, classifier: CLASSIFIER });
    const pools = [uniformNoise(real, 5), near(2, 0.3), near(4, 0.6), uniformNoise(real, 6), near(7, 0.2)];
    const captured: number[] = [];
    const firstLook = pools.map((pool, i) => selection.consider(i, generatorOf(pool), () => (captured.push(i), i)).score);
    // Captured whenever a snapshot entered the two lowest so far: never the pure-noise one after two better ones.
    const lowestTwo = [...firstLook.keys()].sort((a, b) => firstLook[a] - firstLook[b]).slice(0, 2);
    expect(selection.finalistSteps).toEqual(lowestTwo);
    expect(captured).not.toContain(3);
    expect(selection.best!.step).toBe(lowestTwo[0]);

    const chosen = selection.confirm()!;
    const at = (i: number, s: number) => discriminativeScore(real, pools[i], { ...CLASSIFIER, seed: s }).score;
    const meanOf = (i: number) => (at(i, 3 + SELECTION_SEED_OFFSET) + at(i, 4 + SELECTION_SEED_OFFSET) + at(i, 5 + SELECTION_SEED_OFFSET)) / 3;
    const expected = lowestTwo.reduce((a, b) => (meanOf(b) < meanOf(a) ? b : a));
    expect(chosen.step).toBe(expected);
    expect(chosen.state).toBe(expected);
    expect(chosen.score).toBeCloseTo(meanOf(expected), 6);
    expect(selection.confirmed).toBe(chosen);
    expect(selection.confirm()).toBe(chosen); // no second round of classifiers
  });

  it('with one finalist returns the lowest first score without more scoring, and nothing before any snapshot', () => {
    const selection = new ClassifierSelection<string>(real, { seed: 3, repetitions: 1, classifier: CLASSIFIER });
    expect(selection.confirm()).toBeUndefined();
    selection.consider(1, generatorOf(uniformNoise(real, 5)), () => 'noise');
    selection.consider(2, generatorOf(near(2, 0.3)), () => 'sines');
    const chosen = selection.confirm()!;
    // The same score to the last bit: more classifiers would have moved the mean.
    expect(chosen).toMatchObject({ step: selection.best!.step, score: selection.best!.score, state: selection.best!.state });
  });
});

describe('selectionDue', () => {
  const due = (every: number, from: number, lastStep?: number) =>
    Array.from({ length: 12 }, (_, i) => i + 1).filter((step) => selectionDue({ every, from }, step, lastStep));

  it('scores every `every` steps from `from` on, and the last step', () => {
    expect(due(3, 4)).toEqual([4, 7, 10]);
    expect(due(3, 4, 12)).toEqual([4, 7, 10, 12]);
    expect(due(5, 0, 11)).toEqual([5, 10, 11]);
  });

  it('never scores when off, nor a last step before `from`', () => {
    expect(due(0, 0, 12)).toEqual([]);
    expect(due(3, 20, 12)).toEqual([]);
  });
});

describe('selectionOptions', () => {
  it('passes training.selection on to the selection, with the run seed', () => {
    const select = { every: 5, from: 10, repetitions: 2, iterations: 300, finalists: 3, confirmRepetitions: 4 };
    expect(selectionOptions(select, 17)).toEqual({ seed: 17, repetitions: 2, finalists: 3, confirmRepetitions: 4, classifier: { iterations: 300 } });
  });
});
