/**
 * TimeGAN's loss terms (Yoon et al. 2019, Section 4; the authors' `timegan.py`), as pure
 * functions of tensors. The weighted sums each update minimises are assembled in `trainer.ts`:
 *
 *   autoencoder  10·√MSE(X, X̃)
 *   supervisor   MSE(H[:, 1:], S(H)[:, :−1])
 *   generator    BCE(D(Ĥ), 1) + γ·BCE(D(Ê), 1) + 100·√supervised + 100·moments(X̂, X)
 *   embedder     10·√MSE(X, X̃) + 0.1·supervised
 *   discriminator BCE(D(H), 1) + BCE(D(Ĥ), 0) + γ·BCE(D(Ê), 0)
 *
 * BCE is `tf.losses.sigmoid_cross_entropy` on logits (a mean over every logit), written with
 * softplus so it stays finite for large logits: BCE(l, 1) = softplus(−l), BCE(l, 0) = softplus(l).
 */
import * as tf from '@tensorflow/tfjs';

/** Mean binary cross-entropy of logits against an all-`target` label. */
export function sigmoidCrossEntropy(logits: tf.Tensor, target: 0 | 1): tf.Scalar {
  return tf.mean(tf.softplus(target === 1 ? tf.neg(logits) : logits));
}

/** Mean squared error over every element. */
export function meanSquaredError(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(a, b));
}

/**
 * The supervised loss: how well `next` (the supervisor's output on `h`) predicts the following
 * latent step, MSE(h[:, t+1], next[:, t]) over t < T−1. Needs T ≥ 2.
 */
export function supervisedLoss(h: tf.Tensor3D, next: tf.Tensor3D): tf.Scalar {
  const [b, steps, u] = h.shape;
  const target = tf.slice(h, [0, 1, 0], [b, steps - 1, u]); // [B, T−1, h]
  const predicted = tf.slice(next, [0, 0, 0], [b, steps - 1, u]); // [B, T−1, h]
  return meanSquaredError(target, predicted);
}

/**
 * The moment loss: mean |σ̂ − σ| + mean |μ̂ − μ|, with per-(step, feature) mean and standard
 * deviation over the batch (`tf.nn.moments(X, [0])`), σ = √(variance + 1e-6) as TimeGAN writes it.
 */
export function momentLoss(fake: tf.Tensor3D, real: tf.Tensor3D): tf.Scalar {
  const f = tf.moments(fake, 0); // mean, variance: [T, F] each
  const r = tf.moments(real, 0);
  const std = (v: tf.Tensor) => tf.sqrt(tf.add(v, 1e-6));
  const stdGap = tf.mean(tf.abs(tf.sub(std(f.variance), std(r.variance))));
  const meanGap = tf.mean(tf.abs(tf.sub(f.mean, r.mean)));
  return tf.add(stdGap, meanGap);
}
