/**
 * The wasm backend's `BatchMatMul` on the native addon's sgemm (OpenBLAS), registered where the
 * native GRU kernel is in use. Why: with the GRU fused, the dense heads' matMul gradients
 * (dy·Wᵀ, xᵀ·dy) were the largest single kernel left in a training iteration (10 % of an M
 * iteration's CPU profile); the wasm backend's kernel ran them 5–46× slower than BLAS, which takes
 * a transposed operand at no cost (packages/model/bench/RESULTS.md).
 *
 * BLAS threads: the count the native GRU kernel set last (`GRUGAN_GRU_THREADS`; OpenBLAS keeps
 * one, process-wide). Operands are read and the result written in place on the wasm heap (no
 * copies). Batch dims broadcast as in the kernel it replaces (one side may have batch 1);
 * non-float32 inputs go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from '../gru/fused/native/addon.js';
import { wasmHeap } from './wasm-heap.js';

const BACKEND = 'wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

function batchMatMul(addon: NativeAddon, original: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args as never) as tf.TensorInfo;
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const ra = a.shape.length, rb = b.shape.length;
    // Stored matrices: A [M, K] or (transposed) [K, M]; B [K, N] or [N, K].
    const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (K !== kB) throw new Error(`matMul: inner shapes ${K} and ${kB} of ${a.shape} and ${b.shape} (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
    const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const batchA = size(a.shape.slice(0, -2)), batchB = size(b.shape.slice(0, -2)), batch = size(outer);
    if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return original(args as never) as tf.TensorInfo;
    const backend = wasmHeap(args.backend);
    const out = backend.makeOutput([...outer, M, N], 'float32');
    // Views after makeOutput: allocating may grow the heap, which detaches earlier views.
    const av = backend.typedArrayFromHeap(a), bv = backend.typedArrayFromHeap(b), cv = backend.typedArrayFromHeap(out);
    const lda = transposeA ? M : K, ldb = transposeB ? K : N;
    for (let i = 0; i < batch; i++) {
      addon.sgemm(+transposeA, +transposeB, M, N, K, av, batchA === 1 ? 0 : i * M * K, lda, bv, batchB === 1 ? 0 : i * K * N, ldb, 0, cv, i * M * N, N);
    }
    return out;
  };
}

let registered = false;

/** Replaces the wasm backend's BatchMatMul with the native one; idempotent, a no-op without that backend. */
export function registerNativeBatchMatMul(addon: NativeAddon): void {
  if (registered) return;
  const original = tf.getKernel(tf.BatchMatMul, BACKEND);
  if (!original) return;
  tf.unregisterKernel(tf.BatchMatMul, BACKEND);
  tf.registerKernel({
    kernelName: tf.BatchMatMul,
    backendName: BACKEND,
    kernelFunc: batchMatMul(addon, original.kernelFunc) as unknown as tf.KernelFunc,
    // The original's setup binds its wasm function; it still serves non-float32 inputs.
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
  });
  registered = true;
}
