/**
 * Stacked (and optionally bidirectional) GRU layers, as in Keras' `Bidirectional(GRU(...))`
 * stacked with `return_sequences=True`: layer k+1 reads layer k's whole output sequence; a
 * bidirectional layer concatenates the forward and the reversed scan's outputs along features.
 */
import * as tf from '@tensorflow/tfjs';
import { GruConfigError, type GruLayerParams, type GruVariant } from './cell.js';
import { gruLayer } from './layer.js';

/** The weights of one stacked layer: a forward scan and, when bidirectional, a reversed one. */
export interface GruStackLayerParams {
  forward: GruLayerParams;
  /** Present exactly when the stack is bidirectional. */
  backward?: GruLayerParams;
}

export interface GruStackOutput {
  /** Last layer's outputs: [B, T, u], or [B, T, 2u] when bidirectional. */
  sequence: tf.Tensor3D;
  /** Last layer's final state: [B, u], or [B, 2u] (forward final ‖ backward final). */
  final: tf.Tensor2D;
}

/** Runs `layers` GRU layers over `x` [B, T, in]. Call inside `tf.tidy` or a gradient function. */
export function gruStack(
  x: tf.Tensor3D,
  layers: GruStackLayerParams[],
  variant: GruVariant = 'cho2014',
  options: { twiceDifferentiable?: boolean } = {},
): GruStackOutput {
  if (layers.length === 0) throw new GruConfigError('a GRU stack needs at least one layer');
  const bidirectional = layers[0].backward !== undefined;
  let input = x;
  let final: tf.Tensor2D | undefined;
  for (const [k, layer] of layers.entries()) {
    if ((layer.backward !== undefined) !== bidirectional) {
      throw new GruConfigError(`GRU stack layer ${k}: every layer must be bidirectional or none`);
    }
    const fw = gruLayer(input, layer.forward, { variant, ...options });
    if (layer.backward === undefined) {
      input = fw.sequence;
      final = fw.final;
    } else {
      const bw = gruLayer(input, layer.backward, { variant, reverse: true, ...options });
      input = tf.concat([fw.sequence, bw.sequence], 2); // [B, T, 2u]
      final = tf.concat([fw.final, bw.final], 1); // [B, 2u]
    }
  }
  return { sequence: input, final: final! };
}
