/**
 * The fused GRU op, for every implementation: values and all gradients (x, h0, W, U, b, b_u)
 * against the independent float64 reference (central finite differences) and against the
 * composite TF.js layer, on random shapes that include sizes that are not multiples of the SIMD
 * width, a non-zero initial state, random upstream gradients on both outputs, both variants and
 * both directions. Plus: partial gradients (only what the tape needs), memory, and dispatch.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { finiteDiff, maxRelError, refGruLayer, type RefLayer, type Variant } from '../gru-reference.testing.js';
import { gruLayer, gruLayerComposite, gruLayerFused } from '../layer.js';
import { nativeAddonUnavailable } from './native/addon.js';
import { FUSED_GRU_BACKENDS, clearFusedScratch, fusedScratchAllocations, fusedScratchIdleBytes, seedFusedScratch } from './op.js';
import { configureGruKernel, resolveFusedImpl } from './select.js';
import type { GruKernel } from './types.js';

/**
 * Against the float64 reference: 1e-4. Against the composite layer: 2e-4, since that is itself
 * only within 1e-4 of the reference (on the wasm backend, whose σ/tanh are approximations, it is
 * ~8e-5 off on the u = 13 shape, measured), so the two can differ by the sum of both errors.
 */
const TOL = 1e-4;

interface Dims {
  B: number;
  T: number;
  I: number;
  U: number;
}

function randomArray(rng: Rng, n: number, scale = 0.5): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

interface Case {
  dims: Dims;
  variant: Variant;
  reverse: boolean;
  x: Float64Array;
  h0: Float64Array;
  p: RefLayer;
  /** Upstream gradient of sequence ‖ final. */
  up: Float64Array;
}

function makeCase(seed: string, dims: Dims, variant: Variant, reverse: boolean): Case {
  const rng = new Rng(3, seed);
  const { B, T, I, U } = dims;
  return {
    dims,
    variant,
    reverse,
    x: randomArray(rng, B * T * I, 1),
    h0: randomArray(rng, B * U, 0.5),
    p: {
      kernel: randomArray(rng, I * 3 * U, 0.5),
      recurrentKernel: randomArray(rng, U * 3 * U, 0.5),
      bias: randomArray(rng, 3 * U, 0.2),
      recurrentBias: variant === 'reset-after' ? randomArray(rng, 3 * U, 0.2) : undefined,
    },
    up: randomArray(rng, B * T * U + B * U, 1),
  };
}

/** Leaves in the order the implementations take them. */
function leaves(c: Case): [string, Float64Array, number[]][] {
  const { B, T, I, U } = c.dims;
  const out: [string, Float64Array, number[]][] = [
    ['x', c.x, [B, T, I]],
    ['h0', c.h0, [B, U]],
    ['kernel', c.p.kernel, [I, 3 * U]],
    ['recurrentKernel', c.p.recurrentKernel, [U, 3 * U]],
    ['bias', c.p.bias, [3 * U]],
  ];
  if (c.p.recurrentBias) out.push(['recurrentBias', c.p.recurrentBias, [3 * U]]);
  return out;
}

function reference(c: Case): { out: Float64Array; grads: Float64Array[] } {
  const run = () => {
    const r = refGruLayer(c.x, c.dims, c.p, c.variant, c.reverse, c.h0);
    return Float64Array.from([...r.seq, ...r.final]);
  };
  const loss = () => run().reduce((s, v, i) => s + v * c.up[i], 0);
  return { out: run(), grads: leaves(c).map(([, v]) => finiteDiff(loss, v)) };
}

type Layer = typeof gruLayerComposite;

/** Output (sequence ‖ final) and the gradients of Σ output ⊙ up w.r.t. the leaves named in `wrt`. */
function tfjsRun(c: Case, layer: Layer, wrt?: string[]): { out: Float32Array; grads: Map<string, Float32Array> } {
  const all = leaves(c);
  const chosen = wrt ?? all.map(([n]) => n);
  const arrays = tf.tidy(() => {
    const t = new Map(all.map(([n, v, s]) => [n, tf.tensor(Float32Array.from(v), s)]));
    const up = tf.tensor(Float32Array.from(c.up));
    const f = (m: Map<string, tf.Tensor>) => {
      const o = layer(
        m.get('x') as tf.Tensor3D,
        {
          kernel: m.get('kernel') as tf.Tensor2D,
          recurrentKernel: m.get('recurrentKernel') as tf.Tensor2D,
          bias: m.get('bias') as tf.Tensor1D,
          recurrentBias: m.get('recurrentBias') as tf.Tensor1D | undefined,
        },
        { variant: c.variant, reverse: c.reverse, initialState: m.get('h0') as tf.Tensor2D },
      );
      return tf.concat([tf.reshape(o.sequence, [-1]), tf.reshape(o.final, [-1])]);
    };
    const out = Float32Array.from(f(t).dataSync());
    const g = tf.grads((...xs: tf.Tensor[]) => {
      const m = new Map(t);
      chosen.forEach((n, i) => m.set(n, xs[i]));
      return tf.sum(tf.mul(f(m), up));
    })(chosen.map((n) => t.get(n)!));
    return [out, ...g.map((x) => Float32Array.from(x.dataSync()))];
  });
  return { out: arrays[0], grads: new Map(chosen.map((n, i) => [n, arrays[i + 1]])) };
}

const fusedWith = (kernel: GruKernel): Layer => (x, p, o) => gruLayerFused(x, p, o, kernel);

// Sizes chosen to miss multiples of 4 and 8 (the SIMD widths) as well as to hit them.
const SHAPES: Dims[] = [
  { B: 2, T: 1, I: 1, U: 1 },
  { B: 3, T: 5, I: 4, U: 3 },
  { B: 2, T: 4, I: 7, U: 8 },
  { B: 5, T: 3, I: 9, U: 5 },
  { B: 6, T: 6, I: 3, U: 13 },
];

// The native kernel is optional: where its addon cannot be built here, its suites are skipped
// under a name that says why.
const nativeMissing = nativeAddonUnavailable();
const native = (threads: number): [string, () => GruKernel, string | undefined] => [
  nativeMissing ? `native (skipped: ${nativeMissing})` : `native, ${threads} BLAS thread${threads > 1 ? 's' : ''}`,
  () => resolveFusedImpl({ mode: 'fused', impl: 'native', threads }),
  nativeMissing,
];

/** Implementations under test (3 threads: more than this machine's cores, and an odd split), and why one cannot run. */
const IMPLS: [string, () => GruKernel, string | undefined][] = [
  ['ts', () => resolveFusedImpl({ mode: 'fused', impl: 'ts', threads: 1 }), undefined],
  ['wasm, 1 thread', () => resolveFusedImpl({ mode: 'fused', impl: 'wasm', threads: 1 }), undefined],
  ['wasm, 3 threads', () => resolveFusedImpl({ mode: 'fused', impl: 'wasm', threads: 3 }), undefined],
  native(1),
  native(2),
];

// The op is registered for cpu and wasm only (tensorflow keeps the composite layer; the kernels
// themselves are tested backend-free in kernels.spec.ts).
const fusedBackend = (FUSED_GRU_BACKENDS as readonly string[]).includes(tf.getBackend());

for (const [implName, getKernel, missing] of IMPLS) describe.skipIf(!fusedBackend || missing !== undefined)(`fused GRU kernel "${implName}"`, () => {
  for (const variant of ['cho2014', 'reset-after'] as Variant[]) {
    for (const reverse of [false, true]) {
      it(`${variant}${reverse ? ', reversed' : ''}: values and all gradients match the float64 reference and the composite layer`, () => {
        const kernel = getKernel();
        SHAPES.forEach((dims, k) => {
          const c = makeCase(`${variant}${reverse}${k}`, dims, variant, reverse);
          const ref = reference(c);
          const before = tf.memory().numTensors;
          const fused = tfjsRun(c, fusedWith(kernel));
          const composite = tfjsRun(c, gruLayerComposite);
          expect(tf.memory().numTensors).toBe(before);
          const tag = `${JSON.stringify(dims)}`;
          const outRef = maxRelError(fused.out, ref.out);
          const outComposite = maxRelError(fused.out, composite.out);
          expect({ tag, outRef, outComposite, ok: outRef < TOL && outComposite < 2 * TOL }).toEqual({ tag, outRef, outComposite, ok: true });
          leaves(c).forEach(([name], i) => {
            const errRef = maxRelError(fused.grads.get(name)!, ref.grads[i]);
            const errComposite = maxRelError(fused.grads.get(name)!, composite.grads.get(name)!);
            expect({ tag, name, errRef, errComposite, ok: errRef < TOL && errComposite < 2 * TOL }).toEqual({ tag, name, errRef, errComposite, ok: true });
          });
        });
      });
    }
  }

  it('computes only the gradients asked for, and they equal the full computation', () => {
    const kernel = getKernel();
    const c = makeCase('partial', { B: 4, T: 6, I: 5, U: 7 }, 'reset-after', false);
    const full = tfjsRun(c, fusedWith(kernel));
    for (const wrt of [['x'], ['kernel', 'bias'], ['recurrentKernel'], ['h0', 'recurrentBias']]) {
      const part = tfjsRun(c, fusedWith(kernel), wrt);
      for (const n of wrt) expect(part.grads.get(n)).toEqual(full.grads.get(n));
    }
  });

  it('is deterministic: the same inputs give bit-identical values and gradients', () => {
    const kernel = getKernel();
    const c = makeCase('determinism', { B: 7, T: 9, I: 6, U: 11 }, 'cho2014', true);
    const first = tfjsRun(c, fusedWith(kernel));
    for (let i = 0; i < 3; i++) {
      const again = tfjsRun(c, fusedWith(kernel));
      expect(again.out).toEqual(first.out);
      for (const [n, g] of first.grads) expect(again.grads.get(n)).toEqual(g);
    }
  });

  it('without an initial state starts from zeros, like the composite layer', () => {
    const kernel = getKernel();
    const c = makeCase('zeros', { B: 3, T: 4, I: 2, U: 6 }, 'cho2014', false);
    const run = (layer: Layer) =>
      tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(c.x), [3, 4, 2]) as tf.Tensor3D;
        const p = {
          kernel: tf.tensor(Float32Array.from(c.p.kernel), [2, 18]) as tf.Tensor2D,
          recurrentKernel: tf.tensor(Float32Array.from(c.p.recurrentKernel), [6, 18]) as tf.Tensor2D,
          bias: tf.tensor(Float32Array.from(c.p.bias), [18]) as tf.Tensor1D,
        };
        const g = tf.grads((xx: tf.Tensor) => tf.sum(tf.square(layer(xx as tf.Tensor3D, p).sequence)))([x]);
        return [Float32Array.from(layer(x, p).final.dataSync()), Float32Array.from(g[0].dataSync())];
      });
    const [fFinal, fDx] = run(fusedWith(kernel));
    const [cFinal, cDx] = run(gruLayerComposite);
    expect(maxRelError(fFinal, cFinal)).toBeLessThan(TOL);
    expect(maxRelError(fDx, cDx)).toBeLessThan(TOL);
  });
});

// The wasm backend's calls take their arrays from a pool (float32-pool.ts); reused arrays hold
// stale values, which must never reach a result.
describe.skipIf(tf.getBackend() !== 'wasm')('fused GRU op on wasm: pooled arrays', () => {
  afterEach(() => clearFusedScratch());

  for (const variant of ['cho2014', 'reset-after'] as Variant[]) {
    it(`${variant}: arrays reused from the pool, even full of NaN, give bit-identical values and gradients`, async () => {
      const kernel = resolveFusedImpl({ mode: 'fused', impl: 'auto', threads: 1 });
      const c = makeCase(`pool ${variant}`, { B: 5, T: 7, I: 4, U: 9 }, variant, true);
      clearFusedScratch();
      const first = tfjsRun(c, fusedWith(kernel));
      await Promise.resolve(); // the backward passes' arrays go back after the job that ran them
      expect(fusedScratchIdleBytes()).toBeGreaterThan(0);

      const { B, T, I, U } = c.dims;
      const lengths = [B * T * I, B * U, I * 3 * U, U * 3 * U, 3 * U, B * T * U, B * T * 3 * U, B * T * 4 * U];
      clearFusedScratch();
      seedFusedScratch(lengths.flatMap((n) => Array.from({ length: 12 }, () => new Float32Array(n).fill(Number.NaN))));
      const idle = fusedScratchIdleBytes();
      const again = tfjsRun(c, fusedWith(kernel));
      expect(fusedScratchIdleBytes()).toBeLessThan(idle); // the calls did take the NaN arrays
      expect(again.out).toEqual(first.out);
      for (const [n, g] of first.grads) expect(again.grads.get(n)).toEqual(g);
      await Promise.resolve();
      expect(fusedScratchIdleBytes()).toBe(idle);
    });
  }

  it('a synchronous loop of backward passes reuses the same arrays (no microtask needed to return them)', () => {
    const kernel = resolveFusedImpl({ mode: 'fused', impl: 'auto', threads: 1 });
    const c = makeCase('sync loop', { B: 4, T: 6, I: 3, U: 5 }, 'cho2014', false);
    clearFusedScratch();
    const first = tfjsRun(c, fusedWith(kernel));
    tfjsRun(c, fusedWith(kernel));
    const created = fusedScratchAllocations();
    for (let i = 0; i < 10; i++) {
      const again = tfjsRun(c, fusedWith(kernel));
      expect(again.grads.get('recurrentKernel')).toEqual(first.grads.get('recurrentKernel'));
    }
    expect(fusedScratchAllocations()).toBe(created);
  });
});

describe('gruLayer dispatch', () => {
  afterEach(() => configureGruKernel({}));

  const kernelsOf = async (f: () => tf.Tensor) => (await tf.profile(() => f())).kernelNames;
  const run = (twiceDifferentiable = false) => () =>
    gruLayer(tf.ones([2, 3, 4]) as tf.Tensor3D, { kernel: tf.ones([4, 6]) as tf.Tensor2D, recurrentKernel: tf.ones([2, 6]) as tf.Tensor2D, bias: tf.zeros([6]) as tf.Tensor1D }, { twiceDifferentiable }).sequence;

  it('runs the fused op on cpu and wasm, the composite layer for twiceDifferentiable and when forced', async () => {
    const fusedHere = ['cpu', 'wasm'].includes(tf.getBackend());
    expect((await kernelsOf(run())).includes('GruganGruSequence')).toBe(fusedHere);
    expect(await kernelsOf(run(true))).not.toContain('GruganGruSequence');
    configureGruKernel({ mode: 'composite' });
    expect(await kernelsOf(run())).not.toContain('GruganGruSequence');
    configureGruKernel({ mode: 'fused' });
    if (fusedHere) expect(await kernelsOf(run())).toContain('GruganGruSequence');
    else expect(() => tf.tidy(run())).toThrow(/no fused GRU kernel/);
  });

  it("'auto' picks the native kernel where its addon builds, else wasm", () => {
    const name = resolveFusedImpl({ mode: 'fused', impl: 'auto', threads: 2 }).name;
    expect(name).toBe(nativeMissing ? 'wasm×2' : 'native×2');
  });

  it('rejects an unknown mode, naming the variable', () => {
    configureGruKernel({ mode: 'fast' as never });
    expect(() => tf.tidy(run())).toThrow(/GRUGAN_GRU_KERNEL must be one of auto, fused, composite/);
  });
});
