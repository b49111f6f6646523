/**
 * Gate activations for the GRU, in two flavours.
 *
 * TF.js' built-in `tanh` and `sigmoid` gradients are written in terms of their saved OUTPUT y
 * (1 − y², y(1 − y)), and the engine does not differentiate through that saved output: a gradient
 * of a gradient (WGAN-GP's penalty differentiated w.r.t. the critic's weights) comes out wrong —
 * measured here: d/dw (d tanh(x·w)/dx)² at x = 0.7, w = 1.3 gives 0.599 instead of −0.187. The
 * `twiceDifferentiable` versions below define the same functions with `tf.customGrad` and write the
 * gradient in terms of the INPUT x, which the outer gradient does follow. They recompute the
 * activation in the backward pass, so the plain built-ins remain the default.
 */
import * as tf from '@tensorflow/tfjs';

/** The two nonlinearities a GRU step uses. */
export interface GateActivations {
  sigmoid: (x: tf.Tensor) => tf.Tensor;
  tanh: (x: tf.Tensor) => tf.Tensor;
}

export const builtinActivations: GateActivations = { sigmoid: tf.sigmoid, tanh: tf.tanh };

// customGrad passes the inputs and then the save function; its typing folds them into one rest list.
const sigmoid2 = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.sigmoid(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const s = tf.sigmoid(saved[0]);
      return tf.mul(dy, tf.mul(s, tf.sub(1, s))); // σ'(x) = σ(x)(1 − σ(x)), from x
    },
  };
}) as never) as (x: tf.Tensor) => tf.Tensor;

const tanh2 = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.tanh(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(saved[0])))), // 1 − tanh²(x), from x
  };
}) as never) as (x: tf.Tensor) => tf.Tensor;

export const twiceDifferentiableActivations: GateActivations = { sigmoid: sigmoid2, tanh: tanh2 };
