/**
 * Float32Arrays kept for reuse, by length, and leases that hand them out and take them back.
 *
 * Why: on the wasm backend every fused GRU layer call allocated several arrays of 0.3–0.9 MB
 * (inputs copied off the wasm heap, outputs before they are copied onto it, gate values,
 * backpropagation buffers) that die within the call or its backward pass; a TimeGAN joint
 * iteration makes about 70 such calls, and V8 spent 13 % of the iteration collecting them
 * (a `--cpu-prof` profile of sines training, hidden 24, batch 128).
 *
 * An array from the pool holds whatever its last user wrote: take only buffers that are written
 * in full before they are read (every kernel's outputs are; kernels.spec.ts checks it).
 */

/** Where a kernel gets its scratch arrays. */
export interface Float32Allocator {
  /** An array of `length` floats with unspecified contents. */
  take(length: number): Float32Array;
}

/** Plain allocation (zero-filled, garbage-collected): for arrays a backend keeps as tensor storage. */
export const FRESH_ARRAYS: Float32Allocator = { take: (length) => new Float32Array(length) };

export class Float32Pool {
  private readonly free = new Map<number, Float32Array[]>();
  private freeBytes = 0;
  private created = 0;

  /** `maxBytes`: arrays given back beyond this many idle bytes are left to the garbage collector. */
  constructor(readonly maxBytes = 256 * 2 ** 20) {}

  /** An idle array of `length`, or a new one. */
  take(length: number): Float32Array {
    const reused = this.free.get(length)?.pop();
    if (reused === undefined) {
      this.created += 1;
      return new Float32Array(length);
    }
    this.freeBytes -= reused.byteLength;
    return reused;
  }

  /** Makes `arrays` available again. Each must be given back once, and nobody may use it afterwards. */
  give(arrays: Iterable<Float32Array>): void {
    for (const a of arrays) {
      if (this.freeBytes + a.byteLength > this.maxBytes) continue;
      let list = this.free.get(a.length);
      if (list === undefined) this.free.set(a.length, (list = []));
      list.push(a);
      this.freeBytes += a.byteLength;
    }
  }

  /** Bytes held by idle arrays. */
  get idleBytes(): number {
    return this.freeBytes;
  }

  /** Arrays `take` had to create (none idle of that length). */
  get allocations(): number {
    return this.created;
  }

  /** Drops every idle array. */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }

  /** A lease: arrays taken through it go back together, once, when it ends. */
  lease(): Float32Lease {
    return new Float32Lease(this);
  }
}

/** Arrays taken from a pool for one op call (and its backward pass), returned together. */
export class Float32Lease implements Float32Allocator {
  private taken: Float32Array[] = [];
  private ended = false;

  constructor(private readonly pool: Float32Pool) {}

  take(length: number): Float32Array {
    if (this.ended) throw new Error('Float32Lease: take() after the lease ended');
    const a = this.pool.take(length);
    this.taken.push(a);
    return a;
  }

  /** Gives every array taken back to the pool now; later calls do nothing. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pool.give(this.taken);
    this.taken = [];
  }
}
