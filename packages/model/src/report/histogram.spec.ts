import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { finiteRange, histogram } from './histogram.js';

describe('histogram', () => {
  it('bins every finite value once: counts sum to N, the maximum lands in the last bin', () => {
    const rng = new Rng(5);
    const values = Float32Array.from({ length: 1000 }, () => rng.normal());
    const range = finiteRange(values)!;
    const h = histogram(values, 30, range);
    expect(h.counts.reduce((s, c) => s + c, 0)).toBe(1000);
    expect(h.edges).toHaveLength(31);
    expect(h.edges[0]).toBe(range.min);
    expect(h.edges[30]).toBe(range.max);
    expect(histogram([0, 1, 2, 3], 3, { min: 0, max: 3 }).counts).toEqual([1, 1, 2]);
  });

  it('shares one range between two sets and counts NaN / infinities apart', () => {
    const real = [0, 0.5, 1];
    const synthetic = [2, NaN, Infinity, 4];
    expect(finiteRange(real, synthetic)).toEqual({ min: 0, max: 4 });
    const h = histogram(synthetic, 4, { min: 0, max: 4 });
    expect(h.counts).toEqual([0, 0, 1, 1]);
    expect(h.nonFinite).toBe(2);
  });

  it('gives a constant feature a unit-wide range and no finite values no range', () => {
    const h = histogram([2, 2, 2], 2, { min: 2, max: 2 });
    expect(h.edges).toEqual([1.5, 2, 2.5]);
    expect(h.counts).toEqual([0, 3]);
    expect(finiteRange([NaN], [])).toBeUndefined();
    expect(() => histogram([1], 0, { min: 0, max: 1 })).toThrow(RangeError);
  });
});
