/**
 * WGAN-GP gradient penalty (Gulrajani et al., 2017, "Improved Training of Wasserstein GANs",
 * Algorithm 1): x̂ = ε x + (1 − ε) x̃ with ε ~ U[0, 1] per sample, GP = E[(‖∇x̂ D(x̂)‖₂ − 1)²].
 *
 * For sequences the norm runs over the whole sample [T, F], and D(x̂) of a sample is the mean of
 * its logits over time. The inner gradient flows back through the GRU; calling this inside
 * `tf.variableGrads` gives the second-order gradient with respect to the critic's weights; the
 * critic's GRU must then be built with `twiceDifferentiable` activations (see gru/activations.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** Added under the square root so the norm's gradient stays finite at zero. */
const NORM_EPSILON = 1e-12;

/**
 * `critic` maps [B, T, F] to logits ([B, T] or [B]); `epsilon` is [B] of U[0, 1] draws.
 * Returns the (unweighted) penalty, a scalar.
 */
export function gradientPenalty(
  critic: (x: tf.Tensor3D) => tf.Tensor,
  real: tf.Tensor3D,
  fake: tf.Tensor3D,
  epsilon: tf.Tensor1D,
): tf.Scalar {
  const [batch] = real.shape;
  const eps = tf.reshape(epsilon, [batch, 1, 1]); // [B, 1, 1]
  const mixed = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake)) as tf.Tensor3D; // [B, T, F]
  // Σ over the batch of each sample's critic value; its gradient w.r.t. x̂ is per-sample.
  const perSample = (x: tf.Tensor) => {
    const logits = critic(x as tf.Tensor3D);
    const value = logits.rank === 1 ? logits : tf.mean(logits, 1); // [B]
    return tf.sum(value);
  };
  const grad = tf.grad(perSample)(mixed); // [B, T, F]
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), [1, 2]), NORM_EPSILON)); // [B]
  return tf.mean(tf.square(tf.sub(norm, 1)));
}
