/**
 * Per-column min-max scaling to [0, 1] and its inverse, as TimeGAN's `MinMaxScaler` does
 * (fitted over every row before windowing). The generator ends in a sigmoid, so training data
 * must lie in [0, 1]; samples go back to the data's original units through `inverse`.
 */
import type { ScalerState } from '../types.js';

/** Fits min and max of each column of a row-major `[rows, columns]` array. */
export function fitMinMax(values: ArrayLike<number>, columns: number): ScalerState {
  const min = new Array<number>(columns).fill(Infinity);
  const max = new Array<number>(columns).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const c = i % columns;
    const v = values[i];
    if (v < min[c]) min[c] = v;
    if (v > max[c]) max[c] = v;
  }
  return { kind: 'minmax', min, max };
}

/** The identity scaler for `columns` columns (data already in [0, 1]). */
export function identityScaler(columns: number): ScalerState {
  return { kind: 'none', min: new Array(columns).fill(0), max: new Array(columns).fill(1) };
}

/** A constant column has max = min; dividing by 1 instead keeps it finite (it maps to 0). */
function range(s: ScalerState, c: number): number {
  const r = s.max[c] - s.min[c];
  return r > 0 ? r : 1;
}

/** Scales a row-major array with `s.min.length` columns to [0, 1] (new Float32Array). */
export function applyScaler(s: ScalerState, values: ArrayLike<number>): Float32Array {
  const columns = s.min.length;
  const out = new Float32Array(values.length);
  if (s.kind === 'none') {
    out.set(Array.from(values));
    return out;
  }
  for (let i = 0; i < values.length; i++) {
    const c = i % columns;
    out[i] = (values[i] - s.min[c]) / range(s, c);
  }
  return out;
}

/** Maps scaled values back to original units: x = x' · (max − min) + min (float64 result). */
export function invertScaler(s: ScalerState, scaled: ArrayLike<number>): Float64Array {
  const columns = s.min.length;
  const out = new Float64Array(scaled.length);
  for (let i = 0; i < scaled.length; i++) {
    const c = i % columns;
    out[i] = s.kind === 'none' ? scaled[i] : scaled[i] * range(s, c) + s.min[c];
  }
  return out;
}
