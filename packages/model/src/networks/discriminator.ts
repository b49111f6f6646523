/**
 * The discriminator (critic) of a recurrent GAN: sequence [B, T, F] → stacked (optionally
 * bidirectional) GRU → linear → one logit per step ([B, T], TimeGAN's choice) or one logit per
 * sequence from the final state ([B, 1] → [B]). Parameters live outside; see `Generator`.
 */
import * as tf from '@tensorflow/tfjs';
import type { GruVariant } from '../gru/cell.js';
import { gruStack } from '../gru/stack.js';
import { gruStackParams, gruStackSpecs, type GruStackShape } from './gru-params.js';
import type { ParameterSpec } from './init.js';

export interface DiscriminatorConfig {
  /** Input features F. */
  features: number;
  /** GRU units per layer (per direction). */
  hiddenSize: number;
  /** Stacked GRU layers. */
  layers: number;
  /** GRU candidate formula. */
  variant: GruVariant;
  /** A logit per step, or one from the final state. */
  output: 'per-step' | 'final';
  /** Read the sequence in both directions. */
  bidirectional: boolean;
  /** Build it so that gradients of its gradients are right (WGAN-GP's penalty); slower. */
  twiceDifferentiable?: boolean;
}

export class Discriminator {
  /** Name prefix of every parameter. */
  readonly prefix = 'd';
  private readonly stack: GruStackShape;
  private readonly width: number;

  constructor(readonly config: DiscriminatorConfig) {
    this.stack = {
      inputSize: config.features,
      units: config.hiddenSize,
      layers: config.layers,
      variant: config.variant,
      bidirectional: config.bidirectional,
    };
    this.width = config.hiddenSize * (config.bidirectional ? 2 : 1);
  }

  /** Every parameter, in initialisation order. */
  parameterSpecs(): ParameterSpec[] {
    return [
      ...gruStackSpecs(this.prefix, this.stack),
      { name: 'd/head/kernel', shape: [this.width, 1], init: 'glorot-uniform' },
      { name: 'd/head/bias', shape: [1], init: 'zeros' },
    ];
  }

  /** Logits: [B, T] per step, or [B] for 'final'. */
  apply(p: Record<string, tf.Tensor>, x: tf.Tensor3D): tf.Tensor {
    const [batch, steps] = x.shape;
    const out = gruStack(x, gruStackParams(this.prefix, this.stack, p), this.config.variant, {
      twiceDifferentiable: this.config.twiceDifferentiable,
    });
    const kernel = p['d/head/kernel'] as tf.Tensor2D;
    if (this.config.output === 'final') {
      return tf.reshape(tf.add(tf.matMul(out.final, kernel), p['d/head/bias']), [batch]); // [B,1] → [B]
    }
    const flat = tf.reshape(out.sequence, [batch * steps, this.width]); // [B*T, w]
    return tf.reshape(tf.add(tf.matMul(flat, kernel), p['d/head/bias']), [batch, steps]); // [B*T,1] → [B, T]
  }
}
