/**
 * The interface every fused GRU implementation (plain TypeScript, WebAssembly SIMD) offers, and
 * the memory layouts it works on. One call runs a whole layer's forward over all time steps; one
 * backward object gives every gradient of that layer, each computed on first demand.
 *
 * Layouts (row-major, float32):
 *   x          [B, T, in]   rows r = b·T + t, as TF.js hands over a [B, T, in] tensor
 *   sequence   [B, T, u]    hidden state after step t (input time order, also when reversed)
 *   final      [B, u]       state after the last step processed (t = T−1, or t = 0 when reversed)
 *   saved      [B·T, G·u]   per row the gate values the backward pass needs:
 *                           z | r | h̃           (G = 3, 'cho2014')
 *                           z | r | h̃ | n       (G = 4, 'reset-after'; n = U_h h + b_uh)
 *   kernel W   [in, 3u], recurrentKernel U [u, 3u], bias b [3u], recurrentBias b_u [3u]; gates z | r | h.
 */
import type { GruVariant } from '../cell.js';
import type { Float32Allocator } from './float32-pool.js';

/** Sizes and options of one layer call. */
export interface GruShape {
  /** Batch B. */
  batch: number;
  /** Time steps T. */
  steps: number;
  /** Input features `in`. */
  inputSize: number;
  /** Hidden units u. */
  units: number;
  /** Candidate formula. */
  variant: GruVariant;
  /** Scan from t = T−1 down to 0. */
  reverse: boolean;
}

/** Float32 values per row of `saved`: 3u for 'cho2014', 4u for 'reset-after'. */
export function savedWidth(shape: Pick<GruShape, 'units' | 'variant'>): number {
  return (shape.variant === 'reset-after' ? 4 : 3) * shape.units;
}

/** The inputs of a layer's forward pass (never written to). */
export interface GruForwardArgs {
  x: Float32Array;
  /** Initial state [B, u]; zeros when absent. */
  h0?: Float32Array;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
  /** Required by 'reset-after'. */
  recurrentBias?: Float32Array;
}

/** Where the forward pass writes (preallocated by the caller, sizes as in the layouts above). */
export interface GruForwardOutputs {
  sequence: Float32Array;
  final: Float32Array;
  /** Gate values for the backward pass; may be omitted when no gradient will be taken. */
  saved?: Float32Array;
}

/** What the backward pass reads: the forward's inputs and outputs, and the upstream gradients. */
export interface GruBackwardArgs extends GruForwardArgs {
  sequence: Float32Array;
  saved: Float32Array;
  /** ∂L/∂sequence [B, T, u]; zeros when absent. */
  dSequence?: Float32Array;
  /** ∂L/∂final [B, u]; zeros when absent. */
  dFinal?: Float32Array;
}

/**
 * The gradients of one backward pass. The first call runs backpropagation through time (one
 * pass over the steps); each method then adds only its own products, so a caller that needs
 * no weight gradients (a frozen network) never pays for them. Each writes into `out`.
 */
export interface GruGradients {
  /** ∂L/∂x [B, T, in]. */
  dx(out: Float32Array): void;
  /** ∂L/∂h0 [B, u]. */
  dh0(out: Float32Array): void;
  /** ∂L/∂W [in, 3u]. */
  dKernel(out: Float32Array): void;
  /** ∂L/∂U [u, 3u]. */
  dRecurrentKernel(out: Float32Array): void;
  /** ∂L/∂b [3u]. */
  dBias(out: Float32Array): void;
  /** ∂L/∂b_u [3u] ('reset-after' only). */
  dRecurrentBias(out: Float32Array): void;
}

/** One implementation of the fused layer. */
export interface GruKernel {
  /** 'ts', 'wasm', ... as reported in logs and benchmarks. */
  readonly name: string;
  /** Runs the layer over all steps. */
  forward(shape: GruShape, args: GruForwardArgs, out: GruForwardOutputs): void;
  /**
   * Prepares the backward pass; nothing is computed until a gradient is asked for. Buffers the
   * gradients share may come from `scratch` (they must be written in full before they are read);
   * default plain allocation.
   */
  backward(shape: GruShape, args: GruBackwardArgs, scratch?: Float32Allocator): GruGradients;
}
