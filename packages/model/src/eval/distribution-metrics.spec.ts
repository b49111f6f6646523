import { describe, expect, it } from 'vitest';
import { generateSines } from '../data/sines.js';
import { Rng } from '../rng.js';
import type { WindowedData } from '../types.js';
import {
  autocorrelationDistance,
  correlationDistance,
  distributionMetrics,
  EvalError,
  featureCorrelation,
  marginalDistance,
  meanAutocorrelation,
  mmdRbf,
  wasserstein1,
} from './index.js';

const T = 24;
const F = 5;
const sines = (seed: number, n = 600) => generateSines({ numSequences: n, seqLen: T, features: F, seed });

/** Windows from a function of (window, step, feature). */
function windowsOf(count: number, seqLen: number, features: number, value: (w: number, t: number, f: number) => number): WindowedData {
  const windows = new Float32Array(count * seqLen * features);
  for (let w = 0; w < count; w++) for (let t = 0; t < seqLen; t++) for (let f = 0; f < features; f++) windows[(w * seqLen + t) * features + f] = value(w, t, f);
  return { windows, count, seqLen, features, columns: Array.from({ length: features }, (_, f) => `f${f}`) };
}

const map = (d: WindowedData, fn: (v: number) => number): WindowedData => ({ ...d, windows: d.windows.map(fn) });

/** Each window's time steps in an independent random order: same marginals, no temporal structure. */
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

describe('wasserstein1 (closed forms)', () => {
  it('two point masses: |a − b|, whatever the multiplicities', () => {
    expect(wasserstein1([0.25], [0.75])).toBeCloseTo(0.5, 12);
    expect(wasserstein1([2, 2, 2], [5, 5])).toBeCloseTo(3, 12);
  });

  it('is symmetric and order-free, and 0.5 between {0, 1} and {0.5}', () => {
    expect(wasserstein1([1, 0], [0.5])).toBeCloseTo(0.5, 12);
    expect(wasserstein1([0.5], [0, 1])).toBeCloseTo(0.5, 12);
  });

  it('uniform samples: a shift by c costs c, doubling the scale costs E[X] = 0.5', () => {
    const n = 1000;
    const u = Array.from({ length: n }, (_, i) => (i + 0.5) / n); // U(0, 1) quantiles
    expect(wasserstein1(u, u.map((x) => x + 0.3))).toBeCloseTo(0.3, 9);
    expect(wasserstein1(u, u.map((x) => 2 * x))).toBeCloseTo(0.5, 9);
    // Different sample sizes of the same uniform: the gap is only the grids' discretisation.
    const v = Array.from({ length: 7 * n }, (_, i) => (i + 0.5) / (7 * n));
    expect(wasserstein1(u, v)).toBeLessThan(1 / n);
  });

  it('NaN in either sample gives NaN (a diverged generator), not a hang', () => {
    expect(wasserstein1([0, NaN], [0.5])).toBeNaN();
  });
});

describe('marginal distance', () => {
  const real = sines(1);
  it('is 0 for identical sets and equals a uniform shift', () => {
    expect(marginalDistance(real, real)).toBe(0);
    expect(marginalDistance(real, map(real, (v) => v + 0.1))).toBeCloseTo(0.1, 5);
  });

  it('orders: same distribution < scaled < shifted far', () => {
    const same = marginalDistance(real, sines(2));
    const scaled = marginalDistance(real, map(real, (v) => 0.5 + 0.7 * (v - 0.5)));
    const shifted = marginalDistance(real, map(real, (v) => v + 0.3));
    expect(same).toBeLessThan(0.02);
    expect(scaled).toBeGreaterThan(3 * same);
    expect(shifted).toBeGreaterThan(scaled);
  });
});

describe('autocorrelation distance', () => {
  it('matches the closed form of an alternating series against flat lines', () => {
    const T6 = 6;
    const alternating = windowsOf(3, T6, 1, (_, t) => (t % 2 === 0 ? 1 : -1));
    const acf = meanAutocorrelation(alternating, 2);
    expect(acf[0]).toBeCloseTo(-(T6 - 1) / T6, 12);
    expect(acf[1]).toBeCloseTo((T6 - 2) / T6, 12);
    const flat = windowsOf(3, T6, 1, () => 0.5); // constant windows count as ρ = 0
    expect(autocorrelationDistance(alternating, flat, 2)).toBeCloseTo(((T6 - 1) / T6 + (T6 - 2) / T6) / 2, 12);
  });

  it('orders: identical 0 < same distribution < time-shuffled; a shift does not matter', () => {
    const real = sines(1);
    expect(autocorrelationDistance(real, real)).toBe(0);
    const same = autocorrelationDistance(real, sines(2));
    const shuffled = autocorrelationDistance(real, shuffleTime(real, 3));
    expect(same).toBeLessThan(0.05);
    expect(shuffled).toBeGreaterThan(10 * same);
    expect(autocorrelationDistance(real, map(real, (v) => v + 0.2))).toBeLessThan(1e-4);
  });

  it('rejects a lag the windows cannot hold', () => {
    const real = sines(1, 10);
    expect(() => autocorrelationDistance(real, real, T)).toThrow(EvalError);
  });
});

describe('cross-correlation distance', () => {
  it('is 2 between perfectly correlated and perfectly anti-correlated pairs', () => {
    const x = (w: number, t: number) => Math.sin(0.3 * t + w);
    const together = windowsOf(20, 12, 2, (w, t) => x(w, t));
    const opposite = windowsOf(20, 12, 2, (w, t, f) => (f === 0 ? x(w, t) : -x(w, t)));
    expect(featureCorrelation(together)[1]).toBeCloseTo(1, 9);
    expect(correlationDistance(together, opposite)).toBeCloseTo(2, 9);
  });

  it('orders: identical 0 < same distribution < features decoupled', () => {
    // Real: feature k follows feature 0 with noise; decoupled: feature k taken from another window
    // and step (a different one per feature), so no pair of features moves together.
    const rng = new Rng(5);
    const base = sines(1);
    const coupled = map(base, (v) => v);
    for (let r = 0; r < base.count * T; r++) for (let f = 1; f < F; f++) coupled.windows[r * F + f] = coupled.windows[r * F] + 0.05 * rng.normal();
    const decoupled = { ...coupled, windows: new Float32Array(coupled.windows) };
    for (let r = 0; r < base.count * T; r++) for (let f = 1; f < F; f++) decoupled.windows[r * F + f] = coupled.windows[((r + f * (7 * T + 11)) % (base.count * T)) * F + f];
    expect(correlationDistance(coupled, coupled)).toBe(0);
    expect(correlationDistance(base, sines(2))).toBeLessThan(0.05);
    expect(correlationDistance(coupled, decoupled)).toBeGreaterThan(0.5);
  });

  it('is 0 for a single feature', () => {
    const one = windowsOf(4, 5, 1, (w, t) => w + t);
    expect(correlationDistance(one, one)).toBe(0);
  });
});

describe('MMD² (RBF, median heuristic)', () => {
  const real = sines(1);
  it('is about 0 for identical and same-distribution sets', () => {
    expect(Math.abs(mmdRbf(real, real).mmd2)).toBeLessThan(0.01);
    expect(Math.abs(mmdRbf(real, sines(2)).mmd2)).toBeLessThan(0.01);
  });

  it('grows with the shift and is large against noise', () => {
    const small = mmdRbf(real, map(real, (v) => v + 0.05)).mmd2;
    const large = mmdRbf(real, map(real, (v) => v + 0.2)).mmd2;
    const noise = windowsOf(600, T, F, () => 0);
    const rng = new Rng(9);
    noise.windows.forEach((_, i) => (noise.windows[i] = rng.uniform()));
    expect(small).toBeGreaterThan(0.01);
    expect(large).toBeGreaterThan(small);
    expect(mmdRbf(real, noise).mmd2).toBeGreaterThan(small);
  });

  it('subsamples to maxSamples, seeded', () => {
    const a = mmdRbf(real, sines(2), { maxSamples: 100, seed: 4 });
    expect(a.samples).toEqual({ real: 100, synthetic: 100 });
    expect(mmdRbf(real, sines(2), { maxSamples: 100, seed: 4 }).mmd2).toBe(a.mmd2);
    expect(mmdRbf(real, sines(2), { maxSamples: 100, seed: 5 }).mmd2).not.toBe(a.mmd2);
  });

  it('uses a given bandwidth instead of the median heuristic', () => {
    expect(mmdRbf(real, real, { bandwidth: 2.5 }).bandwidth).toBe(2.5);
  });
});

describe('distributionMetrics', () => {
  it('every metric ranks a same-distribution set above a time-shuffled or shifted one', () => {
    const real = sines(1);
    const same = distributionMetrics(real, sines(2));
    const shifted = distributionMetrics(real, map(real, (v) => Math.min(1, v + 0.15)));
    const shuffled = distributionMetrics(real, shuffleTime(real, 3));
    expect(shifted.marginalW1).toBeGreaterThan(same.marginalW1);
    expect(shifted.mmd2).toBeGreaterThan(same.mmd2);
    expect(shuffled.autocorrelation).toBeGreaterThan(same.autocorrelation);
    expect(shuffled.mmd2).toBeGreaterThan(same.mmd2);
    expect(Object.values(same).every(Number.isFinite)).toBe(true);
  });

  it('rejects windows of different shapes with a named error', () => {
    const a = sines(1, 10);
    const b = generateSines({ numSequences: 10, seqLen: 12, features: F, seed: 2 });
    expect(() => distributionMetrics(a, b)).toThrow(/real windows are 24 steps x 5 features, synthetic 12 x 5/);
    try {
      distributionMetrics(a, b);
    } catch (e) {
      expect((e as EvalError).code).toBe('EVAL_SHAPE_MISMATCH');
    }
  });
});
