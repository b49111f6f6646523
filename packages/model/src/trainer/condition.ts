/**
 * Conditioning inputs (`data.conditioning`): each sample's class index becomes a one-hot vector
 * appended to every time step of the generator's noise and of the discriminator's input, the
 * usual conditional-GAN construction (Mirza & Osindero 2014; RCGAN, Esteban et al. 2017).
 */
import * as tf from '@tensorflow/tfjs';
import type { TrialConfig } from '@grugan/protocol';
import { BatchShapeError } from './batch.js';

/** Label classes K of a config; 0 = unconditional. */
export function conditionClasses(config: TrialConfig): number {
  return config.data.conditioning?.values.length ?? 0;
}

/** Checks `labels` holds `size` class indices in [0, classes) when `classes` > 0; absent otherwise. */
export function checkLabels(labels: Int32Array | undefined, size: number, classes: number): void {
  if (classes === 0) {
    if (labels !== undefined) throw new BatchShapeError('labels were given to a model without data.conditioning');
    return;
  }
  if (labels === undefined || labels.length !== size) {
    throw new BatchShapeError(`a conditional model needs ${size} labels (one per sample), got ${labels?.length ?? 'none'}`);
  }
  for (const k of labels) if (!Number.isInteger(k) || k < 0 || k >= classes) throw new BatchShapeError(`label ${k} is not a class index in [0, ${classes})`);
}

/** One-hot labels repeated over time: [n] → [n, T, K]. Call inside `tf.tidy`. */
export function oneHotSteps(labels: Int32Array, classes: number, steps: number): tf.Tensor3D {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat(); // [n, K]
  return tf.tile(tf.expandDims(oneHot, 1), [1, steps, 1]) as tf.Tensor3D; // [n, T, K]
}

/**
 * x [m·n, T, F] with the condition [n, T, K] appended to every step → [m·n, T, F + K]; m > 1
 * when x stacks several batches (e.g. [real; fake]) of the same samples. No condition: x itself.
 */
export function appendCondition(x: tf.Tensor3D, cond: tf.Tensor3D | undefined): tf.Tensor3D {
  if (cond === undefined) return x;
  const times = x.shape[0] / cond.shape[0];
  if (!Number.isInteger(times) || times < 1) throw new BatchShapeError(`cannot condition ${x.shape[0]} samples on ${cond.shape[0]} labels`);
  const c = times === 1 ? cond : (tf.concat(Array(times).fill(cond), 0) as tf.Tensor3D); // [m·n, T, K]
  return tf.concat([x, c], 2) as tf.Tensor3D; // [m·n, T, F + K]
}
