/**
 * The fused GRU layer in plain TypeScript on Float32Arrays: the reference implementation of
 * `GruKernel` that every faster one is tested against, and the fallback where WebAssembly is
 * unavailable. It already removes TF.js' per-op overhead (one call per layer instead of ~10 ops
 * per step), which is most of the cost on the `cpu` backend.
 *
 * Forward (Cho et al., 2014; 'reset-after' as cuDNN / Keras):
 *   P = x·W + b for all B·T rows in one product (written straight into `saved`)
 *   per step: S = h·U (z, r columns; all three for 'reset-after'), gates, h' = h + z (h̃ − h)
 * Backward through time, per step, from dh (= ∂L/∂h_t, carried back):
 *   dz = dh (h̃ − h), dh̃ = dh z, dA_z = dz z(1 − z), dA_h = dh̃ (1 − h̃²)
 *   'cho2014':     dRH = dA_h U_hᵀ, dr = dRH ⊙ h, dh_prev = dh (1 − z) + dRH ⊙ r + [dA_z dA_r]·[U_z U_r]ᵀ
 *   'reset-after': dr = dA_h ⊙ n, dN = dA_h ⊙ r, dh_prev = dh (1 − z) + [dA_z dA_r dN]·Uᵀ
 *   dA_r = dr r(1 − r)
 * then, over all rows at once: dx = dA Wᵀ, dW = xᵀ dA, db = Σ dA, dU = h_prevᵀ [dA_z dA_r ·]
 * with (r ⊙ h_prev)ᵀ dA_h ('cho2014') or h_prevᵀ dN ('reset-after') for the candidate block.
 */
import { columnSums, gemm, transpose } from './gemm.js';
import { savedWidth, type GruBackwardArgs, type GruForwardArgs, type GruForwardOutputs, type GruGradients, type GruKernel, type GruShape } from './types.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export const tsGruKernel: GruKernel = {
  name: 'ts',

  forward(shape: GruShape, args: GruForwardArgs, out: GruForwardOutputs): void {
    const { batch: B, steps: T, inputSize: I, units: u, reverse } = shape;
    const cho = shape.variant === 'cho2014';
    const G = savedWidth(shape);
    const u3 = 3 * u;
    const saved = out.saved ?? new Float32Array(B * T * G);
    const { x, recurrentKernel: U, bias } = args;
    const bu = args.recurrentBias;

    // P = x·W + b for every row, in the first 3u columns of `saved` (gates overwrite it in place).
    gemm(B * T, u3, I, { data: x, off: 0, ld: I }, { data: args.kernel, off: 0, ld: u3 }, { data: saved, off: 0, ld: G }, false);
    for (let row = 0; row < B * T; row++) for (let c = 0; c < u3; c++) saved[row * G + c] += bias[c];

    const h = new Float32Array(B * u); // state entering the step
    if (args.h0) h.set(args.h0);
    const rec = new Float32Array(B * u3); // h·U for this step, [B, 3u]
    const rh = cho ? new Float32Array(B * u) : undefined; // r ⊙ h

    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      gemm(B, cho ? 2 * u : u3, u, { data: h, off: 0, ld: u }, { data: U, off: 0, ld: u3 }, { data: rec, off: 0, ld: u3 }, false);
      for (let b = 0; b < B; b++) {
        const g = (b * T + t) * G;
        const q = b * u3;
        for (let j = 0; j < u; j++) {
          const z = sigmoid(saved[g + j] + rec[q + j] + (bu ? bu[j] : 0));
          const r = sigmoid(saved[g + u + j] + rec[q + u + j] + (bu ? bu[u + j] : 0));
          saved[g + j] = z;
          saved[g + u + j] = r;
          if (rh) rh[b * u + j] = r * h[b * u + j];
          else saved[g + u3 + j] = rec[q + 2 * u + j] + bu![2 * u + j]; // n = U_h h + b_uh
        }
      }
      if (rh) gemm(B, u, u, { data: rh, off: 0, ld: u }, { data: U, off: 2 * u, ld: u3 }, { data: rec, off: 2 * u, ld: u3 }, false);
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        const g = row * G;
        for (let j = 0; j < u; j++) {
          const z = saved[g + j];
          const pre = rh ? saved[g + 2 * u + j] + rec[b * u3 + 2 * u + j] : saved[g + 2 * u + j] + saved[g + u + j] * saved[g + u3 + j];
          const cand = Math.tanh(pre);
          saved[g + 2 * u + j] = cand;
          const hp = h[b * u + j];
          const next = hp + z * (Math.fround(cand) - hp);
          h[b * u + j] = next;
          out.sequence[row * u + j] = next;
        }
      }
    }
    out.final.set(h);
  },

  backward(shape: GruShape, args: GruBackwardArgs): GruGradients {
    return new TsGruGradients(shape, args);
  },
};

/** Backpropagation through time, run once on the first gradient asked for. */
interface Bptt {
  /** ∂L/∂P for every row, [B·T, 3u] (P = the input projection of each gate). */
  dA: Float32Array;
  /** ∂L/∂n, [B·T, u] ('reset-after' only). */
  dN?: Float32Array;
  /** ∂L/∂h0, [B, u]. */
  dh0: Float32Array;
}

class TsGruGradients implements GruGradients {
  private result?: Bptt;

  constructor(
    private readonly shape: GruShape,
    private readonly args: GruBackwardArgs,
  ) {}

  private bptt(): Bptt {
    if (this.result) return this.result;
    const { batch: B, steps: T, units: u, reverse } = this.shape;
    const cho = this.shape.variant === 'cho2014';
    const G = savedWidth(this.shape);
    const u3 = 3 * u;
    const { saved, sequence: seq, h0, dSequence, dFinal } = this.args;
    const UT = transpose(this.args.recurrentKernel, 0, u3, u, u3); // [3u, u]
    const dA = new Float32Array(B * T * u3);
    const dN = cho ? undefined : new Float32Array(B * T * u);
    let dh = new Float32Array(B * u); // ∂L/∂(state after this step)
    if (dFinal) dh.set(dFinal);
    let dhPrev = new Float32Array(B * u);
    const dRH = cho ? new Float32Array(B * u) : undefined;
    const hPrev = (b: number, t: number, s: number, j: number): number =>
      s > 0 ? seq[(b * T + (reverse ? t + 1 : t - 1)) * u + j] : h0 ? h0[b * u + j] : 0;

    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const row = b * T + t;
        const g = row * G;
        const a = row * u3;
        for (let j = 0; j < u; j++) {
          const d = dh[b * u + j] + (dSequence ? dSequence[row * u + j] : 0);
          const z = saved[g + j], r = saved[g + u + j], c = saved[g + 2 * u + j];
          const hp = hPrev(b, t, s, j);
          const dz = d * (c - hp);
          const dAc = d * z * (1 - c * c);
          dA[a + j] = dz * z * (1 - z);
          dA[a + 2 * u + j] = dAc;
          dhPrev[b * u + j] = d * (1 - z);
          if (dN) {
            const n = saved[g + u3 + j];
            dA[a + u + j] = dAc * n * r * (1 - r);
            dN[row * u + j] = dAc * r;
          }
        }
      }
      const dAt = { data: dA, off: t * u3, ld: T * u3 }; // this step's rows of dA
      const into = { data: dhPrev, off: 0, ld: u };
      if (dRH) {
        gemm(B, u, u, { ...dAt, off: t * u3 + 2 * u }, { data: UT, off: 2 * u * u, ld: u }, { data: dRH, off: 0, ld: u }, false);
        for (let b = 0; b < B; b++) {
          const row = b * T + t;
          for (let j = 0; j < u; j++) {
            const r = saved[row * G + u + j];
            const d = dRH[b * u + j];
            dA[row * u3 + u + j] = d * hPrev(b, t, s, j) * r * (1 - r);
            dhPrev[b * u + j] += d * r;
          }
        }
        gemm(B, u, 2 * u, dAt, { data: UT, off: 0, ld: u }, into, true);
      } else {
        gemm(B, u, 2 * u, dAt, { data: UT, off: 0, ld: u }, into, true);
        gemm(B, u, u, { data: dN!, off: t * u, ld: T * u }, { data: UT, off: 2 * u * u, ld: u }, into, true);
      }
      [dh, dhPrev] = [dhPrev, dh];
    }
    this.result = { dA, dN, dh0: dh };
    return this.result;
  }

  dx(out: Float32Array): void {
    const { batch: B, steps: T, inputSize: I, units: u } = this.shape;
    const WT = transpose(this.args.kernel, 0, 3 * u, I, 3 * u); // [3u, in]
    gemm(B * T, I, 3 * u, { data: this.bptt().dA, off: 0, ld: 3 * u }, { data: WT, off: 0, ld: I }, { data: out, off: 0, ld: I }, false);
  }

  dh0(out: Float32Array): void {
    out.set(this.bptt().dh0);
  }

  dKernel(out: Float32Array): void {
    const { batch: B, steps: T, inputSize: I, units: u } = this.shape;
    const XT = transpose(this.args.x, 0, I, B * T, I); // [in, B·T]
    gemm(I, 3 * u, B * T, { data: XT, off: 0, ld: B * T }, { data: this.bptt().dA, off: 0, ld: 3 * u }, { data: out, off: 0, ld: 3 * u }, false);
  }

  dRecurrentKernel(out: Float32Array): void {
    const { batch: B, steps: T, units: u, reverse } = this.shape;
    const cho = this.shape.variant === 'cho2014';
    const G = savedWidth(this.shape);
    const { dA, dN } = this.bptt();
    const { sequence: seq, h0, saved } = this.args;
    const BT = B * T;
    // h_prevᵀ [u, B·T] (and (r ⊙ h_prev)ᵀ for 'cho2014'), built in one pass over the rows.
    const HT = new Float32Array(u * BT);
    const RHT = cho ? new Float32Array(u * BT) : undefined;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const row = b * T + t;
        const first = reverse ? t === T - 1 : t === 0;
        const src = first ? b * u : (b * T + (reverse ? t + 1 : t - 1)) * u;
        for (let j = 0; j < u; j++) {
          const hp = first ? (h0 ? h0[src + j] : 0) : seq[src + j];
          HT[j * BT + row] = hp;
          if (RHT) RHT[j * BT + row] = saved[row * G + u + j] * hp;
        }
      }
    }
    const C = { data: out, off: 0, ld: 3 * u };
    gemm(u, 2 * u, BT, { data: HT, off: 0, ld: BT }, { data: dA, off: 0, ld: 3 * u }, C, false);
    if (RHT) gemm(u, u, BT, { data: RHT, off: 0, ld: BT }, { data: dA, off: 2 * u, ld: 3 * u }, { ...C, off: 2 * u }, false);
    else gemm(u, u, BT, { data: HT, off: 0, ld: BT }, { data: dN!, off: 0, ld: u }, { ...C, off: 2 * u }, false);
  }

  dBias(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    columnSums(this.bptt().dA, 0, 3 * u, B * T, 3 * u, out);
  }

  dRecurrentBias(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    const { dA, dN } = this.bptt();
    columnSums(dA, 0, 3 * u, B * T, 2 * u, out);
    if (dN) columnSums(dN, 0, u, B * T, u, out, 2 * u);
  }
}
