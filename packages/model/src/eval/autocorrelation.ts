/**
 * Autocorrelation distance: how differently real and synthetic windows move in time.
 * For every window and feature the sample autocorrelation at lags 1..k,
 *
 *   ρ(l) = Σ_{t<T−l} (x_t − x̄)(x_{t+l} − x̄) / Σ_t (x_t − x̄)²     (x̄: the window's mean),
 *
 * is averaged over windows; the distance is the mean absolute difference of the two averaged
 * ACFs over features and lags. A window whose feature is constant has no defined ACF; it counts
 * as 0 (no correlation), so a generator that collapses to flat lines is penalised, not ignored.
 */
import type { WindowedData } from '../types.js';
import { checkComparable } from './check.js';
import { EvalError, EvalErrorCode } from './errors.js';

/** The default largest lag: 10, or seqLen − 1 for shorter windows. */
export function defaultMaxLag(seqLen: number): number {
  return Math.max(1, Math.min(10, seqLen - 1));
}

/** Window-averaged ACF of each feature at lags 1..maxLag: row-major `[features, maxLag]`. */
export function meanAutocorrelation(d: WindowedData, maxLag = defaultMaxLag(d.seqLen)): Float64Array {
  const { count, seqLen: T, features: F, windows } = d;
  if (!Number.isInteger(maxLag) || maxLag < 1 || maxLag >= T) {
    throw new EvalError(EvalErrorCode.BadOption, `maxLag must be an integer in [1, ${T - 1}] for windows of ${T} steps, got ${maxLag}`);
  }
  const acf = new Float64Array(F * maxLag); // [F, K]
  const centred = new Float64Array(T);
  for (let w = 0; w < count; w++) {
    const base = w * T * F;
    for (let f = 0; f < F; f++) {
      let mean = 0;
      for (let t = 0; t < T; t++) mean += windows[base + t * F + f];
      mean /= T;
      let denom = 0;
      for (let t = 0; t < T; t++) {
        const c = windows[base + t * F + f] - mean;
        centred[t] = c;
        denom += c * c;
      }
      if (denom === 0) continue; // constant: counts as ρ = 0
      for (let l = 1; l <= maxLag; l++) {
        let num = 0;
        for (let t = 0; t + l < T; t++) num += centred[t] * centred[t + l];
        acf[f * maxLag + l - 1] += num / denom;
      }
    }
  }
  for (let i = 0; i < acf.length; i++) acf[i] /= count;
  return acf;
}

/** Mean over features and lags 1..maxLag of |ACF_real − ACF_synthetic|; in [0, 2], 0 for identical sets. */
export function autocorrelationDistance(real: WindowedData, synthetic: WindowedData, maxLag = defaultMaxLag(real.seqLen)): number {
  checkComparable(real, synthetic);
  const a = meanAutocorrelation(real, maxLag);
  const b = meanAutocorrelation(synthetic, maxLag);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}
