/** Adam against Kingma & Ba's Algorithm 1 written out by hand; the learning-rate decay; global-norm clipping. */
import { describe, expect, it } from 'vitest';
import { Adam, OptimizerStateError, WeightAverage, WeightAverageError, clipByGlobalNorm, globalNorm, inverseTimeDecay } from './index.js';

const arr = (...v: number[]) => ({ shape: [v.length], data: Float32Array.from(v) });

describe('Adam', () => {
  it('takes the textbook steps', () => {
    const params = { w: arr(1, -2) };
    const adam = new Adam({ lr: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }, params);
    adam.step(params, { w: arr(0.2, -4) });
    // t = 1: m̂ = g, v̂ = g², so the step is lr · g / |g| = ±0.1.
    expect(params.w.data[0]).toBeCloseTo(0.9, 6);
    expect(params.w.data[1]).toBeCloseTo(-1.9, 6);
    adam.step(params, { w: arr(0.6, 0) });
    // t = 2, element 0: m = 0.5·0.1 + 0.5·0.6 = 0.35 (m₁ = 0.1); v = 0.9·0.004 + 0.1·0.36 = 0.0396 (v₁ = 0.004)
    const mHat = 0.35 / (1 - 0.25), vHat = 0.0396 / (1 - 0.81);
    expect(params.w.data[0]).toBeCloseTo(0.9 - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8), 6);
    expect(adam.getState().iterations).toBe(2);
  });

  it('restores its state exactly and rejects a state for other parameters', () => {
    const p1 = { w: arr(1, 2) };
    const a = new Adam({ lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, p1);
    a.step(p1, { w: arr(0.3, -0.1) });
    const p2 = { w: arr(...p1.w.data) };
    const b = new Adam(a.config, p2);
    b.setState(a.getState());
    a.step(p1, { w: arr(1, 1) });
    b.step(p2, { w: arr(1, 1) });
    expect(p2.w.data).toEqual(p1.w.data);
    expect(() => b.setState({ iterations: 1, m: { x: arr(0) }, v: { x: arr(0) } })).toThrow(OptimizerStateError);
    expect(() => b.step(p2, {})).toThrow(/no gradient for parameter w/);
  });
});

describe('learning-rate decay', () => {
  it('is lr / (1 + t / decaySteps), constant for decaySteps 0, and rejects a negative count', () => {
    expect(inverseTimeDecay(0, 100)).toBe(1);
    expect(inverseTimeDecay(-50, 100)).toBe(1); // before the adversarial phase (TimeGAN's phases 1 and 2)
    expect(inverseTimeDecay(100, 100)).toBeCloseTo(0.5, 12);
    expect(inverseTimeDecay(300, 100)).toBeCloseTo(0.25, 12);
    expect(inverseTimeDecay(50, 200)).toBeCloseTo(0.8, 12);
    expect(inverseTimeDecay(10_000, 0)).toBe(1);
    expect(() => inverseTimeDecay(1, -1)).toThrow(/decaySteps/);
  });

  it('scales Adam\'s step as a smaller learning rate would', () => {
    const a = { w: arr(1, -2) }, b = { w: arr(1, -2) };
    const scaled = new Adam({ lr: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }, a);
    const smaller = new Adam({ lr: 0.025, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }, b);
    for (const g of [{ w: arr(0.2, -4) }, { w: arr(0.6, 0.1) }]) {
      scaled.step(a, g, 0.25);
      smaller.step(b, g);
    }
    expect(a.w.data).toEqual(b.w.data);
    expect(a.w.data[0]).not.toBeCloseTo(1 - 0.2, 3); // the full rate would have moved it by about 0.2
  });
});

describe('global-norm clipping', () => {
  it('scales every gradient by maxNorm / norm only above the limit', () => {
    const g = { a: arr(3), b: arr(0, 4) };
    expect(globalNorm(g)).toBe(5);
    const c = clipByGlobalNorm(g, 1);
    expect(Array.from(c.a.data)).toEqual([Math.fround(0.6)]);
    expect(Array.from(c.b.data)).toEqual([0, Math.fround(0.8)]);
    expect(clipByGlobalNorm(g, 10)).toBe(g);
    expect(clipByGlobalNorm(g, 0)).toBe(g);
  });
});

describe('WeightAverage', () => {
  it('follows avg = d·avg + (1 − d)·w with the warm-up decay min(decay, (1 + n) / (10 + n))', () => {
    const avg = new WeightAverage(0.5, { w: arr(0, 10) });
    avg.update({ w: arr(10, 0) }); // n = 0: d = min(0.5, 0.1) = 0.1
    expect(avg.weights().w.data[0]).toBeCloseTo(9, 5);
    expect(avg.weights().w.data[1]).toBeCloseTo(1, 5);
    avg.update({ w: arr(10, 0) }); // n = 1: d = min(0.5, 2/11)
    const d = 2 / 11;
    expect(avg.weights().w.data[0]).toBeCloseTo(d * 9 + (1 - d) * 10, 5);
    for (let k = 0; k < 20; k++) avg.update({ w: arr(0, 0) }); // the warm-up term passes 0.5 at n = 8: d = 0.5 from then on
    expect(avg.currentDecay()).toBe(0.5);
    expect(avg.updates).toBe(22);
    expect(Math.abs(avg.weights().w.data[0])).toBeLessThan(1e-3);
  });

  it('keeps increments a float32 average would round away', () => {
    const avg = new WeightAverage(0.9999, { w: arr(1) });
    for (let k = 0; k < 2000; k++) avg.update({ w: arr(1 + 1e-4) });
    // Every increment (1 − d)·1e-4 ≤ 1e-8 is below half an ulp of 1 in float32 (6e-8) once d is near 1.
    expect(avg.weights().w.data[0]).toBeGreaterThan(1 + 5e-5);
  });

  it('rejects a decay outside [0, 1) and weights that do not match', () => {
    expect(() => new WeightAverage(1, { w: arr(1) })).toThrow(WeightAverageError);
    const avg = new WeightAverage(0.9, { w: arr(1, 2) });
    expect(() => avg.update({ w: arr(1) })).toThrow(/weights w/);
    expect(() => avg.update({ v: arr(1, 2) })).toThrow(WeightAverageError);
  });

  it('does not alias its input or its output', () => {
    const initial = { w: arr(1) };
    const avg = new WeightAverage(0.9, initial);
    initial.w.data[0] = 100;
    const out = avg.weights();
    out.w.data[0] = -5;
    expect(avg.weights().w.data[0]).toBe(1);
  });
});
