/**
 * The composite GRU layer: the time scan around `GRUCell` built from TF.js ops, which every
 * backend can run and differentiate (twice, with `twiceDifferentiable`). `gruLayer` uses it on
 * the `tensorflow` backend, for WGAN-GP's gradient of a gradient, and when
 * `GRUGAN_GRU_KERNEL=composite`; elsewhere the fused op (`fused/`) replaces it.
 *
 * Follows the structure of tfjs-layers' `RNN` + `GRUCell`, with the two changes the measured
 * per-op overhead of TF.js calls for (see ARCHITECTURE.md, "Speed"):
 * - the input projection W x + b of ALL time steps is one matMul before the recurrence, so only
 *   the small h·U product is sequential;
 * - the projected sequence is split into per-step tensors once (`unstack`), never sliced per step
 *   (a slice copies on these backends).
 */
import * as tf from '@tensorflow/tfjs';
import { GRUCell, type GruLayerParams } from './cell.js';
import { builtinActivations, twiceDifferentiableActivations } from './activations.js';
import type { GruLayerOptions, GruLayerOutput } from './layer.js';

/** Runs one GRU layer over `x` [B, T, in]. Call inside `tf.tidy` (or a gradient function). */
export function gruLayerComposite(x: tf.Tensor3D, params: GruLayerParams, options: GruLayerOptions = {}): GruLayerOutput {
  const [batch, steps, inputSize] = x.shape;
  const units = params.recurrentKernel.shape[0];
  const cell = new GRUCell(units, options.variant ?? 'cho2014', options.twiceDifferentiable ? twiceDifferentiableActivations : builtinActivations);
  cell.checkParams(params, inputSize);

  // Input projection for every step in one product, then split per gate and per step ONCE.
  // Gate-major, time-major layout makes every later slice a contiguous block (no gather copies).
  const flat = tf.reshape(x, [batch * steps, inputSize]); // [B*T, in]
  const projected = tf.add(tf.matMul(flat, params.kernel), params.bias); // [B*T, 3u]
  const perGate = tf.transpose(tf.reshape(projected, [batch, steps, 3, units]), [2, 1, 0, 3]); // [3, T, B, u]
  // tfjs' Unpack gradient breaks when there is a single output (it gets a tensor, not an array),
  // so a one-step sequence is reshaped instead of unstacked.
  const perStep = (g: tf.Tensor) => (steps === 1 ? [tf.reshape(g, [batch, units])] : tf.unstack(g)) as tf.Tensor2D[];
  const [zSeq, rSeq, hSeq] = tf.unstack(perGate).map(perStep); // 3 × T × [B, u]

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
