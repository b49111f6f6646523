/**
 * Per-feature marginal distance: the Wasserstein-1 (earth mover's) distance between the
 * empirical distributions of each feature's values, pooled over all windows and time steps,
 * averaged over features. In one dimension W1 is the area between the two empirical CDFs,
 * W1(P, Q) = ∫ |F_P(x) − F_Q(x)| dx, computed exactly by merging the sorted samples
 * (as `scipy.stats.wasserstein_distance` does), so sample sizes may differ.
 */
import type { WindowedData } from '../types.js';
import { checkComparable } from './check.js';

/** Exact W1 between two 1-D empirical distributions given as SORTED ascending arrays. */
export function wasserstein1Sorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('wasserstein1 needs at least one value on each side');
  // A sort puts NaN last; a NaN (a diverged generator) makes the distance NaN, not an endless walk.
  if (Number.isNaN(a[n - 1]) || Number.isNaN(b[m - 1])) return NaN;
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0], b[0]);
  let area = 0;
  // Walk the merged order; between consecutive points both CDFs are constant.
  while (i < n || j < m) {
    const next = j >= m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
    area += Math.abs(i / n - j / m) * (next - prev);
    prev = next;
    while (i < n && a[i] === next) i++;
    while (j < m && b[j] === next) j++;
  }
  return area;
}

/** Exact W1 between two 1-D samples (any order; the inputs are not modified). */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return wasserstein1Sorted(Float64Array.from(a).sort(), Float64Array.from(b).sort());
}

/** One feature's values over every window and step, sorted ascending. */
function sortedFeature(d: WindowedData, f: number): Float32Array {
  const rows = d.count * d.seqLen;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = d.windows[r * d.features + f];
  return out.sort();
}

/** W1 between the real and synthetic marginal of each feature, `[features]`. */
export function marginalDistances(real: WindowedData, synthetic: WindowedData): number[] {
  checkComparable(real, synthetic);
  return Array.from({ length: real.features }, (_, f) => wasserstein1Sorted(sortedFeature(real, f), sortedFeature(synthetic, f)));
}

/** Mean over features of the per-feature marginal W1; 0 for identical distributions. */
export function marginalDistance(real: WindowedData, synthetic: WindowedData): number {
  const d = marginalDistances(real, synthetic);
  return d.reduce((s, v) => s + v, 0) / d.length;
}
