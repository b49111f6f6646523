/**
 * Cross-correlation distance: whether the features move together as in the real data.
 * The Pearson correlation matrix of the features is computed over every time step of every
 * window (pooled), for real and synthetic data; the distance is the mean absolute difference
 * of the off-diagonal entries (i < j). The diagonal is 1 on both sides and the matrix is
 * symmetric, so those entries would only dilute the mean. A constant feature correlates 0.
 */
import type { WindowedData } from '../types.js';
import { checkComparable } from './check.js';

/** Pearson correlation of the features over all steps of all windows: row-major `[features, features]`. */
export function featureCorrelation(d: WindowedData): Float64Array {
  const { features: F, windows } = d;
  const rows = d.count * d.seqLen;
  const mean = new Float64Array(F);
  for (let r = 0; r < rows; r++) for (let f = 0; f < F; f++) mean[f] += windows[r * F + f];
  for (let f = 0; f < F; f++) mean[f] /= rows;
  const cov = new Float64Array(F * F); // [F, F], upper triangle filled first
  const c = new Float64Array(F);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < F; f++) c[f] = windows[r * F + f] - mean[f];
    for (let i = 0; i < F; i++) for (let j = i; j < F; j++) cov[i * F + j] += c[i] * c[j];
  }
  const corr = new Float64Array(F * F);
  for (let i = 0; i < F; i++) {
    for (let j = i; j < F; j++) {
      const denom = Math.sqrt(cov[i * F + i] * cov[j * F + j]);
      const v = i === j ? 1 : denom > 0 ? cov[i * F + j] / denom : 0;
      corr[i * F + j] = v;
      corr[j * F + i] = v;
    }
  }
  return corr;
}

/** Mean over feature pairs i < j of |corr_real − corr_synthetic|; in [0, 2]; 0 for one feature. */
export function correlationDistance(real: WindowedData, synthetic: WindowedData): number {
  checkComparable(real, synthetic);
  const F = real.features;
  if (F < 2) return 0;
  const a = featureCorrelation(real);
  const b = featureCorrelation(synthetic);
  let sum = 0;
  for (let i = 0; i < F; i++) for (let j = i + 1; j < F; j++) sum += Math.abs(a[i * F + j] - b[i * F + j]);
  return sum / ((F * (F - 1)) / 2);
}
