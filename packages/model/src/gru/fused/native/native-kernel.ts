/**
 * `GruKernel` on the native addon (native/src/: C on the system's CBLAS). The forward pass and
 * backpropagation through time run in C (one sgemm per step for the recurrence, see
 * gru_forward.c / gru_backward.c); the weight and input gradients are then single large
 * products over all B·T rows, run here through the addon's sgemm only when asked for:
 *   dx = dA·Wᵀ,  dW = xᵀ·dA,  dU = h_prevᵀ·[dA_z dA_r] | (r ⊙ h_prev)ᵀ·dA_h or h_prevᵀ·dN,
 *   db = Σ_rows dA,  db_u = Σ_rows [dA_z dA_r dN].
 * Threads are the BLAS library's own (OpenBLAS: `threads`, set before each call since the count
 * is process-wide); each product is one BLAS call, so results do not depend on call order.
 */
import { savedWidth, type GruBackwardArgs, type GruForwardArgs, type GruForwardOutputs, type GruGradients, type GruKernel, type GruShape } from '../types.js';
import { FRESH_ARRAYS, type Float32Allocator } from '../float32-pool.js';
import { nativeAddon, type NativeAddon } from './addon.js';

const NO = 0;
const TRANSPOSED = 1;

/**
 * Below this many flops in one step's recurrent product (2·B·u·3u), a layer runs on one BLAS
 * thread: waking a second thread costs more than it saves. Measured with `npm run bench:speed`
 * on 2 cores (bench/RESULTS.md): S (B 128, u 24: 0.44 MFLOP) 23.3 it/s on one thread vs 16.3 on
 * two; M (6.3 MFLOP; 12.6 in the discriminator step, which runs real and fake as one batch) 2.38
 * vs 2.19 with OpenBLAS' AVX2 kernels and 3.53 vs 2.73 with its AVX-512 ones; L (50 MFLOP) 0.45
 * vs 0.29 it/s — two threads win there.
 */
const ONE_THREAD_BELOW_FLOPS = 2 ** 24;

/** BLAS threads for a layer of this shape, at most `max`. */
export function blasThreadsFor(shape: Pick<GruShape, 'batch' | 'units'>, max: number): number {
  return 2 * shape.batch * shape.units * 3 * shape.units < ONE_THREAD_BELOW_FLOPS ? 1 : max;
}

class NativeGruKernel implements GruKernel {
  readonly name: string;

  constructor(
    readonly addon: NativeAddon,
    private readonly threads: number,
  ) {
    this.name = `native×${threads}`;
  }

  /** Sets the BLAS thread count for a layer of `shape` (another call in the process may have changed it). */
  useThreads(shape: GruShape): void {
    setBlasThreads(this.addon, blasThreadsFor(shape, this.threads));
  }

  forward(shape: GruShape, args: GruForwardArgs, out: GruForwardOutputs): void {
    const { batch: B, steps: T, inputSize: I, units: u } = shape;
    const saved = out.saved ?? new Float32Array(B * T * savedWidth(shape));
    this.useThreads(shape);
    this.addon.gruForward(
      B, T, I, u, +(shape.variant === 'reset-after'), +shape.reverse,
      args.x, args.h0 ?? null, args.kernel, args.recurrentKernel, args.bias, args.recurrentBias ?? null,
      out.sequence, out.final, saved,
    );
  }

  backward(shape: GruShape, args: GruBackwardArgs, scratch: Float32Allocator = FRESH_ARRAYS): GruGradients {
    return new NativeGruGradients(this, shape, args, scratch);
  }
}

let blasThreads = 0;

function setBlasThreads(addon: NativeAddon, n: number): void {
  if (n === blasThreads) return;
  addon.setThreads(n);
  blasThreads = n;
}

/** What backpropagation through time leaves for the gradients (layouts in native/src/gru.h). */
interface Bptt {
  dA: Float32Array;
  dN?: Float32Array;
  hprev: Float32Array;
  rh?: Float32Array;
  dh0: Float32Array;
}

class NativeGruGradients implements GruGradients {
  private result?: Bptt;

  constructor(
    private readonly k: NativeGruKernel,
    private readonly shape: GruShape,
    private readonly args: GruBackwardArgs,
    private readonly scratch: Float32Allocator,
  ) {}

  private bptt(): Bptt {
    if (this.result) return this.result;
    const { batch: B, steps: T, units: u } = this.shape;
    const ra = this.shape.variant === 'reset-after';
    const a = this.args;
    // gru_backward writes each of these in full.
    const take = (n: number) => this.scratch.take(n);
    const r: Bptt = {
      dA: take(B * T * 3 * u),
      dN: ra ? take(B * T * u) : undefined,
      hprev: take(B * T * u),
      rh: ra ? undefined : take(B * T * u),
      dh0: take(B * u),
    };
    this.k.useThreads(this.shape);
    this.k.addon.gruBackward(
      B, T, u, +ra, +this.shape.reverse,
      a.recurrentKernel, a.h0 ?? null, a.sequence, a.saved, a.dSequence ?? null, a.dFinal ?? null,
      r.dA, r.dN ?? null, r.hprev, r.rh ?? null, r.dh0,
    );
    this.result = r;
    return r;
  }

  dx(out: Float32Array): void {
    const { batch: B, steps: T, inputSize: I, units: u } = this.shape;
    const { dA } = this.bptt();
    this.k.useThreads(this.shape);
    this.k.addon.sgemm(NO, TRANSPOSED, B * T, I, 3 * u, dA, 0, 3 * u, this.args.kernel, 0, 3 * u, 0, out, 0, I);
  }

  dh0(out: Float32Array): void {
    out.set(this.bptt().dh0);
  }

  dKernel(out: Float32Array): void {
    const { batch: B, steps: T, inputSize: I, units: u } = this.shape;
    const { dA } = this.bptt();
    this.k.useThreads(this.shape);
    this.k.addon.sgemm(TRANSPOSED, NO, I, 3 * u, B * T, this.args.x, 0, I, dA, 0, 3 * u, 0, out, 0, 3 * u);
  }

  dRecurrentKernel(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    const { dA, dN, hprev, rh } = this.bptt();
    const BT = B * T;
    const gemm = this.k.addon.sgemm;
    this.k.useThreads(this.shape);
    gemm(TRANSPOSED, NO, u, 2 * u, BT, hprev, 0, u, dA, 0, 3 * u, 0, out, 0, 3 * u); // h_prevᵀ·[dA_z dA_r]
    if (dN) gemm(TRANSPOSED, NO, u, u, BT, hprev, 0, u, dN, 0, u, 0, out, 2 * u, 3 * u); // h_prevᵀ·dN
    else gemm(TRANSPOSED, NO, u, u, BT, rh!, 0, u, dA, 2 * u, 3 * u, 0, out, 2 * u, 3 * u); // (r ⊙ h_prev)ᵀ·dA_h
  }

  dBias(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    this.k.addon.columnSums(B * T, 3 * u, this.bptt().dA, 0, 3 * u, out, 0);
  }

  dRecurrentBias(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    const { dA, dN } = this.bptt();
    this.k.addon.columnSums(B * T, 2 * u, dA, 0, 3 * u, out, 0);
    if (dN) this.k.addon.columnSums(B * T, u, dN, 0, u, out, 2 * u);
  }
}

/** The native kernel with `threads` BLAS threads. Throws a NativeAddonError where the addon cannot build or load. */
export function createNativeGruKernel(threads: number): GruKernel {
  return new NativeGruKernel(nativeAddon(), threads);
}
