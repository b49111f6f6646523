/**
 * TimeGAN's five networks (Yoon, Jarrett & van der Schaar, NeurIPS 2019), as in the authors' code
 * (github.com/jsyoon0823/TimeGAN, `timegan.py`): each is a GRU stack read per step by a dense
 * layer, so one class, `RecurrentBlock`, builds them all:
 *
 * | network       | prefix | input → output            | GRU layers   | head    |
 * |---------------|--------|---------------------------|--------------|---------|
 * | embedder      | `e`    | X [B,T,F] → H [B,T,h]     | layers       | sigmoid |
 * | recovery      | `r`    | H [B,T,h] → X̃ [B,T,F]     | layers       | sigmoid |
 * | generator     | `g`    | Z [B,T,z] → Ê [B,T,h]     | layers       | sigmoid |
 * | supervisor    | `s`    | H [B,T,h] → H [B,T,h]     | layers − 1   | sigmoid |
 * | discriminator | `d`    | H [B,T,h] → logits [B,T]  | layers       | linear  |
 *
 * With `data.conditioning`, the label's one-hot vector is appended to every step of the
 * generator's and the discriminator's inputs (widths z + K and h + K); the autoencoder and the
 * supervisor are shared by all classes. The supervisor has one layer fewer (the authors' choice); with `layers` = 1 it keeps one, since
 * a stack of none is no network. The GRU is the package's `gruStack` (through `gruLayer`), the
 * same as the plain GRU-GAN's, so a faster GRU speeds up both. Parameters live outside (the
 * trainer owns them), named `<prefix>/gru<k>/...` and `<prefix>/head/{kernel,bias}`.
 */
import * as tf from '@tensorflow/tfjs';
import type { GruVariant } from '../gru/cell.js';
import { gruStack } from '../gru/stack.js';
import { gruStackParams, gruStackSpecs, type GruStackShape } from '../networks/gru-params.js';
import type { ParameterSpec } from '../networks/init.js';

export interface RecurrentBlockConfig {
  /** Name prefix of every parameter (`e`, `r`, `g`, `s`, `d`). */
  prefix: string;
  /** Input features per step. */
  inputSize: number;
  /** GRU units per layer. */
  hiddenSize: number;
  /** Stacked GRU layers. */
  layers: number;
  /** Output features per step of the dense head. */
  outputSize: number;
  /** GRU candidate formula. */
  variant: GruVariant;
  /** Squash the head's output into (0, 1): latents and min-max scaled data; off for logits. */
  sigmoid: boolean;
}

/** A GRU stack followed by a per-step dense layer (and optionally a sigmoid). */
export class RecurrentBlock {
  private readonly stack: GruStackShape;

  constructor(readonly config: RecurrentBlockConfig) {
    this.stack = { inputSize: config.inputSize, units: config.hiddenSize, layers: config.layers, variant: config.variant, bidirectional: false };
  }

  get prefix(): string {
    return this.config.prefix;
  }

  /** Every parameter, in initialisation order. */
  parameterSpecs(): ParameterSpec[] {
    const { prefix, hiddenSize, outputSize } = this.config;
    return [
      ...gruStackSpecs(prefix, this.stack),
      { name: `${prefix}/head/kernel`, shape: [hiddenSize, outputSize], init: 'glorot-uniform' },
      { name: `${prefix}/head/bias`, shape: [outputSize], init: 'zeros' },
    ];
  }

  /** Maps x [B, T, in] to [B, T, out]. Call inside `tf.tidy` or a gradient function. */
  apply(p: Record<string, tf.Tensor>, x: tf.Tensor3D): tf.Tensor3D {
    const [batch, steps] = x.shape;
    const { prefix, hiddenSize, outputSize } = this.config;
    const { sequence } = gruStack(x, gruStackParams(prefix, this.stack, p), this.config.variant); // [B, T, u]
    const flat = tf.reshape(sequence, [batch * steps, hiddenSize]); // [B*T, u]
    const out = tf.add(tf.matMul(flat, p[`${prefix}/head/kernel`] as tf.Tensor2D), p[`${prefix}/head/bias`]); // [B*T, out]
    return tf.reshape(this.config.sigmoid ? tf.sigmoid(out) : out, [batch, steps, outputSize]); // [B, T, out]
  }
}

/** Sizes shared by the five networks. */
export interface TimeGanShape {
  /** Data features F. */
  features: number;
  /** Noise features per step z (TimeGAN: F). */
  noiseDim: number;
  /** GRU units per layer, and the latent width h. */
  hiddenSize: number;
  /** GRU layers per network (the supervisor has one fewer). */
  layers: number;
  variant: GruVariant;
  /** Conditioning label classes K, one-hot appended to the generator's and the discriminator's inputs; 0 = none. */
  conditionDim?: number;
}

/** The five networks, in parameter-initialisation order. */
export interface TimeGanNetworks {
  embedder: RecurrentBlock;
  recovery: RecurrentBlock;
  generator: RecurrentBlock;
  supervisor: RecurrentBlock;
  discriminator: RecurrentBlock;
}

/** Which network each key of `TimeGanNetworks` is. */
export type TimeGanNetworkName = keyof TimeGanNetworks;
export const TIMEGAN_NETWORK_NAMES: readonly TimeGanNetworkName[] = ['embedder', 'recovery', 'generator', 'supervisor', 'discriminator'];

export function timeGanNetworks(s: TimeGanShape): TimeGanNetworks {
  const h = s.hiddenSize;
  const k = s.conditionDim ?? 0;
  const block = (prefix: string, inputSize: number, outputSize: number, layers: number, sigmoid: boolean) =>
    new RecurrentBlock({ prefix, inputSize, hiddenSize: h, layers, outputSize, variant: s.variant, sigmoid });
  return {
    embedder: block('e', s.features, h, s.layers, true),
    recovery: block('r', h, s.features, s.layers, true),
    generator: block('g', s.noiseDim + k, h, s.layers, true),
    supervisor: block('s', h, h, Math.max(1, s.layers - 1), true),
    discriminator: block('d', h + k, 1, s.layers, false),
  };
}
