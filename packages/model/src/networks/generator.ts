/**
 * The generator of a recurrent GAN (as in C-RNN-GAN, Mogren 2016, and TimeGAN's generator block,
 * Yoon et al. 2019): noise [B, T, z] → stacked GRU → per-step linear layer → sigmoid → [B, T, F].
 * The sigmoid matches data min-max scaled to [0, 1]. Parameters live outside (the trainer owns
 * them); this class knows their names and shapes and how to apply them.
 */
import * as tf from '@tensorflow/tfjs';
import type { GruVariant } from '../gru/cell.js';
import { gruStack } from '../gru/stack.js';
import { gruStackParams, gruStackSpecs, type GruStackShape } from './gru-params.js';
import type { ParameterSpec } from './init.js';

export interface GeneratorConfig {
  /** Output features F. */
  features: number;
  /** Noise features per step z. */
  noiseDim: number;
  /** GRU units per layer. */
  hiddenSize: number;
  /** Stacked GRU layers. */
  layers: number;
  /** GRU candidate formula. */
  variant: GruVariant;
}

export class Generator {
  /** Name prefix of every parameter. */
  readonly prefix = 'g';
  private readonly stack: GruStackShape;

  constructor(readonly config: GeneratorConfig) {
    this.stack = {
      inputSize: config.noiseDim,
      units: config.hiddenSize,
      layers: config.layers,
      variant: config.variant,
      bidirectional: false,
    };
  }

  /** Every parameter, in initialisation order. */
  parameterSpecs(): ParameterSpec[] {
    return [
      ...gruStackSpecs(this.prefix, this.stack),
      { name: 'g/head/kernel', shape: [this.config.hiddenSize, this.config.features], init: 'glorot-uniform' },
      { name: 'g/head/bias', shape: [this.config.features], init: 'zeros' },
    ];
  }

  /** Maps noise [B, T, z] to samples in (0, 1), [B, T, F]. */
  apply(p: Record<string, tf.Tensor>, noise: tf.Tensor3D): tf.Tensor3D {
    const [batch, steps] = noise.shape;
    const { sequence } = gruStack(noise, gruStackParams(this.prefix, this.stack, p), this.config.variant); // [B, T, u]
    const flat = tf.reshape(sequence, [batch * steps, this.config.hiddenSize]); // [B*T, u]
    const out = tf.add(tf.matMul(flat, p['g/head/kernel'] as tf.Tensor2D), p['g/head/bias']); // [B*T, F]
    return tf.reshape(tf.sigmoid(out), [batch, steps, this.config.features]); // [B, T, F]
  }
}
