/**
 * GRU values and gradients (w.r.t. inputs, initial state and every weight) against the
 * independent float64 reference in `gru-reference.testing.ts`, differentiated by central
 * finite differences, on random inputs: both variants, one layer (both directions, non-zero
 * initial state), a stack, and a bidirectional stack.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { GruConfigError, gruLayer, gruStack, type GruLayerParams, type GruStackLayerParams } from './index.js';
import { finiteDiff, maxRelError, refGruLayer, type RefLayer, type Variant } from './gru-reference.testing.js';

const TOL = 1e-4;

function randomArray(rng: Rng, n: number, scale = 0.5): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

function randomLayer(rng: Rng, I: number, U: number, variant: Variant): RefLayer {
  return {
    kernel: randomArray(rng, I * 3 * U),
    recurrentKernel: randomArray(rng, U * 3 * U),
    bias: randomArray(rng, 3 * U, 0.2),
    recurrentBias: variant === 'reset-after' ? randomArray(rng, 3 * U, 0.2) : undefined,
  };
}

const f32 = (a: Float64Array, shape: number[]) => tf.tensor(Float32Array.from(a), shape);

function layerTensors(p: RefLayer, I: number, U: number): GruLayerParams {
  return {
    kernel: f32(p.kernel, [I, 3 * U]) as tf.Tensor2D,
    recurrentKernel: f32(p.recurrentKernel, [U, 3 * U]) as tf.Tensor2D,
    bias: f32(p.bias, [3 * U]) as tf.Tensor1D,
    recurrentBias: p.recurrentBias ? (f32(p.recurrentBias, [3 * U]) as tf.Tensor1D) : undefined,
  };
}

/** Named float64 arrays a test differentiates, in a fixed order. */
type Leaves = [string, Float64Array][];

function layerLeaves(prefix: string, p: RefLayer): Leaves {
  const out: Leaves = [
    [`${prefix}.kernel`, p.kernel],
    [`${prefix}.recurrentKernel`, p.recurrentKernel],
    [`${prefix}.bias`, p.bias],
  ];
  if (p.recurrentBias) out.push([`${prefix}.recurrentBias`, p.recurrentBias]);
  return out;
}

/**
 * Checks the value and every gradient of L = Σ outputs ⊙ R (R random upstream weights).
 * `reference` computes L's float64 pieces; `implementation` builds the TF.js outputs from tensors
 * made of `leaves` (same order).
 */
function checkAgainstReference(
  leaves: Leaves,
  reference: () => Float64Array,
  implementation: (inputs: tf.Tensor[]) => tf.Tensor,
  upstream: Float64Array,
  shapes: number[][],
) {
  const refOut = reference();
  const refLoss = () => {
    const o = reference();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * upstream[i];
    return s;
  };
  const refGrads = leaves.map(([, v]) => finiteDiff(refLoss, v));

  const before = tf.memory().numTensors;
  const { out, grads } = tf.tidy(() => {
    const inputs = leaves.map(([, v], i) => f32(v, shapes[i]));
    const up = tf.tensor(Float32Array.from(upstream));
    const forward = implementation(inputs);
    const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(tf.reshape(implementation(xs), [-1]), up)))(inputs);
    return { out: Float32Array.from(forward.dataSync()), grads: g.map((t) => Float32Array.from(t.dataSync())) };
  });
  expect(tf.memory().numTensors).toBe(before);
  expect(maxRelError(out, refOut)).toBeLessThan(TOL);
  leaves.forEach(([name], i) => {
    const err = maxRelError(grads[i], refGrads[i]);
    expect({ name, err, ok: err < TOL }).toEqual({ name, err, ok: true });
  });
}

describe.each(['cho2014', 'reset-after'] as Variant[])('GRU (%s) against a float64 reference', (variant) => {
  it('one layer, forward and reversed, with a non-zero initial state: values and all gradients', () => {
    const B = 3, T = 5, I = 4, U = 3;
    const rng = new Rng(7, variant);
    for (const reverse of [false, true]) {
      const x = randomArray(rng, B * T * I, 1);
      const h0 = randomArray(rng, B * U, 0.5);
      const p = randomLayer(rng, I, U, variant);
      const leaves: Leaves = [['x', x], ['h0', h0], ...layerLeaves('layer', p)];
      const shapes = [[B, T, I], [B, U], [I, 3 * U], [U, 3 * U], [3 * U], [3 * U]];
      // Output = sequence ‖ final state, so the final state's gradient path is checked too.
      const reference = () => {
        const r = refGruLayer(x, { B, T, I, U }, p, variant, reverse, h0);
        return Float64Array.from([...r.seq, ...r.final]);
      };
      const implementation = ([xt, ht, k, rk, b, rb]: tf.Tensor[]) => {
        const o = gruLayer(xt as tf.Tensor3D, { kernel: k as tf.Tensor2D, recurrentKernel: rk as tf.Tensor2D, bias: b as tf.Tensor1D, recurrentBias: rb as tf.Tensor1D | undefined }, {
          variant,
          reverse,
          initialState: ht as tf.Tensor2D,
        });
        return tf.concat([tf.reshape(o.sequence, [-1]), tf.reshape(o.final, [-1])]);
      };
      checkAgainstReference(leaves, reference, implementation, randomArray(rng, B * T * U + B * U, 1), shapes);
    }
  });

  for (const bidirectional of [false, true]) {
    it(`a ${bidirectional ? 'bidirectional' : 'stacked'} 2-layer stack: values and all gradients`, () => {
      const B = 2, T = 4, I = 3, U = 3, L = 2;
      const dirs = bidirectional ? 2 : 1;
      const rng = new Rng(11, `${variant}${bidirectional}`);
      const x = randomArray(rng, B * T * I, 1);
      const layers: { fw: RefLayer; bw?: RefLayer }[] = [];
      for (let k = 0; k < L; k++) {
        const inSize = k === 0 ? I : U * dirs;
        layers.push({ fw: randomLayer(rng, inSize, U, variant), bw: bidirectional ? randomLayer(rng, inSize, U, variant) : undefined });
      }
      const leaves: Leaves = [['x', x]];
      const shapes: number[][] = [[B, T, I]];
      layers.forEach((l, k) => {
        const inSize = k === 0 ? I : U * dirs;
        for (const [dir, p] of [['fw', l.fw], ['bw', l.bw]] as const) {
          if (!p) continue;
          for (const leaf of layerLeaves(`layer${k}.${dir}`, p)) leaves.push(leaf);
          shapes.push([inSize, 3 * U], [U, 3 * U], [3 * U]);
          if (p.recurrentBias) shapes.push([3 * U]);
        }
      });
      const reference = () => {
        let input: Float64Array = x;
        let inSize = I;
        let final: Float64Array = new Float64Array(0);
        for (const l of layers) {
          const fw = refGruLayer(input, { B, T, I: inSize, U }, l.fw, variant);
          if (!l.bw) {
            input = fw.seq;
            final = fw.final;
          } else {
            const bw = refGruLayer(input, { B, T, I: inSize, U }, l.bw, variant, true);
            const cat = new Float64Array(B * T * 2 * U);
            for (let bt = 0; bt < B * T; bt++) {
              for (let j = 0; j < U; j++) {
                cat[bt * 2 * U + j] = fw.seq[bt * U + j];
                cat[bt * 2 * U + U + j] = bw.seq[bt * U + j];
              }
            }
            input = cat;
            final = new Float64Array(B * 2 * U);
            for (let b = 0; b < B; b++) {
              for (let j = 0; j < U; j++) {
                final[b * 2 * U + j] = fw.final[b * U + j];
                final[b * 2 * U + U + j] = bw.final[b * U + j];
              }
            }
          }
          inSize = U * dirs;
        }
        return Float64Array.from([...input, ...final]);
      };
      const implementation = (inputs: tf.Tensor[]) => {
        let i = 1;
        const take = (): GruLayerParams => {
          const kernel = inputs[i++] as tf.Tensor2D;
          const recurrentKernel = inputs[i++] as tf.Tensor2D;
          const bias = inputs[i++] as tf.Tensor1D;
          const recurrentBias = variant === 'reset-after' ? (inputs[i++] as tf.Tensor1D) : undefined;
          return { kernel, recurrentKernel, bias, recurrentBias };
        };
        const params: GruStackLayerParams[] = layers.map(() => {
          const forward = take();
          return { forward, backward: bidirectional ? take() : undefined };
        });
        const o = gruStack(inputs[0] as tf.Tensor3D, params, variant);
        return tf.concat([tf.reshape(o.sequence, [-1]), tf.reshape(o.final, [-1])]);
      };
      const outLen = B * T * U * dirs + B * U * dirs;
      checkAgainstReference(leaves, reference, implementation, randomArray(rng, outLen, 1), shapes);
    });
  }
});

describe('GRU configuration errors', () => {
  it('rejects weights of the wrong shape, naming the weight', () => {
    tf.tidy(() => {
      const x = tf.zeros([1, 2, 3]) as tf.Tensor3D;
      const bad = { kernel: tf.zeros([4, 6]) as tf.Tensor2D, recurrentKernel: tf.zeros([2, 6]) as tf.Tensor2D, bias: tf.zeros([6]) as tf.Tensor1D };
      expect(() => gruLayer(x, bad)).toThrow(GruConfigError);
      expect(() => gruLayer(x, bad)).toThrow(/kernel must have shape \[3,6\]/);
      const ok = { ...bad, kernel: tf.zeros([3, 6]) as tf.Tensor2D };
      expect(() => gruLayer(x, ok, { variant: 'reset-after' })).toThrow(/recurrentBias/);
      expect(() => gruLayer(x, ok, { variant: 'lstm' as never })).toThrow(/unknown GRU variant/);
    });
  });
});
