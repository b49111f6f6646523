/**
 * Equal-width histograms on a shared range, so real and synthetic marginals of a feature can be
 * drawn as overlapping bars: one range for both sides (from the finite values of both), the last
 * bin closed on the right so the maximum is counted. NaN and infinite values are counted apart
 * instead of in a bin, so a diverged generator shows up as a number rather than as a crash.
 */

/** Counts of values in `bins` equal-width bins over `[min, max]`. */
export interface Histogram {
  /** Bin edges, `bins + 1` ascending values; bin i is [edges[i], edges[i + 1]). */
  edges: number[];
  /** Values in each bin; they sum to the number of finite values. */
  counts: number[];
  /** NaN and infinite values, not binned. */
  nonFinite: number;
}

/** Smallest and largest finite value over all the given arrays; undefined when there are none. */
export function finiteRange(...arrays: ArrayLike<number>[]): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : undefined;
}

/** Bins `values` into `bins` equal-width bins over `range`; values outside the range go to the end bins. */
export function histogram(values: ArrayLike<number>, bins: number, range: { min: number; max: number }): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  let { min, max } = range;
  // A constant feature: one unit-wide span around it instead of a zero-width range.
  if (max === min) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const counts = new Array<number>(bins).fill(0);
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    const k = Math.floor((v - min) / width);
    counts[Math.min(bins - 1, Math.max(0, k))]++;
  }
  return { edges, counts, nonFinite };
}
