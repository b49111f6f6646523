/**
 * Maximum mean discrepancy (Gretton et al., 2012, "A Kernel Two-Sample Test", JMLR 13, eq. 3):
 * the unbiased estimate of MMD² between real and synthetic windows, each flattened to a vector of
 * seqLen·features values, with the Gaussian (RBF) kernel k(x, y) = exp(−‖x − y‖² / (2σ²)).
 *
 * σ follows the median heuristic (σ = median pairwise distance of the pooled sample, Gretton et
 * al. 2012 §8), so the score needs no tuning per data set. Each side is subsampled (seeded) to at
 * most `maxSamples` windows to keep the O(m²) kernel sums cheap enough for every evaluation tick.
 * Being unbiased, the estimate is about 0 (and may be slightly negative) when the two sets come
 * from the same distribution.
 */
import { Rng } from '../rng.js';
import type { WindowedData } from '../types.js';
import { checkComparable } from './check.js';
import { EvalError, EvalErrorCode } from './errors.js';
import { gatherRows, SubsetDrawer } from './sampling.js';

export interface MmdOptions {
  /** Windows drawn from each side at most; default 500 (a 1000 × 1000 kernel matrix). */
  maxSamples?: number;
  /** Seed of the subsample draw; default 0. */
  seed?: number;
  /** Kernel bandwidth σ; default: the median heuristic. */
  bandwidth?: number;
}

export interface MmdResult {
  /** Unbiased MMD² estimate. */
  mmd2: number;
  /** Bandwidth σ used. */
  bandwidth: number;
  /** Windows used from each side. */
  samples: { real: number; synthetic: number };
}

/** Squared Euclidean distances between all pairs of rows of `[n, dim]`: row-major `[n, n]`. */
function pairwiseSquared(x: Float32Array, n: number, dim: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const diff = x[i * dim + k] - x[j * dim + k];
        s += diff * diff;
      }
      d[i * n + j] = s;
      d[j * n + i] = s;
    }
  }
  return d;
}

/** Median of the strictly-upper-triangle entries of a symmetric `[n, n]` matrix. */
function medianOffDiagonal(d: Float64Array, n: number): number {
  const values = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) values[k++] = d[i * n + j];
  values.sort();
  return values[Math.floor(values.length / 2)];
}

/** Subsampled, unbiased RBF-kernel MMD² between real and synthetic windows, with the bandwidth used. */
export function mmdRbf(real: WindowedData, synthetic: WindowedData, opts: MmdOptions = {}): MmdResult {
  checkComparable(real, synthetic, 2);
  const maxSamples = opts.maxSamples ?? 500;
  if (!Number.isInteger(maxSamples) || maxSamples < 2) throw new EvalError(EvalErrorCode.BadOption, `maxSamples must be an integer ≥ 2, got ${maxSamples}`);
  const rng = new Rng(opts.seed ?? 0, 'mmd');
  const dim = real.seqLen * real.features;
  const m = Math.min(maxSamples, real.count);
  const n = Math.min(maxSamples, synthetic.count);
  // Pooled sample Z = [X; Y], [m + n, dim].
  const z = new Float32Array((m + n) * dim);
  gatherRows(real.windows, dim, new SubsetDrawer(real.count, rng).draw(m), z.subarray(0, m * dim));
  gatherRows(synthetic.windows, dim, new SubsetDrawer(synthetic.count, rng).draw(n), z.subarray(m * dim));
  const total = m + n;
  const d2 = pairwiseSquared(z, total, dim);

  let sigma2: number;
  if (opts.bandwidth !== undefined) {
    if (!(opts.bandwidth > 0)) throw new EvalError(EvalErrorCode.BadOption, `bandwidth must be positive, got ${opts.bandwidth}`);
    sigma2 = opts.bandwidth * opts.bandwidth;
  } else {
    // Median of squared distances = (median distance)²; a degenerate pool (all equal) falls back to σ = 1.
    sigma2 = medianOffDiagonal(d2, total) || 1;
  }
  const gamma = 1 / (2 * sigma2);

  let kxx = 0;
  let kyy = 0;
  let kxy = 0;
  for (let i = 0; i < total; i++) {
    for (let j = i + 1; j < total; j++) {
      const k = Math.exp(-gamma * d2[i * total + j]);
      if (j < m) kxx += k; // both real
      else if (i >= m) kyy += k; // both synthetic
      else kxy += k; // one of each
    }
  }
  // Sums above cover i < j only: within-set sums double, the cross sum is complete.
  const mmd2 = (2 * kxx) / (m * (m - 1)) + (2 * kyy) / (n * (n - 1)) - (2 * kxy) / (m * n);
  return { mmd2, bandwidth: Math.sqrt(sigma2), samples: { real: m, synthetic: n } };
}
