/**
 * The part of the WebAssembly JavaScript API the kernel uses, typed here because this project
 * compiles against ES2023 + Node types, which do not declare it (lib.dom does). Taken from
 * `globalThis` rather than declared globally, so it cannot clash with a program that has lib.dom.
 */
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

export interface WasmMemory {
  /** A SharedArrayBuffer for shared memories; a new object after each `grow`. */
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
