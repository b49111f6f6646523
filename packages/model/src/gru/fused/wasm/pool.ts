/**
 * Runs WebAssembly kernel calls on several threads at once: the calling thread takes call 0,
 * `worker_threads` take the others, all on one shared memory. The caller blocks (Atomics.wait)
 * until every worker is done, so a kernel call stays synchronous, as TF.js kernels must be.
 *
 * Workers are started once, `unref`'d (they never keep a process alive), and wait on the control
 * block between jobs: a short spin, then Atomics.wait. A trap inside a worker's call is reported
 * back and thrown by `run`.
 */
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from './wasm-api.js';
import { CHUNKS, ERROR, GEN, MAX_ARGS, MAX_CHUNKS, NEXT, RANGE_ARG, READY, REMAINING, SLOT_SIZE, SLOTS, SPIN, STOP } from './pool-protocol.js';

/** The module's exports a job may call. */
export const POOL_FUNCTIONS = ['gruForward', 'gruBackward', 'gemm', 'gemmPanels'] as const;
export type PoolFunction = (typeof POOL_FUNCTIONS)[number];

/** One thread's share of a job. */
export interface KernelCall {
  fn: PoolFunction;
  args: number[];
}

/** Every argument is a byte address, size or flag: a missing one would silently become address 0. */
function checkArgs(fn: string, args: number[]): void {
  if (args.length > MAX_ARGS) throw new Error(`${fn}: ${args.length} arguments, at most ${MAX_ARGS}`);
  for (const v of args) if (!Number.isInteger(v)) throw new Error(`${fn}: argument ${String(v)} is not an integer`);
}

/** How long `new KernelPool` waits for its workers to instantiate the module. */
const START_TIMEOUT_MS = 30_000;

export class KernelPool {
  private readonly ctrl: Int32Array;
  /** Index of the chunk list in `ctrl`. */
  private readonly chunkList: number;
  private readonly workers: Worker[] = [];
  private closed = false;

  constructor(
    module: WasmModule,
    memory: WasmMemory,
    /** Threads including the caller. */
    readonly threads: number,
    private readonly local: Record<PoolFunction, (...args: number[]) => void>,
  ) {
    this.chunkList = SLOTS + SLOT_SIZE * Math.max(0, threads - 1);
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (this.chunkList + 2 * MAX_CHUNKS)));
    const script = new URL('./pool-worker.mjs', import.meta.url);
    for (let index = 1; index < threads; index++) {
      // Plain JS threads: no inherited flags (e.g. --input-type from `node -e` fails a file Worker).
      const w = new Worker(script, { execArgv: [], workerData: { module, memory, control: this.ctrl.buffer, index, names: POOL_FUNCTIONS, spin: SPIN, chunkList: this.chunkList } });
      w.unref();
      this.workers.push(w);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let ready; (ready = Atomics.load(this.ctrl, READY)) < threads - 1; ) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        throw new Error(`GRU kernel: only ${ready} of ${threads - 1} worker threads started`);
      }
      Atomics.wait(this.ctrl, READY, ready, left);
    }
  }

  /** Runs `calls[i]` on thread i (null: nothing), all at once; returns when all are done. */
  run(calls: (KernelCall | null)[]): void {
    if (this.closed) throw new Error('GRU kernel pool is closed');
    if (calls.length > this.threads) throw new Error(`${calls.length} calls for ${this.threads} threads`);
    const c = this.ctrl;
    const workers = this.threads - 1;
    if (calls[0]) checkArgs(calls[0].fn, calls[0].args);
    if (workers > 0 && calls.slice(1).some((x) => x !== null)) {
      for (let i = 1; i < this.threads; i++) {
        const call = calls[i] ?? null;
        const base = SLOTS + (i - 1) * SLOT_SIZE;
        if (call === null) {
          c[base] = -1;
          continue;
        }
        checkArgs(call.fn, call.args);
        c[base] = POOL_FUNCTIONS.indexOf(call.fn);
        c[base + 1] = call.args.length;
        for (let k = 0; k < call.args.length; k++) c[base + 2 + k] = call.args[k];
      }
      Atomics.store(c, CHUNKS, 0);
      Atomics.store(c, ERROR, 0);
      Atomics.store(c, REMAINING, workers);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      try {
        if (calls[0]) this.local[calls[0].fn](...calls[0].args);
      } finally {
        // Never return (or throw) while a worker may still write into the memory.
        for (let left; (left = Atomics.load(c, REMAINING)) !== 0; ) Atomics.wait(c, REMAINING, left);
      }
      if (Atomics.load(c, ERROR) !== 0) throw new Error('GRU kernel: a call failed in a worker thread');
      return;
    }
    if (calls[0]) this.local[calls[0].fn](...calls[0].args);
  }

  /**
   * Runs `fn` once per chunk [start, end), chunks claimed dynamically by all threads, so a thread
   * the OS keeps waiting costs a chunk, not half the job. `args(thread)` gives a thread's
   * arguments; the chunk's start and end replace those at `rangeArg` and `rangeArg + 1`.
   */
  runChunked(fn: PoolFunction, chunks: [number, number][], rangeArg: number, args: (thread: number) => number[]): void {
    if (this.closed) throw new Error('GRU kernel pool is closed');
    if (chunks.length > MAX_CHUNKS) throw new Error(`${chunks.length} chunks, at most ${MAX_CHUNKS}`);
    const local = this.local[fn];
    const mine = args(0);
    checkArgs(fn, mine);
    const runMine = (claim: () => number) => {
      for (let i; (i = claim()) < chunks.length; ) {
        mine[rangeArg] = chunks[i][0];
        mine[rangeArg + 1] = chunks[i][1];
        local(...mine);
      }
    };
    const c = this.ctrl;
    const workers = this.threads - 1;
    if (workers === 0 || chunks.length < 2) {
      let next = 0;
      runMine(() => next++);
      return;
    }
    for (let i = 1; i < this.threads; i++) {
      const a = args(i);
      checkArgs(fn, a);
      const base = SLOTS + (i - 1) * SLOT_SIZE;
      c[base] = POOL_FUNCTIONS.indexOf(fn);
      c[base + 1] = a.length;
      for (let k = 0; k < a.length; k++) c[base + 2 + k] = a[k];
    }
    chunks.forEach(([s, e], i) => {
      c[this.chunkList + 2 * i] = s;
      c[this.chunkList + 2 * i + 1] = e;
    });
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, RANGE_ARG, rangeArg);
    Atomics.store(c, CHUNKS, chunks.length);
    Atomics.store(c, ERROR, 0);
    Atomics.store(c, REMAINING, workers);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    try {
      runMine(() => Atomics.add(c, NEXT, 1));
    } finally {
      for (let left; (left = Atomics.load(c, REMAINING)) !== 0; ) Atomics.wait(c, REMAINING, left);
    }
    if (Atomics.load(c, ERROR) !== 0) throw new Error('GRU kernel: a call failed in a worker thread');
  }

  /** Stops the workers (they also end with the process). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    for (const w of this.workers) void w.terminate();
  }
}
