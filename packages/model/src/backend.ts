/**
 * Run-time choice of the TensorFlow.js backend.
 *
 * `auto` tries, in order: `@tensorflow/tfjs-node-gpu` (CUDA TensorFlow, reported as `tensorflow`),
 * the WebAssembly backend, `@tensorflow/tfjs-node` (CPU TensorFlow, also `tensorflow`), then the
 * plain JavaScript `cpu` backend. On a CPU, wasm comes before CPU TensorFlow because the fused GRU
 * kernel (src/gru/fused) runs on wasm and cpu only; on tfjs-node the GRU is the composite of
 * TF ops, measured 1.6× (L) to 8× (S) slower per training iteration (`npm run bench:speed`).
 * The native modules are optional dependencies, so they are loaded with a dynamic import inside
 * try/catch: their absence is normal, not an error.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
/** Environment variable holding the default backend request. */
export const BACKEND_ENV = 'GRUGAN_BACKEND';

/** Thrown when a named backend is unknown or cannot be started. */
export class BackendUnavailableError extends Error {
  readonly code = 'ERR_BACKEND_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

/** Where `selectBackend` reports its choice (a pino logger fits). */
export interface BackendLogger {
  info(obj: object, msg?: string): void;
}

const TENSORFLOW_GPU = '@tensorflow/tfjs-node-gpu';
const TENSORFLOW_CPU = '@tensorflow/tfjs-node';

/** Loads the first TensorFlow native binding of `names` that works; returns its name, or undefined. */
async function loadTensorflow(names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    try {
      await import(name);
      if (tf.findBackend('tensorflow') !== null) return name;
    } catch {
      // Optional dependency missing or its native library failed to load: try the next one.
    }
  }
  return undefined;
}

async function trySet(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Selects and initialises a backend; resolves to the backend's name (`tensorflow`, `wasm`, `cpu`).
 * `requested` defaults to `$GRUGAN_BACKEND`, else `auto`. An explicit request that fails throws.
 */
export async function selectBackend(requested?: BackendName | string, logger?: BackendLogger): Promise<string> {
  const want = (requested ?? process.env[BACKEND_ENV] ?? 'auto') || 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(want)) {
    throw new BackendUnavailableError(`unknown backend "${want}" (expected one of ${BACKEND_NAMES.join(', ')})`);
  }
  let module: string | undefined;
  let chosen: string | undefined;
  if (want === 'tensorflow' || want === 'auto') {
    // auto: only the GPU build here; CPU TensorFlow comes after wasm (see the file comment).
    module = await loadTensorflow(want === 'auto' ? [TENSORFLOW_GPU] : [TENSORFLOW_GPU, TENSORFLOW_CPU]);
    if (module !== undefined && (await trySet('tensorflow'))) chosen = 'tensorflow';
    else if (want === 'tensorflow') {
      throw new BackendUnavailableError('backend "tensorflow" needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, neither loads');
    }
  }
  if (chosen === undefined && (want === 'wasm' || want === 'auto')) {
    if (await trySet('wasm')) chosen = 'wasm';
    else if (want === 'wasm') throw new BackendUnavailableError('backend "wasm" failed to initialise');
  }
  if (chosen === undefined && want === 'auto') {
    module = await loadTensorflow([TENSORFLOW_CPU]);
    if (module !== undefined && (await trySet('tensorflow'))) chosen = 'tensorflow';
  }
  if (chosen === undefined) {
    if (!(await trySet('cpu'))) throw new BackendUnavailableError('backend "cpu" failed to initialise');
    chosen = 'cpu';
  }
  await tf.ready();
  logger?.info({ requested: want, backend: chosen, ...(module && chosen === 'tensorflow' ? { module } : {}) }, `backend: ${chosen}`);
  return chosen;
}
