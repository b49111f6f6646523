/**
 * GAN objectives on discriminator logits. Every loss is a mean over all logits (per step or per
 * sequence), so averaging the gradients of equal batch slices equals the whole batch's gradient —
 * the invariant data-parallel training rests on.
 *
 * - `minimax`: Goodfellow et al. (2014): D maximises log D(x) + log(1 − D(G(z))); G minimises
 *   log(1 − D(G(z))).
 * - `ns`: the non-saturating G loss of the same paper: G maximises log D(G(z)) instead.
 * - `wgan-gp`: Gulrajani et al. (2017): critic loss E[D(fake)] − E[D(real)] + λ·GP (penalty in
 *   `gradient-penalty.ts`); G loss −E[D(fake)].
 * - `lsgan`: Mao et al. (2017), a = 0, b = c = 1: D ½E[(D(x) − 1)²] + ½E[D(G(z))²]; G ½E[(D(G(z)) − 1)²].
 * - `hinge`: Lim & Ye (2017) / Miyato et al. (2018): D E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))];
 *   G −E[D(G(z))].
 * log σ(x) is computed as −softplus(−x), which stays finite for large |x|.
 */
import * as tf from '@tensorflow/tfjs';

export type GanLossKind = 'ns' | 'minimax' | 'wgan-gp' | 'lsgan' | 'hinge';
export const GAN_LOSS_KINDS: readonly GanLossKind[] = ['ns', 'minimax', 'wgan-gp', 'lsgan', 'hinge'];

/** Thrown for an unknown loss name. */
export class UnknownLossError extends Error {
  readonly code = 'ERR_UNKNOWN_LOSS';
  constructor(kind: string) {
    super(`unknown GAN loss "${kind}" (expected one of ${GAN_LOSS_KINDS.join(', ')})`);
    this.name = 'UnknownLossError';
  }
}

/** Discriminator loss from logits on real and on generated data (gradient penalty excluded). */
export function discriminatorLoss(kind: GanLossKind, realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'ns':
    case 'minimax':
      // −log σ(real) − log(1 − σ(fake)) = softplus(−real) + softplus(fake)
      return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits)));
    case 'wgan-gp':
      return tf.sub(tf.mean(fakeLogits), tf.mean(realLogits));
    case 'lsgan':
      return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realLogits, 1))), tf.mean(tf.square(fakeLogits)))) as tf.Scalar;
    case 'hinge':
      return tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits))));
    default:
      throw new UnknownLossError(String(kind));
  }
}

/** Generator loss from the discriminator's logits on generated data. */
export function generatorLoss(kind: GanLossKind, fakeLogits: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'ns':
      return tf.mean(tf.softplus(tf.neg(fakeLogits))); // −log σ(fake)
    case 'minimax':
      return tf.neg(tf.mean(tf.softplus(fakeLogits))) as tf.Scalar; // log(1 − σ(fake)) = −softplus(fake)
    case 'wgan-gp':
    case 'hinge':
      return tf.neg(tf.mean(fakeLogits)) as tf.Scalar;
    case 'lsgan':
      return tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, 1)))) as tf.Scalar;
    default:
      throw new UnknownLossError(String(kind));
  }
}
