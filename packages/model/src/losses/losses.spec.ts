/** Each GAN loss on hand-computed values, and the WGAN-GP penalty on critics with known gradients. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { discriminatorLoss, generatorLoss, gradientPenalty, UnknownLossError, type GanLossKind } from './index.js';
import { gruLayer } from '../gru/index.js';

const real = [0, 2, -1, 0.5]; // D logits on real data
const fake = [-1, 1, 3, -0.5]; // D logits on generated data
const sp = (x: number) => Math.log(1 + Math.exp(x)); // softplus
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

/** Expected [D loss, G loss] per kind, from the formulas in gan-losses.ts written out by hand. */
const expected: Record<GanLossKind, [number, number]> = {
  ns: [mean(real.map((r) => sp(-r))) + mean(fake.map(sp)), mean(fake.map((f) => sp(-f)))],
  minimax: [mean(real.map((r) => sp(-r))) + mean(fake.map(sp)), mean(fake.map((f) => Math.log(1 - 1 / (1 + Math.exp(-f)))))],
  'wgan-gp': [(-1 + 1 + 3 - 0.5) / 4 - (0 + 2 - 1 + 0.5) / 4, -(-1 + 1 + 3 - 0.5) / 4],
  lsgan: [0.5 * ((1 + 1 + 4 + 0.25) / 4) + 0.5 * ((1 + 1 + 9 + 0.25) / 4), 0.5 * ((4 + 0 + 4 + 2.25) / 4)],
  hinge: [(1 + 0 + 2 + 0.5) / 4 + (0 + 2 + 4 + 0.5) / 4, -(-1 + 1 + 3 - 0.5) / 4],
};

describe('GAN losses on hand-computed values', () => {
  it.each(Object.keys(expected) as GanLossKind[])('%s', (kind) => {
    const [d, g] = tf.tidy(() => {
      // Logits as [B=2, T=2] per-step values: the loss is a mean over all of them.
      const r = tf.tensor2d(real, [2, 2]);
      const f = tf.tensor2d(fake, [2, 2]);
      return [discriminatorLoss(kind, r, f).dataSync()[0], generatorLoss(kind, f).dataSync()[0]];
    });
    expect(d).toBeCloseTo(expected[kind][0], 5);
    expect(g).toBeCloseTo(expected[kind][1], 5);
  });

  it('ns and minimax stay finite for huge logits', () => {
    const [d, g] = tf.tidy(() => {
      const r = tf.tensor1d([-200, 200]);
      const f = tf.tensor1d([200, -200]);
      return [discriminatorLoss('ns', r, f).dataSync()[0], generatorLoss('minimax', f).dataSync()[0]];
    });
    expect(d).toBeCloseTo(200, 3); // (200 + 0)/2 + (200 + 0)/2
    expect(g).toBeCloseTo(-100, 3);
  });

  it('rejects an unknown loss by name', () => {
    tf.tidy(() => {
      expect(() => generatorLoss('bogus' as GanLossKind, tf.zeros([2]))).toThrow(UnknownLossError);
    });
  });
});

describe('WGAN-GP gradient penalty', () => {
  it('equals (‖w‖/√T − 1)² for a linear per-step critic, whatever ε', () => {
    const B = 3, T = 4, F = 2;
    const w = [0.6, -2.5];
    const gp = tf.tidy(() => {
      const wt = tf.tensor2d(w, [F, 1]);
      const critic = (x: tf.Tensor3D) => tf.reshape(tf.matMul(tf.reshape(x, [B * T, F]), wt), [B, T]);
      const real = tf.randomUniform([B, T, F], 0, 1, 'float32', 1) as tf.Tensor3D;
      const fake = tf.randomUniform([B, T, F], 0, 1, 'float32', 2) as tf.Tensor3D;
      return gradientPenalty(critic, real, fake, tf.tensor1d([0, 0.3, 1])).dataSync()[0];
    });
    // ∂(mean_t Σ_f x_tf w_f)/∂x_tf = w_f / T, so ‖∇‖ = √(T · ‖w‖² / T²) = ‖w‖ / √T.
    const norm = Math.hypot(...w) / Math.sqrt(T);
    expect(gp).toBeCloseTo((norm - 1) ** 2, 5);
  });

  it('differentiates through a GRU critic: second-order gradient matches finite differences', () => {
    const B = 2, T = 3, F = 2, U = 3;
    const k = tf.randomNormal([F, 3 * U], 0, 1.5, 'float32', 3);
    const rk = tf.randomNormal([U, 3 * U], 0, 0.8, 'float32', 4);
    const head = tf.randomNormal([U, 1], 0, 1, 'float32', 5);
    const real = tf.randomUniform([B, T, F], 0, 1, 'float32', 6) as tf.Tensor3D;
    const fake = tf.randomUniform([B, T, F], 0, 1, 'float32', 7) as tf.Tensor3D;
    const eps = tf.tensor1d([0.25, 0.75]);
    const bias = tf.zeros([3 * U]) as tf.Tensor1D;
    const gpOf = (kernel: tf.Tensor) =>
      gradientPenalty(
        (x) => {
          const o = gruLayer(x, { kernel: kernel as tf.Tensor2D, recurrentKernel: rk as tf.Tensor2D, bias }, { twiceDifferentiable: true });
          return tf.reshape(tf.matMul(tf.reshape(o.sequence, [B * T, U]), head as tf.Tensor2D), [B, T]);
        },
        real,
        fake,
        eps,
      );
    const analytic = tf.tidy(() => tf.grad(gpOf)(k).dataSync());
    const base = k.dataSync();
    const h = 1e-2;
    let worst = 0;
    let scale = 0;
    for (const i of [0, 4, 9, 13, 17]) {
      const up = Float32Array.from(base);
      const down = Float32Array.from(base);
      up[i] += h;
      down[i] -= h;
      const fd = tf.tidy(() => (gpOf(tf.tensor2d(up, [F, 3 * U])).dataSync()[0] - gpOf(tf.tensor2d(down, [F, 3 * U])).dataSync()[0]) / (2 * h));
      worst = Math.max(worst, Math.abs(fd - analytic[i]));
      scale = Math.max(scale, Math.abs(fd));
    }
    expect(scale).toBeGreaterThan(1e-3); // the penalty really depends on the GRU's weights
    // float32 central differences with h = 1e-2: truncation + rounding error ≈ 1e-3 relative.
    expect(worst / scale).toBeLessThan(2e-2);
    tf.dispose([k, rk, head, real, fake, eps, bias]);
  });
});
