/**
 * A GRU layer over a whole sequence: the time scan around `GRUCell`.
 *
 * Follows the structure of tfjs-layers' `RNN` + `GRUCell`, with the two changes the measured
 * per-op overhead of TF.js calls for (see ARCHITECTURE.md, "Speed"):
 * - the input projection W x + b of ALL time steps is one matMul before the recurrence, so only
 *   the small h·U product is sequential;
 * - the projected sequence is split into per-step tensors once (`unstack`), never sliced per step
 *   (a slice copies on these backends).
 *
 * `gruLayer` is the single entry point every network uses, so a fused kernel (one op for the whole
 * forward over time, one for the whole backward) can replace its body without touching callers.
 */
import * as tf from '@tensorflow/tfjs';
import { GRUCell, type GruLayerParams, type GruVariant } from './cell.js';
import { builtinActivations, twiceDifferentiableActivations } from './activations.js';

export interface GruLayerOptions {
  /** Candidate formula; default 'cho2014'. */
  variant?: GruVariant;
  /** Scan from the last step to the first (the backward half of a bidirectional layer). */
  reverse?: boolean;
  /** Initial state [B, u]; zeros when absent. */
  initialState?: tf.Tensor2D;
  /** Use activations whose gradients can be differentiated again (needed by WGAN-GP); slower. */
  twiceDifferentiable?: boolean;
}

export interface GruLayerOutput {
  /** Hidden state at every step, in input time order: [B, T, u]. */
  sequence: tf.Tensor3D;
  /** State after the last step processed (t = T−1, or t = 0 when reversed): [B, u]. */
  final: tf.Tensor2D;
}

/** Runs one GRU layer over `x` [B, T, in]. Call inside `tf.tidy` (or a gradient function). */
export function gruLayer(x: tf.Tensor3D, params: GruLayerParams, options: GruLayerOptions = {}): GruLayerOutput {
  const [batch, steps, inputSize] = x.shape;
  const units = params.recurrentKernel.shape[0];
  const cell = new GRUCell(units, options.variant ?? 'cho2014', options.twiceDifferentiable ? twiceDifferentiableActivations : builtinActivations);
  cell.checkParams(params, inputSize);

  // Input projection for every step in one product, then split per gate and per step ONCE.
  // Gate-major, time-major layout makes every later slice a contiguous block (no gather copies).
  const flat = tf.reshape(x, [batch * steps, inputSize]); // [B*T, in]
  const projected = tf.add(tf.matMul(flat, params.kernel), params.bias); // [B*T, 3u]
  const perGate = tf.transpose(tf.reshape(projected, [batch, steps, 3, units]), [2, 1, 0, 3]); // [3, T, B, u]
  const [zSeq, rSeq, hSeq] = tf.unstack(perGate).map((g) => tf.unstack(g) as tf.Tensor2D[]); // 3 × T × [B, u]

  const rec = cell.prepare(params);
  let h: tf.Tensor2D = options.initialState ?? tf.zeros([batch, units]);
  const outputs: tf.Tensor2D[] = new Array(steps);
  for (let i = 0; i < steps; i++) {
    const t = options.reverse ? steps - 1 - i : i;
    h = cell.step({ z: zSeq[t], r: rSeq[t], h: hSeq[t] }, h, rec);
    outputs[t] = h;
  }
  return { sequence: tf.stack(outputs, 1) as tf.Tensor3D /* [B, T, u] */, final: h };
}
