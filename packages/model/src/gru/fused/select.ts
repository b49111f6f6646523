/**
 * Which GRU implementation `gruLayer` runs, from the environment or `configureGruKernel`:
 *
 *   GRUGAN_GRU_KERNEL  = auto | fused | composite   (default auto)
 *     auto       the fused op on the backends it is registered for (cpu, wasm), else composite
 *     fused      the same, but an error on a backend without it, so that a benchmark or a test
 *                cannot silently measure the composite path
 *     composite  always the TF.js-op layer
 *   GRUGAN_GRU_IMPL    = auto | native | wasm | ts  (default auto: the fastest that loads, in that
 *                                                   order; one log line when it falls back)
 *   GRUGAN_GRU_THREADS = n ≥ 1                      (threads of the native (BLAS) and wasm kernels;
 *                                                   default: available cores, at most 8)
 *
 * A call with `twiceDifferentiable` always takes the composite path: the fused gradient is
 * computed outside TF.js' tape, so it cannot be differentiated again (WGAN-GP needs that).
 */
import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { FUSED_GRU_BACKENDS } from './op.js';
import { tsGruKernel } from './ts-kernel.js';
import type { GruKernel } from './types.js';
import { registerNativeBatchMatMul } from '../../ops/native-batch-matmul.js';
import { keepFreedMemory, nativeAddon, nativeAddonUnavailable } from './native/addon.js';
import { createNativeGruKernel } from './native/native-kernel.js';
import { createWasmGruKernel } from './wasm/wasm-kernel.js';

export const GRU_KERNEL_ENV = 'GRUGAN_GRU_KERNEL';
export const GRU_IMPL_ENV = 'GRUGAN_GRU_IMPL';
export const GRU_THREADS_ENV = 'GRUGAN_GRU_THREADS';

export const GRU_KERNEL_MODES = ['auto', 'fused', 'composite'] as const;
export type GruKernelMode = (typeof GRU_KERNEL_MODES)[number];
export const FUSED_GRU_IMPLS = ['auto', 'native', 'wasm', 'ts'] as const;
export type FusedGruImpl = (typeof FUSED_GRU_IMPLS)[number];

/** The choice in force. */
export interface GruKernelConfig {
  /** Fused or composite (see the file comment). */
  mode: GruKernelMode;
  /** Which fused implementation. */
  impl: FusedGruImpl;
  /** Threads of the native (BLAS) and wasm implementations (the calling thread included). */
  threads: number;
}

/** Thrown for an unknown mode/implementation or a fused request the backend cannot meet. */
export class GruKernelError extends Error {
  readonly code = 'ERR_GRU_KERNEL';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GruKernelError';
  }
}

/**
 * Implementations that load on first use (and may fail to), fastest first: the order 'auto'
 * tries them in before it falls back to ts. Native before wasm: on S, M and L training
 * iterations it measured faster (packages/model/bench/RESULTS.md). Where the native kernel
 * loads, the wasm backend's matrix products move to its BLAS too (src/ops/native-batch-matmul.ts).
 */
const loaders: Record<string, (threads: number) => GruKernel> = {
  native: (threads) => {
    const kernel = createNativeGruKernel(threads);
    registerNativeBatchMatMul(nativeAddon());
    keepFreedMemory(nativeAddon());
    return kernel;
  },
  wasm: createWasmGruKernel,
};
const AUTO_ORDER = ['native', 'wasm'] as const;
const loaded = new Map<string, GruKernel | Error>();

let overrides: Partial<GruKernelConfig> = {};

/** Overrides the environment for this process; `{}` returns to it. */
export function configureGruKernel(config: Partial<GruKernelConfig>): void {
  overrides = { ...config };
}

function pick<T extends string>(name: string, allowed: readonly T[], value: string | undefined, fallback: T): T {
  const v = (value ?? '') || fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new GruKernelError(`${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** The configuration in force: overrides, else environment, else defaults. */
export function gruKernelConfig(): GruKernelConfig {
  const env = process.env;
  const threads = overrides.threads ?? (env[GRU_THREADS_ENV] ? Number(env[GRU_THREADS_ENV]) : defaultThreads());
  if (!Number.isInteger(threads) || threads < 1) throw new GruKernelError(`${GRU_THREADS_ENV} must be a positive integer, got ${threads}`);
  return {
    mode: pick(GRU_KERNEL_ENV, GRU_KERNEL_MODES, overrides.mode ?? env[GRU_KERNEL_ENV], 'auto'),
    impl: pick(GRU_IMPL_ENV, FUSED_GRU_IMPLS, overrides.impl ?? env[GRU_IMPL_ENV], 'auto'),
    threads,
  };
}

function load(impl: string, threads: number): GruKernel | Error {
  const key = `${impl}/${threads}`;
  let k = loaded.get(key);
  if (k === undefined) {
    const loader = loaders[impl];
    try {
      if (!loader) throw new GruKernelError(`no fused GRU implementation "${impl}" is available`);
      k = loader(threads);
    } catch (err) {
      k = err instanceof Error ? err : new Error(String(err));
    }
    loaded.set(key, k);
  }
  return k;
}

/**
 * The fused implementation `config.impl` names. 'auto': the first of AUTO_ORDER that loads, else
 * ts; when that is not the first choice, one log line says what failed and what runs instead.
 */
export function resolveFusedImpl(config: GruKernelConfig = gruKernelConfig()): GruKernel {
  if (config.impl === 'ts') return tsGruKernel;
  if (config.impl !== 'auto') {
    const k = load(config.impl, config.threads);
    if (k instanceof Error) throw new GruKernelError(`the ${config.impl} GRU kernel failed to load: ${k.message}`, { cause: k });
    return k;
  }
  const failures: string[] = [];
  for (const impl of AUTO_ORDER) {
    const k = load(impl, config.threads);
    if (!(k instanceof Error)) {
      warnOnce(failures, impl);
      return k;
    }
    failures.push(`${impl} GRU kernel unavailable (${k.message})`);
  }
  warnOnce(failures, 'ts');
  return tsGruKernel;
}

/**
 * Loads the native addon, and with it OpenBLAS, in this thread when the GRU kernel configuration
 * may use it (quietly: a failure surfaces where the kernel is chosen). Call it on the main thread
 * before starting worker threads that train: OpenBLAS picks its kernels from the environment when
 * it first loads (native/blas-core.ts), and what a worker thread writes to `process.env` never
 * reaches the process' environment.
 */
export function preloadNativeBlas(config: GruKernelConfig = gruKernelConfig()): void {
  if (config.mode !== 'composite' && (config.impl === 'auto' || config.impl === 'native')) nativeAddonUnavailable();
}

let warned = false;

function warnOnce(failures: string[], using: string): void {
  if (warned || failures.length === 0) return;
  warned = true;
  console.warn(`grugan: ${failures.join('; ')}; using the ${using === 'ts' ? 'TypeScript' : using} kernel`);
}

/** The fused kernel `gruLayer` should use now, or undefined for the composite path. */
export function fusedKernelForCall(twiceDifferentiable: boolean): GruKernel | undefined {
  const config = gruKernelConfig();
  if (config.mode === 'composite' || twiceDifferentiable) return undefined;
  const backend = tf.getBackend();
  if (!(FUSED_GRU_BACKENDS as readonly string[]).includes(backend)) {
    if (config.mode === 'fused') throw new GruKernelError(`${GRU_KERNEL_ENV}=fused, but backend "${backend}" has no fused GRU kernel (only ${FUSED_GRU_BACKENDS.join(', ')})`);
    return undefined;
  }
  return resolveFusedImpl(config);
}
