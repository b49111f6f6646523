/**
 * The input of TimeGAN's PCA and t-SNE pictures (Yoon et al. 2019, Figure 3; the authors'
 * `metrics/visualization_metrics.py`): each window `[T, F]` reduced to the mean over its features
 * at every step, a point in R^T, for a seeded random subset of at most `maxWindows` windows (the
 * authors draw 1000). Averaging over features keeps the picture about temporal shape and
 * level; it cannot show cross-feature structure (the correlation metric covers that).
 */
import { Rng } from '../rng.js';
import { randomPermutation } from '../eval/sampling.js';
import type { WindowedData } from '../types.js';

/** Row `i` of the result is window `indices[i]` averaged over features: `[indices.length][seqLen]`. */
export function featureMeans(d: WindowedData, indices: ArrayLike<number>): number[][] {
  const { seqLen: T, features: F, windows } = d;
  return Array.from({ length: indices.length }, (_, i) => {
    const base = indices[i] * T * F;
    const row = new Array<number>(T);
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let f = 0; f < F; f++) sum += windows[base + t * F + f];
      row[t] = sum / F;
    }
    return row;
  });
}

/** Up to `max` distinct window indices of `d`, drawn uniformly with a seeded permutation. */
export function sampleWindowIndices(count: number, max: number, seed: number): Uint32Array {
  return randomPermutation(count, new Rng(seed, 'report-sample')).subarray(0, Math.min(max, count));
}
