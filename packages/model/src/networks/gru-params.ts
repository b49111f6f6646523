/**
 * Naming and shapes of a GRU stack's parameters, shared by the generator and the discriminator:
 * `<prefix>/gru<k>/{kernel,recurrent_kernel,bias[,recurrent_bias]}` and, for the reversed half of a
 * bidirectional layer, `<prefix>/gru<k>_reverse/...`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { GruVariant } from '../gru/cell.js';
import type { GruLayerParams } from '../gru/cell.js';
import type { GruStackLayerParams } from '../gru/stack.js';
import type { ParameterSpec } from './init.js';

export interface GruStackShape {
  inputSize: number;
  units: number;
  layers: number;
  variant: GruVariant;
  bidirectional: boolean;
}

function directionNames(prefix: string, k: number, reverse: boolean): string {
  return `${prefix}/gru${k}${reverse ? '_reverse' : ''}`;
}

/** Parameter specs of a GRU stack, in a fixed order (initialisation draws follow it). */
export function gruStackSpecs(prefix: string, s: GruStackShape): ParameterSpec[] {
  const specs: ParameterSpec[] = [];
  const dirs = s.bidirectional ? [false, true] : [false];
  for (let k = 0; k < s.layers; k++) {
    const inputSize = k === 0 ? s.inputSize : s.units * dirs.length;
    for (const reverse of dirs) {
      const base = directionNames(prefix, k, reverse);
      specs.push({ name: `${base}/kernel`, shape: [inputSize, 3 * s.units], init: 'glorot-uniform' });
      specs.push({ name: `${base}/recurrent_kernel`, shape: [s.units, 3 * s.units], init: 'orthogonal-gates' });
      specs.push({ name: `${base}/bias`, shape: [3 * s.units], init: 'zeros' });
      if (s.variant === 'reset-after') specs.push({ name: `${base}/recurrent_bias`, shape: [3 * s.units], init: 'zeros' });
    }
  }
  return specs;
}

/** Looks up a GRU stack's tensors by name from a parameter map. */
export function gruStackParams(prefix: string, s: GruStackShape, p: Record<string, tf.Tensor>): GruStackLayerParams[] {
  const layer = (k: number, reverse: boolean): GruLayerParams => {
    const base = directionNames(prefix, k, reverse);
    return {
      kernel: p[`${base}/kernel`] as tf.Tensor2D,
      recurrentKernel: p[`${base}/recurrent_kernel`] as tf.Tensor2D,
      bias: p[`${base}/bias`] as tf.Tensor1D,
      recurrentBias: s.variant === 'reset-after' ? (p[`${base}/recurrent_bias`] as tf.Tensor1D) : undefined,
    };
  };
  const out: GruStackLayerParams[] = [];
  for (let k = 0; k < s.layers; k++) out.push({ forward: layer(k, false), backward: s.bidirectional ? layer(k, true) : undefined });
  return out;
}
