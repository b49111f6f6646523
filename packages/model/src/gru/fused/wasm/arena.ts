/**
 * The WebAssembly kernel's working memory: one shared `WebAssembly.Memory` (so worker threads
 * running the same module see the same buffers) carved up by a bump allocator. Each top-level
 * kernel call starts with `reset()`; `epoch` tells a lazily evaluated backward pass whether its
 * buffers are still there.
 */

import { Wasm, type WasmMemory } from './wasm-api.js';

const PAGE = 65536;
const ALIGN = 64; // a cache line; also keeps every buffer 16-byte aligned for SIMD

export class SharedArena {
  readonly memory: WasmMemory;
  /** Incremented by every `reset()`. */
  epoch = 0;
  private top: number;
  private view: Float32Array;

  constructor(
    /** First usable byte (the module's own data lies below). */
    private readonly base: number,
    initialPages = 256,
  ) {
    // 65536 pages = the whole 4 GiB of wasm32; shared memory must declare a maximum, and this only reserves address space.
    this.memory = new Wasm.Memory({ initial: initialPages, maximum: 65536, shared: true });
    this.top = base;
    this.view = new Float32Array(this.memory.buffer);
  }

  reset(): void {
    this.top = this.base;
    this.epoch++;
  }

  /** Byte address of `floats` new float32s (contents undefined). */
  alloc(floats: number): number {
    const ptr = Math.ceil(this.top / ALIGN) * ALIGN;
    const end = ptr + floats * 4;
    if (end > 2 ** 32) throw new RangeError(`GRU kernel memory: ${end} bytes exceed the 4 GiB of wasm32`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return ptr;
  }

  /** A float32 view of the whole memory, renewed after growth. */
  f32(): Float32Array {
    if (this.view.length * 4 !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Allocates room for `src` and copies it in; returns the address. */
  put(src: Float32Array): number {
    const ptr = this.alloc(src.length);
    this.f32().set(src, ptr / 4);
    return ptr;
  }

  /** Copies `dst.length` floats from `ptr` into `dst`. */
  get(ptr: number, dst: Float32Array): void {
    dst.set(this.f32().subarray(ptr / 4, ptr / 4 + dst.length));
  }
}
