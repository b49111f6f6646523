/**
 * The fast distribution metrics in one call, cheap enough for every evaluation tick of a
 * training run (pure JavaScript, no model to train): marginal W1, autocorrelation distance,
 * cross-correlation distance and MMD². Lower is better for all four; 0 means indistinguishable
 * by that statistic.
 */
import type { WindowedData } from '../types.js';
import { autocorrelationDistance, defaultMaxLag } from './autocorrelation.js';
import { checkComparable } from './check.js';
import { correlationDistance } from './correlation.js';
import { marginalDistance } from './marginal.js';
import { mmdRbf, type MmdOptions } from './mmd.js';

export interface DistributionMetricsOptions {
  /** Largest autocorrelation lag; default min(10, seqLen − 1). */
  maxLag?: number;
  /** MMD subsampling and bandwidth. */
  mmd?: MmdOptions;
}

export interface DistributionMetrics {
  /** Mean over features of the Wasserstein-1 distance between marginals (data units, [0, 1] when scaled). */
  marginalW1: number;
  /** Mean |ACF_real − ACF_synthetic| over features and lags 1..maxLag. */
  autocorrelation: number;
  /** Mean |corr_real − corr_synthetic| over feature pairs. */
  crossCorrelation: number;
  /** Unbiased RBF-kernel MMD² on flattened windows (median-heuristic bandwidth). */
  mmd2: number;
}

/** Computes all four distribution metrics of `synthetic` against `real` (same window shape). */
export function distributionMetrics(real: WindowedData, synthetic: WindowedData, opts: DistributionMetricsOptions = {}): DistributionMetrics {
  checkComparable(real, synthetic, 2);
  return {
    marginalW1: marginalDistance(real, synthetic),
    autocorrelation: autocorrelationDistance(real, synthetic, opts.maxLag ?? defaultMaxLag(real.seqLen)),
    crossCorrelation: correlationDistance(real, synthetic),
    mmd2: mmdRbf(real, synthetic, opts.mmd).mmd2,
  };
}
