/**
 * The wasm backend's public methods for tensors on its heap (`BackendWasm` in
 * @tensorflow/tfjs-backend-wasm), for kernels that read and write tensors there in place. A view
 * is valid until the heap grows (any allocation may grow it), so take views after allocating.
 */
import type * as tf from '@tensorflow/tfjs';

export interface WasmHeapBackend {
  /** A new tensor on the heap; with `values`, a copy of them. */
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  /** A view of `t`'s values on the heap (no copy). */
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** `backend` as the wasm backend (the caller knows it is one). */
export function wasmHeap(backend: tf.KernelBackend): WasmHeapBackend {
  return backend as unknown as WasmHeapBackend;
}
