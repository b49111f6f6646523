/**
 * An independent float64 GRU in plain JavaScript loops, written from Cho et al. (2014) for the
 * tests only: no TF.js, so it cannot share a bug with the implementation it checks.
 */
export type Variant = 'cho2014' | 'reset-after';

/** One direction of one layer, float64, layouts as in `GruLayerParams` (gates z | r | h). */
export interface RefLayer {
  kernel: Float64Array; // [in, 3u]
  recurrentKernel: Float64Array; // [u, 3u]
  bias: Float64Array; // [3u]
  recurrentBias?: Float64Array; // [3u]
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Forward over x [B, T, in]; returns outputs [B, T, u] and the final state [B, u]. */
export function refGruLayer(
  x: Float64Array,
  dims: { B: number; T: number; I: number; U: number },
  p: RefLayer,
  variant: Variant,
  reverse = false,
  h0?: Float64Array,
): { seq: Float64Array; final: Float64Array } {
  const { B, T, I, U } = dims;
  const seq = new Float64Array(B * T * U);
  const final = new Float64Array(B * U);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(U);
    if (h0) for (let j = 0; j < U; j++) h[j] = h0[b * U + j];
    for (let i = 0; i < T; i++) {
      const t = reverse ? T - 1 - i : i;
      // a[g*U + j] = (W x + b) for gate g, unit j
      const a = new Float64Array(3 * U);
      for (let c = 0; c < 3 * U; c++) {
        let s = p.bias[c];
        for (let k = 0; k < I; k++) s += x[(b * T + t) * I + k] * p.kernel[k * 3 * U + c];
        a[c] = s;
      }
      const uh = (c: number, v: Float64Array) => {
        let s = 0;
        for (let k = 0; k < U; k++) s += v[k] * p.recurrentKernel[k * 3 * U + c];
        return s;
      };
      const z = new Float64Array(U);
      const r = new Float64Array(U);
      const rb = (c: number) => (p.recurrentBias ? p.recurrentBias[c] : 0);
      for (let j = 0; j < U; j++) {
        z[j] = sigmoid(a[j] + uh(j, h) + rb(j));
        r[j] = sigmoid(a[U + j] + uh(U + j, h) + rb(U + j));
      }
      const next = new Float64Array(U);
      const rh = h.map((v, k) => r[k] * v);
      for (let j = 0; j < U; j++) {
        const cand =
          variant === 'cho2014'
            ? Math.tanh(a[2 * U + j] + uh(2 * U + j, rh))
            : Math.tanh(a[2 * U + j] + r[j] * (uh(2 * U + j, h) + rb(2 * U + j)));
        next[j] = (1 - z[j]) * h[j] + z[j] * cand;
      }
      h = next;
      for (let j = 0; j < U; j++) seq[(b * T + t) * U + j] = h[j];
    }
    for (let j = 0; j < U; j++) final[b * U + j] = h[j];
  }
  return { seq, final };
}

/** Central finite differences of a scalar float64 function w.r.t. every entry of `v` (modified in place, restored). */
export function finiteDiff(f: () => number, v: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const old = v[i];
    v[i] = old + h;
    const up = f();
    v[i] = old - h;
    const down = f();
    v[i] = old;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * Max elementwise error relative to the reference's scale: |a − b| / max(|b|, 1e-3·‖b‖∞).
 * The floor keeps entries that are zero up to rounding from dividing by ~0.
 */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const denom = Math.max(Math.abs(expected[i]), 1e-3 * scale, 1e-12);
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / denom);
  }
  if (actual.length !== expected.length) return Infinity;
  return worst;
}
