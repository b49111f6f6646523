/**
 * `GruKernel` on the WebAssembly SIMD module (`packages/model/assembly/`), multi-threaded.
 *
 * Each call copies its inputs into the shared memory, packs the weights once (W, U per gate,
 * Uᵀ, Wᵀ: see assembly/gru.ts), runs the module on `threads` threads and copies the results out.
 * Work is split so that threads never write the same bytes and need no barrier inside a call:
 *   forward, backward through time   by batch chunks claimed dynamically (a sample's steps all
 *                                    stay in one chunk, so on one thread)
 *   dx                               by batch rows, one range per thread
 *   dW, dU                           by column panels of the result
 * Every output element is computed by one thread, summing in the same order whatever the split,
 * so results are bit-identical for any thread count (tested).
 */
import { SharedArena } from './arena.js';
import { kernelModule } from './module.js';
import { Wasm } from './wasm-api.js';
import { KernelPool, type KernelCall, type PoolFunction } from './pool.js';
import { savedWidth, type GruBackwardArgs, type GruForwardArgs, type GruForwardOutputs, type GruGradients, type GruKernel, type GruShape } from '../types.js';

/** The module's exports (assembly/index.ts); pointers are byte addresses, booleans 0/1. */
interface KernelExports {
  heapBase(): number;
  packB(K: number, N: number, src: number, sK: number, sN: number, dst: number, p0: number, p1: number): void;
  packedBFloats(K: number, N: number): number;
  gemmScratchFloats(): number;
  padUnits(u: number): number;
  forwardScratchFloats(nb: number, u: number): number;
  backwardScratchFloats(nb: number, u: number): number;
  columnSums(rows: number, cols: number, m: number, ld: number, out: number): void;
  gemm(...args: number[]): void;
  gemmPanels(...args: number[]): void;
  gruForward(...args: number[]): void;
  gruBackward(...args: number[]): void;
}

const NR = 8;
const panels = (n: number) => Math.ceil(n / NR);

/**
 * Below this many multiply-adds a layer call runs on one thread: waking a worker costs tens of
 * microseconds, more than it saves on tiny layers.
 */
const MIN_PARALLEL_MADDS = 1 << 18;

/** Contiguous [start, end) ranges of `n` items for `parts` threads, each a multiple of `quantum` but the last. */
function split(n: number, parts: number, quantum: number): [number, number][] {
  const chunk = Math.ceil(n / parts / quantum) * quantum;
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += chunk) out.push([s, Math.min(n, s + chunk)]);
  return out;
}

class WasmGruKernel implements GruKernel {
  readonly name: string;
  readonly arena: SharedArena;
  readonly exports: KernelExports;
  readonly pool: KernelPool;

  constructor(readonly threads: number) {
    const module = kernelModule();
    // The module's own data ends at heapBase; read it from a throw-away instance on a small memory.
    const probe = new Wasm.Instance(module, { env: { memory: new Wasm.Memory({ initial: 1, maximum: 65536, shared: true }) } });
    this.arena = new SharedArena((probe.exports as unknown as KernelExports).heapBase());
    this.exports = new Wasm.Instance(module, { env: { memory: this.arena.memory } }).exports as unknown as KernelExports;
    const e = this.exports;
    this.pool = new KernelPool(module, this.arena.memory, threads, { gruForward: e.gruForward, gruBackward: e.gruBackward, gemm: e.gemm, gemmPanels: e.gemmPanels });
    this.name = `wasm×${threads}`;
  }

  /** Runs one call per range; ranges beyond the first on worker threads. */
  run(fn: PoolFunction, ranges: [number, number][], args: (range: [number, number], thread: number) => number[]): void {
    const calls: KernelCall[] = ranges.map((r, i) => ({ fn, args: args(r, i) }));
    this.pool.run(calls);
  }

  /** Batch ranges for a layer of this size: one per thread (static split). */
  batchRanges(shape: GruShape): [number, number][] {
    return split(shape.batch, this.parallel(shape) ? this.threads : 1, 4);
  }

  /**
   * Batch chunks for the recurrences, claimed dynamically (`KernelPool.runChunked`): about four
   * per thread, so that a thread the OS delays (or wakes late) costs a chunk, not half the job.
   * A chunk is the M of every per-step product, so it keeps at least 8 rows when u > 200 (U [u, 3u]
   * then no longer fits a core's L2 and each chunk streams all of it at every step). On config L
   * 8-, 16-row and one-chunk-per-thread splits measured within the machine's run-to-run noise.
   */
  batchChunks(shape: GruShape): [number, number][] {
    if (!this.parallel(shape)) return [[0, shape.batch]];
    const minRows = shape.units > 200 ? 8 : 4;
    const rows = Math.max(minRows, Math.ceil(shape.batch / (4 * this.threads) / 4) * 4);
    return split(shape.batch, Math.ceil(shape.batch / rows), 4);
  }

  private parallel(shape: GruShape): boolean {
    const { batch: B, steps: T, inputSize: I, units: u } = shape;
    return this.threads > 1 && 3 * B * T * u * (I + u) >= MIN_PARALLEL_MADDS;
  }

  /** One scratch area per thread (every thread may claim a chunk), for chunks of up to `rows` rows. */
  scratchPerThread(chunks: [number, number][], floats: (rows: number) => number): number[] {
    const rows = Math.max(...chunks.map(([b0, b1]) => b1 - b0));
    return Array.from({ length: this.threads }, () => this.arena.alloc(floats(rows)));
  }

  forward(shape: GruShape, args: GruForwardArgs, out: GruForwardOutputs): void {
    const { batch: B, steps: T, inputSize: I, units: u, reverse } = shape;
    const ra = shape.variant === 'reset-after';
    const e = this.exports;
    const a = this.arena;
    a.reset();
    const u3 = 3 * u;
    const u8 = e.padUnits(u);
    const x = a.put(args.x);
    const h0 = args.h0 ? a.put(args.h0) : 0;
    const bias = a.put(args.bias);
    const bu = ra ? a.put(args.recurrentBias!) : 0;
    const w = a.put(args.kernel);
    const U = a.put(args.recurrentKernel);
    const wp = a.alloc(e.packedBFloats(I, u3));
    e.packB(I, u3, w, u3, 1, wp, 0, panels(u3));
    // U per gate, each gate padded to whole panels, so that a gate is a panel range.
    const up = a.alloc(3 * u8 * u);
    for (let g = 0; g < 3; g++) e.packB(u, u, U + 4 * g * u, u3, 1, up + 4 * g * u8 * u, 0, u8 / NR);
    const seq = a.alloc(B * T * u);
    const fin = a.alloc(B * u);
    const saved = a.alloc(B * T * savedWidth(shape));
    const chunks = this.batchChunks(shape);
    const scratch = this.scratchPerThread(chunks, (rows) => e.forwardScratchFloats(rows, u));
    this.pool.runChunked('gruForward', chunks, 5, (i) => [T, I, u, +ra, +reverse, 0, 0, x, h0, wp, bias, up, bu, seq, fin, saved, scratch[i]]);
    a.get(seq, out.sequence);
    a.get(fin, out.final);
    if (out.saved) a.get(saved, out.saved);
  }

  backward(shape: GruShape, args: GruBackwardArgs): GruGradients {
    return new WasmGruGradients(this, shape, args);
  }
}

/** Addresses of the backward pass's results in the arena, valid while `epoch` is the arena's. */
interface Bptt {
  epoch: number;
  dA: number;
  dN: number;
  hprev: number;
  rh: number;
  dh0: number;
}

class WasmGruGradients implements GruGradients {
  private state?: Bptt;

  constructor(
    private readonly k: WasmGruKernel,
    private readonly shape: GruShape,
    private readonly args: GruBackwardArgs,
  ) {}

  /** Backpropagation through time, rerun only if another call has reused the arena meanwhile. */
  private bptt(): Bptt {
    const a = this.k.arena;
    if (this.state && this.state.epoch === a.epoch) return this.state;
    const { batch: B, steps: T, units: u, reverse } = this.shape;
    const ra = this.shape.variant === 'reset-after';
    const e = this.k.exports;
    const args = this.args;
    a.reset();
    const U = a.put(args.recurrentKernel);
    const utp = a.alloc(e.packedBFloats(3 * u, u));
    e.packB(3 * u, u, U, 1, 3 * u, utp, 0, panels(u)); // Uᵀ: element (k, n) = U[n, k]
    const h0 = args.h0 ? a.put(args.h0) : 0;
    const seq = a.put(args.sequence);
    const saved = a.put(args.saved);
    const dseq = args.dSequence ? a.put(args.dSequence) : 0;
    const dfin = args.dFinal ? a.put(args.dFinal) : 0;
    const dA = a.alloc(B * T * 3 * u);
    const dN = ra ? a.alloc(B * T * u) : 0;
    const hprev = a.alloc(B * T * u);
    const rh = ra ? 0 : a.alloc(B * T * u);
    const dh0 = a.alloc(B * u);
    const chunks = this.k.batchChunks(this.shape);
    const scratch = this.k.scratchPerThread(chunks, (rows) => e.backwardScratchFloats(rows, u));
    this.k.pool.runChunked('gruBackward', chunks, 4, (i) => [T, u, +ra, +reverse, 0, 0, h0, utp, seq, saved, dseq, dfin, dA, dN, hprev, rh, dh0, scratch[i]]);
    this.state = { epoch: a.epoch, dA, dN, hprev, rh, dh0 };
    return this.state;
  }

  /** C [M, N] = A·B by column panels over the threads (B packed from `bsrc` on the way). */
  private panelProduct(M: number, N: number, K: number, a: number, sAm: number, sAk: number, bsrc: number, bsK: number, c: number, ldc: number): void {
    const e = this.k.exports;
    const arena = this.k.arena;
    const bp = arena.alloc(e.packedBFloats(K, N));
    const parallel = M * N * K >= MIN_PARALLEL_MADDS;
    const ranges = split(panels(N), parallel ? this.k.threads : 1, 1);
    const scratch = ranges.map(() => arena.alloc(e.gemmScratchFloats()));
    this.k.run('gemmPanels', ranges, ([p0, p1], i) => [M, N, K, a, sAm, sAk, bsrc, bsK, 1, bp, p0, p1, c, ldc, 0, scratch[i]]);
  }

  dx(out: Float32Array): void {
    const { batch: B, steps: T, inputSize: I, units: u } = this.shape;
    const { dA } = this.bptt();
    const e = this.k.exports;
    const a = this.k.arena;
    const w = a.put(this.args.kernel);
    const wtp = a.alloc(e.packedBFloats(3 * u, I));
    e.packB(3 * u, I, w, 1, 3 * u, wtp, 0, panels(I)); // Wᵀ [3u, in]
    const dx = a.alloc(B * T * I);
    const ranges = this.k.batchRanges(this.shape);
    const scratch = ranges.map(() => a.alloc(e.gemmScratchFloats()));
    this.k.run('gemm', ranges, ([b0, b1], i) => [(b1 - b0) * T, I, 3 * u, dA + 4 * b0 * T * 3 * u, 3 * u, 1, wtp, 3 * u, 0, dx + 4 * b0 * T * I, I, 0, scratch[i]]);
    a.get(dx, out);
  }

  dh0(out: Float32Array): void {
    this.k.arena.get(this.bptt().dh0, out);
  }

  dKernel(out: Float32Array): void {
    const { batch: B, steps: T, inputSize: I, units: u } = this.shape;
    const { dA } = this.bptt();
    const a = this.k.arena;
    const x = a.put(this.args.x);
    const dW = a.alloc(I * 3 * u);
    this.panelProduct(I, 3 * u, B * T, x, 1, I, dA, 3 * u, dW, 3 * u); // xᵀ·dA
    a.get(dW, out);
  }

  dRecurrentKernel(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    const ra = this.shape.variant === 'reset-after';
    const { dA, dN, hprev, rh } = this.bptt();
    const a = this.k.arena;
    const dU = a.alloc(u * 3 * u);
    this.panelProduct(u, 2 * u, B * T, hprev, 1, u, dA, 3 * u, dU, 3 * u); // h_prevᵀ·[dA_z dA_r]
    if (ra) this.panelProduct(u, u, B * T, hprev, 1, u, dN, u, dU + 4 * 2 * u, 3 * u); // h_prevᵀ·dN
    else this.panelProduct(u, u, B * T, rh, 1, u, dA + 4 * 2 * u, 3 * u, dU + 4 * 2 * u, 3 * u); // (r ⊙ h_prev)ᵀ·dA_h
    a.get(dU, out);
  }

  dBias(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    const { dA } = this.bptt();
    const a = this.k.arena;
    const db = a.alloc(3 * u);
    this.k.exports.columnSums(B * T, 3 * u, dA, 3 * u, db);
    a.get(db, out);
  }

  dRecurrentBias(out: Float32Array): void {
    const { batch: B, steps: T, units: u } = this.shape;
    const { dA, dN } = this.bptt();
    const a = this.k.arena;
    const db = a.alloc(3 * u);
    this.k.exports.columnSums(B * T, 2 * u, dA, 3 * u, db);
    if (dN) this.k.exports.columnSums(B * T, u, dN, u, db + 4 * 2 * u);
    a.get(db, out);
  }
}

/** The WebAssembly kernel on `threads` threads (the caller's included). Throws if the module cannot load. */
export function createWasmGruKernel(threads: number): GruKernel {
  return new WasmGruKernel(threads);
}
