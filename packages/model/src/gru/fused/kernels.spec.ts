/**
 * The fused kernels below the TF.js op: both matrix products against a float64 product on odd
 * sizes, and the WebAssembly kernel's threads — the same layer on 1…4 threads, many times over,
 * must give bit-identical values and gradients (a data race would show as a difference or a
 * crash), and must agree with the TypeScript kernel. The native kernel (where its addon builds):
 * its sgemm on every transpose combination, and repeated runs on 1–3 BLAS threads.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { maxRelError } from '../gru-reference.testing.js';
import { gemm } from './gemm.js';
import { nativeAddon, nativeAddonUnavailable } from './native/addon.js';
import { blasThreadsFor, createNativeGruKernel } from './native/native-kernel.js';
import { tsGruKernel } from './ts-kernel.js';
import { savedWidth, type GruBackwardArgs, type GruKernel, type GruShape } from './types.js';
import { SharedArena } from './wasm/arena.js';
import { kernelModule } from './wasm/module.js';
import { Wasm } from './wasm/wasm-api.js';
import { createWasmGruKernel } from './wasm/wasm-kernel.js';

function random(rng: Rng, n: number, scale = 0.5): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

/** C = A·B (+ C0) in float64, A element (i, k) at a[i·sAm + k·sAk], B and C row-major. */
function naive(M: number, N: number, K: number, a: Float32Array, sAm: number, sAk: number, b: Float32Array, ldb: number, c0?: Float32Array): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = c0 ? c0[i * N + j] : 0;
      for (let k = 0; k < K; k++) s += a[i * sAm + k * sAk] * b[k * ldb + j];
      c[i * N + j] = s;
    }
  }
  return c;
}

const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 16],
  [13, 17, 300], // K crosses the 256 block
  [67, 9, 5], // M crosses the 64 block
  [5, 33, 1],
];

describe('matrix products', () => {
  it('TypeScript gemm: C = A·B and C += A·B on odd sizes and strided operands', () => {
    const rng = new Rng(1, 'ts-gemm');
    for (const [M, N, K] of SIZES) {
      const a = random(rng, M * (K + 2));
      const b = random(rng, K * (N + 3));
      const c0 = random(rng, M * N);
      const c = Float32Array.from(c0);
      gemm(M, N, K, { data: a, off: 1, ld: K + 2 }, { data: b, off: 2, ld: N + 3 }, { data: c, off: 0, ld: N }, true);
      const want = naive(M, N, K, a.subarray(1), K + 2, 1, b.subarray(2), N + 3, c0);
      expect({ size: [M, N, K], err: maxRelError(c, want) < 1e-5 }).toEqual({ size: [M, N, K], err: true });
    }
  });

  it('WebAssembly gemm: packed B with a k offset, A read transposed, accumulate, on odd sizes', () => {
    const module = kernelModule();
    const probe = new Wasm.Instance(module, { env: { memory: new Wasm.Memory({ initial: 1, maximum: 65536, shared: true }) } });
    const arena = new SharedArena((probe.exports.heapBase as () => number)());
    const e = new Wasm.Instance(module, { env: { memory: arena.memory } }).exports as Record<string, (...a: number[]) => number>;
    const rng = new Rng(2, 'wasm-gemm');
    for (const [M, N, K] of SIZES) {
      for (const accumulate of [0, 1]) {
        arena.reset();
        const k0 = 3; // B holds 3 extra rows on top, skipped through the k offset
        const at = random(rng, K * M); // A stored transposed: element (i, k) at k·M + i
        const b = random(rng, (K + k0) * N);
        const c0 = random(rng, M * N);
        const pa = arena.put(at);
        const pb = arena.put(b);
        const bp = arena.alloc(e.packedBFloats(K + k0, N));
        e.packB(K + k0, N, pb, N, 1, bp, 0, Math.ceil(N / 8));
        const pc = arena.put(c0);
        e.gemm(M, N, K, pa, 1, M, bp, K + k0, k0, pc, N, accumulate, arena.alloc(e.gemmScratchFloats()));
        const c = new Float32Array(M * N);
        arena.get(pc, c);
        const want = naive(M, N, K, at, 1, M, b.subarray(k0 * N), N, accumulate ? c0 : undefined);
        // Sums run in float32 here (float64 in the TypeScript product): 300 terms cost ~5e-5.
        const err = maxRelError(c, want);
        expect({ size: [M, N, K], accumulate, err, ok: err < 2e-4 }).toEqual({ size: [M, N, K], accumulate, err, ok: true });
      }
    }
  });
});

interface LayerRun {
  sequence: Float32Array;
  final: Float32Array;
  grads: Float32Array[];
}

/**
 * Forward and every gradient of one layer through the kernel interface. Output arrays and the
 * backward pass's scratch arrays start filled with `stale` (as arrays reused from a pool hold
 * whatever was written last).
 */
function runLayer(kernel: GruKernel, shape: GruShape, seed: string, stale = 0): LayerRun {
  const rng = new Rng(5, seed);
  const { batch: B, steps: T, inputSize: I, units: u } = shape;
  const args = {
    x: random(rng, B * T * I, 1),
    h0: random(rng, B * u),
    kernel: random(rng, I * 3 * u, 0.3),
    recurrentKernel: random(rng, u * 3 * u, 0.3),
    bias: random(rng, 3 * u, 0.2),
    recurrentBias: shape.variant === 'reset-after' ? random(rng, 3 * u, 0.2) : undefined,
  };
  const array = (n: number) => new Float32Array(n).fill(stale);
  const out = { sequence: array(B * T * u), final: array(B * u), saved: array(B * T * savedWidth(shape)) };
  kernel.forward(shape, args, out);
  const back: GruBackwardArgs = { ...args, sequence: out.sequence, saved: out.saved, dSequence: random(rng, B * T * u), dFinal: random(rng, B * u) };
  const g = kernel.backward(shape, back, { take: array });
  const sizes = [B * T * I, B * u, I * 3 * u, u * 3 * u, 3 * u, 3 * u];
  const grads = sizes.map(array);
  // Asked for in a different order from the op's, to show the results do not depend on it.
  g.dRecurrentKernel(grads[3]);
  g.dKernel(grads[2]);
  g.dx(grads[0]);
  g.dh0(grads[1]);
  g.dBias(grads[4]);
  if (shape.variant === 'reset-after') g.dRecurrentBias(grads[5]);
  return { sequence: out.sequence, final: out.final, grads };
}

// Large enough to be split over threads, and odd everywhere (not multiples of 4 or 8).
const THREAD_SHAPES: GruShape[] = [
  { batch: 37, steps: 11, inputSize: 19, units: 29, variant: 'cho2014', reverse: false },
  { batch: 21, steps: 9, inputSize: 5, units: 45, variant: 'reset-after', reverse: true },
  { batch: 9, steps: 30, inputSize: 33, units: 17, variant: 'reset-after', reverse: false },
  { batch: 3, steps: 40, inputSize: 20, units: 41, variant: 'cho2014', reverse: true }, // fewer chunks than threads
];

const nativeMissing = nativeAddonUnavailable();
const nativeTitle = (what: string) => (nativeMissing ? `${what} (skipped: ${nativeMissing})` : what);

describe.skipIf(nativeMissing !== undefined)(nativeTitle('native addon'), () => {
  it('sgemm: C = op(A)·op(B) + beta·C for every transpose pair, odd sizes, offsets and strides', () => {
    const addon = nativeAddon();
    const rng = new Rng(3, 'native-gemm');
    for (const [M, N, K] of SIZES) {
      for (const [ta, tb] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        for (const beta of [0, 1]) {
          // Stored shapes: A [M, K] or, transposed, [K, M]; B [K, N] or [N, K]; each with 2 spare columns and an offset.
          const [ar, ac] = ta ? [K, M] : [M, K];
          const [br, bc] = tb ? [N, K] : [K, N];
          const a = random(rng, 1 + ar * (ac + 2));
          const b = random(rng, 3 + br * (bc + 2));
          const c0 = random(rng, M * N);
          const c = Float32Array.from(c0);
          addon.sgemm(ta, tb, M, N, K, a, 1, ac + 2, b, 3, bc + 2, beta, c, 0, N);
          // The same product with A as (i, k) strides and B materialised row-major [K, N].
          const bRowMajor = new Float32Array(K * N);
          for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) bRowMajor[k * N + j] = tb ? b[3 + j * (bc + 2) + k] : b[3 + k * (bc + 2) + j];
          const want = naive(M, N, K, a.subarray(1), ta ? 1 : ac + 2, ta ? ac + 2 : 1, bRowMajor, N, beta ? c0 : undefined);
          const err = maxRelError(c, want);
          // Float32 sums, as in the WebAssembly product: 300 terms cost ~1e-4 under this metric.
          expect({ size: [M, N, K], ta, tb, beta, err, ok: err < 2e-4 }).toEqual({ size: [M, N, K], ta, tb, beta, err, ok: true });
        }
      }
    }
  });

  it('rejects arrays too short for the sizes given, before touching memory', () => {
    const addon = nativeAddon();
    const small = new Float32Array(5);
    expect(() => addon.sgemm(0, 0, 2, 2, 2, small, 2, 2, small, 0, 2, 0, small, 0, 2)).toThrow(/A is too short/);
    expect(() => addon.columnSums(3, 2, small, 0, 2, small, 0)).toThrow(/m is too short/);
    expect(() => addon.gruForward(2, 2, 2, 2, 0, 0, small, null, small, small, small, null, small, small, small)).toThrow(/too short/);
  });
});

/** Layers large enough (≥ 16.8 MFLOP per step product) that the native kernel really uses several BLAS threads. */
const NATIVE_THREAD_SHAPES: GruShape[] = [
  ...THREAD_SHAPES,
  { batch: 171, steps: 4, inputSize: 23, units: 131, variant: 'cho2014', reverse: false },
  { batch: 150, steps: 3, inputSize: 9, units: 139, variant: 'reset-after', reverse: true },
];

describe.skipIf(nativeMissing !== undefined)(nativeTitle('native kernel threads'), () => {
  const kernels = [1, 2, 3].map((n) => (nativeMissing ? undefined : createNativeGruKernel(n)));

  it('the large shapes do run on several threads', () => {
    for (const shape of NATIVE_THREAD_SHAPES.slice(THREAD_SHAPES.length)) expect(blasThreadsFor(shape, 3)).toBe(3);
  });

  for (const shape of NATIVE_THREAD_SHAPES) {
    it(`${shape.variant}${shape.reverse ? ', reversed' : ''}, B${shape.batch} T${shape.steps} in${shape.inputSize} u${shape.units}: bit-identical run after run on 1–3 BLAS threads, and equal to the TypeScript kernel`, () => {
      const seed = JSON.stringify(shape);
      const ts = runLayer(tsGruKernel, shape, seed);
      for (const k of kernels) {
        const first = runLayer(k!, shape, seed);
        for (let rep = 0; rep < 4; rep++) {
          const again = runLayer(k!, shape, seed);
          expect(again.sequence).toEqual(first.sequence);
          expect(again.final).toEqual(first.final);
          again.grads.forEach((g, i) => expect(g).toEqual(first.grads[i]));
        }
        // As for the WebAssembly kernel below: float32 rounding alone reaches ~1e-4 here.
        expect(maxRelError(first.sequence, ts.sequence)).toBeLessThan(1e-3);
        expect(maxRelError(first.final, ts.final)).toBeLessThan(1e-3);
        ts.grads.forEach((g, i) => {
          const err = maxRelError(first.grads[i], g);
          expect({ grad: i, err, ok: err < 1e-3 }).toEqual({ grad: i, err, ok: true });
        });
      }
    });
  }
});

describe('kernel outputs', () => {
  const impls: [string, () => GruKernel][] = [
    ['ts', () => tsGruKernel],
    ['wasm', () => createWasmGruKernel(2)],
    ...(nativeMissing ? [] : [['native', () => createNativeGruKernel(1)] as [string, () => GruKernel]]),
  ];
  for (const [name, kernel] of impls) {
    it(`${name}: every output and scratch array is written in full before it is read (stale contents change nothing)`, () => {
      for (const shape of THREAD_SHAPES.slice(0, 2)) {
        const seed = `stale ${JSON.stringify(shape)}`;
        const clean = runLayer(kernel(), shape, seed);
        const stale = runLayer(kernel(), shape, seed, Number.NaN);
        expect(stale.sequence).toEqual(clean.sequence);
        expect(stale.final).toEqual(clean.final);
        stale.grads.forEach((g, i) => (shape.variant === 'reset-after' || i !== 5) && expect(g).toEqual(clean.grads[i]));
      }
    });
  }
});

describe('BLAS threads per layer', () => {
  it('small recurrent products run on one thread, large ones on all allowed', () => {
    expect(blasThreadsFor({ batch: 128, units: 24 }, 2)).toBe(1); // bench:speed S
    expect(blasThreadsFor({ batch: 64, units: 128 }, 2)).toBe(1); // M
    expect(blasThreadsFor({ batch: 128, units: 128 }, 2)).toBe(1); // M's discriminator step: real and fake as one batch
    expect(blasThreadsFor({ batch: 32, units: 512 }, 4)).toBe(4); // L
    expect(blasThreadsFor({ batch: 32, units: 512 }, 1)).toBe(1);
  });
});

describe('WebAssembly kernel threads', () => {
  const kernels = [1, 2, 3, 4].map((n) => createWasmGruKernel(n));

  for (const shape of THREAD_SHAPES) {
    it(`${shape.variant}${shape.reverse ? ', reversed' : ''}, B${shape.batch} T${shape.steps} in${shape.inputSize} u${shape.units}: bit-identical on 1–4 threads, run after run, and equal to the TypeScript kernel`, () => {
      const seed = JSON.stringify(shape);
      const first = runLayer(kernels[0], shape, seed);
      for (const k of kernels) {
        for (let rep = 0; rep < 5; rep++) {
          const again = runLayer(k, shape, seed);
          expect(again.sequence).toEqual(first.sequence);
          expect(again.final).toEqual(first.final);
          again.grads.forEach((g, i) => expect(g).toEqual(first.grads[i]));
        }
      }
      // Two float32 implementations of a 10–30-step recurrence: at these sizes rounding alone
      // reaches ~1e-4 under this metric (measured against the float64 reference on the first
      // shape: TypeScript 6.4e-5, WebAssembly 8.5e-5). The 1e-4 checks are in fused.spec.ts.
      const ts = runLayer(tsGruKernel, shape, seed);
      expect(maxRelError(first.sequence, ts.sequence)).toBeLessThan(1e-3);
      expect(maxRelError(first.final, ts.final)).toBeLessThan(1e-3);
      ts.grads.forEach((g, i) => {
        const err = maxRelError(first.grads[i], g);
        expect({ grad: i, err, ok: err < 1e-3 }).toEqual({ grad: i, err, ok: true });
      });
    });
  }
});
