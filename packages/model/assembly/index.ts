/**
 * Entry of the WebAssembly GRU kernel module (built by `npm run build:kernels` into
 * build/gru-kernels.wasm; see asconfig.json). The memory is imported and shared, so the same
 * module instantiated in several worker threads works on the same buffers.
 */
export { gemm, gemmPanels, packB, packedBFloats, gemmScratchFloats } from './gemm';
export { gruForward, gruBackward, columnSums, padUnits, forwardScratchFloats, backwardScratchFloats } from './gru';

/** First byte the JavaScript side may use: everything below belongs to the module. */
export function heapBase(): usize {
  return __heap_base;
}
