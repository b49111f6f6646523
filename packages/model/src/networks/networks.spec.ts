/** Generator and discriminator shapes and parameter names; the initialisers' defining properties. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { Discriminator, Generator, initParameter, type ParameterSpec } from './index.js';

function params(specs: ParameterSpec[], seed = 1): Record<string, tf.Tensor> {
  const rng = new Rng(seed);
  return Object.fromEntries(specs.map((s) => { const v = initParameter(s, rng); return [s.name, tf.tensor(v.data, v.shape)]; }));
}

describe('networks', () => {
  it('generator: noise [B,T,z] → (0, 1) values [B,T,F]', () => {
    const g = new Generator({ features: 4, noiseDim: 2, hiddenSize: 5, layers: 2, variant: 'cho2014' });
    expect(g.parameterSpecs().map((s) => s.name)).toEqual([
      'g/gru0/kernel', 'g/gru0/recurrent_kernel', 'g/gru0/bias',
      'g/gru1/kernel', 'g/gru1/recurrent_kernel', 'g/gru1/bias',
      'g/head/kernel', 'g/head/bias',
    ]);
    const out = tf.tidy(() => g.apply(params(g.parameterSpecs()), tf.randomUniform([3, 7, 2]) as tf.Tensor3D).arraySync() as number[][][]);
    expect([out.length, out[0].length, out[0][0].length]).toEqual([3, 7, 4]);
    expect(out.flat(2).every((v) => v > 0 && v < 1)).toBe(true);
  });

  it.each([['per-step', false, [3, 7]], ['final', true, [3]]] as const)('discriminator (%s, bidirectional %s) logits shape', (output, bidirectional, shape) => {
    const d = new Discriminator({ features: 4, hiddenSize: 5, layers: 2, variant: 'reset-after', output, bidirectional });
    const shapeOut = tf.tidy(() => d.apply(params(d.parameterSpecs()), tf.randomUniform([3, 7, 4]) as tf.Tensor3D).shape);
    expect(shapeOut).toEqual(shape);
    expect(d.parameterSpecs().find((s) => s.name === 'd/head/kernel')?.shape).toEqual([bidirectional ? 10 : 5, 1]);
  });

  it('recurrent kernels are orthogonal per gate; kernels Glorot-bounded; biases zero', () => {
    const rng = new Rng(3);
    const u = 6;
    const rk = initParameter({ name: 'r', shape: [u, 3 * u], init: 'orthogonal-gates' }, rng).data;
    for (let g = 0; g < 3; g++) {
      for (let i = 0; i < u; i++) {
        for (let j = 0; j < u; j++) {
          let dot = 0;
          for (let k = 0; k < u; k++) dot += rk[i * 3 * u + g * u + k] * rk[j * 3 * u + g * u + k];
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
    const k = initParameter({ name: 'k', shape: [4, 18], init: 'glorot-uniform' }, rng).data;
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 22));
    expect(new Set(k).size).toBe(k.length);
    expect(initParameter({ name: 'b', shape: [5], init: 'zeros' }, rng).data.every((v) => v === 0)).toBe(true);
  });
});
