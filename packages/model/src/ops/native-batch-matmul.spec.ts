/**
 * The native BatchMatMul on the wasm backend against the kernel it replaces: every transpose
 * pair, batch broadcasting, odd sizes, and a matMul gradient (the transposed products it exists
 * for). Runs on the wasm backend where the native addon builds; skipped elsewhere, saying why.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxRelError } from '../gru/gru-reference.testing.js';
import { nativeAddonUnavailable } from '../gru/fused/native/addon.js';
import { resolveFusedImpl } from '../gru/fused/select.js';
import { Rng } from '../rng.js';

const why = tf.getBackend() !== 'wasm' ? `backend is ${tf.getBackend()}, not wasm` : nativeAddonUnavailable();

function random(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

/** [a shape, b shape, transposeA, transposeB] */
const CASES: [number[], number[], boolean, boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[7, 5], [7, 3], true, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [3, 7], true, true],
  [[300, 13], [300, 1], true, false], // xᵀ·dy of a per-step head's gradient
  [[300, 1], [13, 1], false, true], // dy·Wᵀ
  [[4, 6, 9], [4, 9, 2], false, false],
  [[4, 6, 9], [1, 9, 2], false, false], // B broadcast over the batch
  [[1, 9, 6], [3, 2, 9], true, true], // A broadcast
];

describe.skipIf(why !== undefined)(why ? `native BatchMatMul (skipped: ${why})` : 'native BatchMatMul on the wasm backend', () => {
  it('is registered with the native GRU kernel and equals the wasm kernel it replaces, for every transpose pair and broadcast batch, and in a gradient', () => {
    const rng = new Rng(4, 'native-matmul');
    const inputs = CASES.map(([sa, sb]) => [random(rng, sa), random(rng, sb)]);
    const w = random(rng, [13, 1]);
    const arrays = () =>
      tf.tidy(() => ({
        products: CASES.map(([, , ta, tb], i) => tf.matMul(inputs[i][0], inputs[i][1], ta, tb).dataSync() as Float32Array),
        // A per-step head: loss = Σ (x·w)², so the gradient runs dy·wᵀ and xᵀ·dy.
        gradient: tf.grads((x: tf.Tensor, k: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, k))))([inputs[4][0], w]).map((g) => g.dataSync() as Float32Array),
      }));
    const before = arrays();
    const wasmKernel = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
    resolveFusedImpl({ mode: 'fused', impl: 'native', threads: 2 });
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc).not.toBe(wasmKernel);
    const tensors = tf.memory().numTensors;
    const after = arrays();
    expect(tf.memory().numTensors).toBe(tensors);
    after.products.forEach((p, i) => {
      const err = maxRelError(p, before.products[i]);
      expect({ case: CASES[i], err, ok: err < 1e-5 }).toEqual({ case: CASES[i], err, ok: true });
    });
    // Two float32 chains (product, square, sum, and back) summing 300 terms in different orders.
    after.gradient.forEach((g, i) => expect(maxRelError(g, before.gradient[i])).toBeLessThan(2e-4));
  });
});
