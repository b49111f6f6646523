/**
 * One GRU time step (Cho et al., 2014, "Learning Phrase Representations using RNN
 * Encoder–Decoder for Statistical Machine Translation", eq. 5–8), with fused kernels.
 *
 *   z  = σ(W_z x + U_z h + b_z)                 update gate
 *   r  = σ(W_r x + U_r h + b_r)                 reset gate
 *   h̃  = tanh(W_h x + U_h (r ⊙ h) + b_h)        candidate ('cho2014')
 *   h̃  = tanh(W_h x + r ⊙ (U_h h + b_uh) + b_h)  candidate ('reset-after', cuDNN / Keras default)
 *   h' = (1 − z) ⊙ h + z ⊙ h̃
 *
 * Weights are fused along the output axis in the order [z | r | h], as tfjs-layers' `GRUCell`
 * stores them: `kernel` [in, 3u], `recurrentKernel` [u, 3u], `bias` [3u], and for 'reset-after'
 * a second `recurrentBias` [3u] applied inside the reset product. The input half (W x + b) is
 * computed for all time steps at once by the scan; a step only does the sequential h·U part.
 * `prepare` splits U (and b_u) per gate once per sequence.
 */
import * as tf from '@tensorflow/tfjs';
import { builtinActivations, type GateActivations } from './activations.js';

export type GruVariant = 'cho2014' | 'reset-after';

/** Thrown for a GRU option the cell does not support, or weights of the wrong shape. */
export class GruConfigError extends Error {
  readonly code = 'ERR_GRU_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'GruConfigError';
  }
}

/** The weights of one GRU layer (one direction). */
export interface GruLayerParams {
  /** Input kernel W, [in, 3u], gates [z | r | h]. */
  kernel: tf.Tensor2D;
  /** Recurrent kernel U, [u, 3u], gates [z | r | h]. */
  recurrentKernel: tf.Tensor2D;
  /** Input bias b, [3u]. */
  bias: tf.Tensor1D;
  /** Recurrent bias b_u, [3u]; required by 'reset-after', absent for 'cho2014'. */
  recurrentBias?: tf.Tensor1D;
}

/** Per-sequence constants of a step: the recurrent weights split per gate once, not at every step. */
export interface PreparedRecurrence {
  /** U_z, U_r, U_h: [u, u] each. */
  uz: tf.Tensor2D;
  ur: tf.Tensor2D;
  uh: tf.Tensor2D;
  /** Recurrent biases b_uz, b_ur, b_uh: [u] each ('reset-after' only). */
  bz?: tf.Tensor1D;
  br?: tf.Tensor1D;
  bh?: tf.Tensor1D;
}

/** One step's share of the input projection W x + b, per gate: [B, u] each. */
export interface StepInput {
  z: tf.Tensor2D;
  r: tf.Tensor2D;
  h: tf.Tensor2D;
}

export class GRUCell {
  constructor(
    /** Hidden units u. */
    readonly units: number,
    /** Which candidate formula to use. */
    readonly variant: GruVariant = 'cho2014',
    /** σ and tanh; `twiceDifferentiableActivations` when a gradient of a gradient is taken (WGAN-GP). */
    readonly act: GateActivations = builtinActivations,
  ) {
    if (!Number.isInteger(units) || units < 1) throw new GruConfigError(`GRU units must be a positive integer, got ${units}`);
    if (variant !== 'cho2014' && variant !== 'reset-after') {
      throw new GruConfigError(`unknown GRU variant "${String(variant)}" (expected cho2014 or reset-after)`);
    }
  }

  /** Checks the weight shapes against `inputSize` and this cell; throws `GruConfigError`. */
  checkParams(params: GruLayerParams, inputSize: number): void {
    const u = this.units;
    const expect = (name: string, t: tf.Tensor | undefined, shape: number[]) => {
      if (t === undefined || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new GruConfigError(`GRU ${name} must have shape [${shape}], got ${t ? `[${t.shape}]` : 'nothing'}`);
      }
    };
    expect('kernel', params.kernel, [inputSize, 3 * u]);
    expect('recurrentKernel', params.recurrentKernel, [u, 3 * u]);
    expect('bias', params.bias, [3 * u]);
    if (this.variant === 'reset-after') expect('recurrentBias', params.recurrentBias, [3 * u]);
    else if (params.recurrentBias !== undefined) throw new GruConfigError('recurrentBias is only used by the reset-after variant');
  }

  /** Splits the recurrent weights per gate, once per sequence (slicing them every step would copy). */
  prepare(params: GruLayerParams): PreparedRecurrence {
    const [uz, ur, uh] = tf.split(params.recurrentKernel, 3, 1) as tf.Tensor2D[]; // 3 × [u, u]
    if (this.variant === 'cho2014') return { uz, ur, uh };
    const [bz, br, bh] = tf.split(params.recurrentBias!, 3, 0) as tf.Tensor1D[]; // 3 × [u]
    return { uz, ur, uh, bz, br, bh };
  }

  /**
   * One step from the precomputed input projection `x` (W x + b per gate, [B, u] each) and the
   * previous state `h` [B, u]. One small matMul per gate keeps every operand contiguous: a fused
   * [u, 3u] product would need its [B, 3u] result sliced per gate at every step.
   */
  step(x: StepInput, h: tf.Tensor2D, rec: PreparedRecurrence): tf.Tensor2D {
    let z: tf.Tensor2D;
    let candidate: tf.Tensor2D;
    if (this.variant === 'cho2014') {
      z = this.act.sigmoid(tf.add(x.z, tf.matMul(h, rec.uz))) as tf.Tensor2D; // [B, u]
      const r = this.act.sigmoid(tf.add(x.r, tf.matMul(h, rec.ur))); // [B, u]
      candidate = this.act.tanh(tf.add(x.h, tf.matMul(tf.mul(r, h), rec.uh))) as tf.Tensor2D; // [B, u]
    } else {
      z = this.act.sigmoid(tf.add(x.z, tf.add(tf.matMul(h, rec.uz), rec.bz!))) as tf.Tensor2D; // [B, u]
      const r = this.act.sigmoid(tf.add(x.r, tf.add(tf.matMul(h, rec.ur), rec.br!))); // [B, u]
      candidate = this.act.tanh(tf.add(x.h, tf.mul(r, tf.add(tf.matMul(h, rec.uh), rec.bh!)))) as tf.Tensor2D; // [B, u]
    }
    // h' = (1 − z) h + z h̃, written as h + z (h̃ − h): one op fewer, same value.
    return tf.add(h, tf.mul(z, tf.sub(candidate, h)));
  }
}
