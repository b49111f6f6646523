import { describe, expect, it } from 'vitest';
import type { WindowedData } from '../types.js';
import { featureMeans, sampleWindowIndices } from './feature-means.js';

describe('featureMeans (TimeGAN visualisation input)', () => {
  it('averages each step over features: [windows, T, F] → [windows][T]', () => {
    // 2 windows × 3 steps × 2 features; value = 10·window + step + feature.
    const windows = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 6) + Math.floor((i % 6) / 2) + (i % 2));
    const d: WindowedData = { windows, count: 2, seqLen: 3, features: 2, columns: ['a', 'b'] };
    expect(featureMeans(d, [1, 0])).toEqual([
      [10.5, 11.5, 12.5],
      [0.5, 1.5, 2.5],
    ]);
  });

  it('draws distinct indices, at most the window count, the same for a seed', () => {
    const idx = sampleWindowIndices(100, 30, 9);
    expect(idx).toHaveLength(30);
    expect(new Set(idx).size).toBe(30);
    expect([...sampleWindowIndices(100, 30, 9)]).toEqual([...idx]);
    expect([...sampleWindowIndices(5, 30, 9)].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
