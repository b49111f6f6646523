/**
 * The layout of the control block shared by the kernel's calling thread and its workers
 * (an Int32Array on a SharedArrayBuffer), used by `pool.ts` and mirrored in `pool-worker.mjs`.
 *
 *   [GEN]        job generation; a worker runs a job when it sees it change (Atomics.wait on it)
 *   [REMAINING]  workers still busy with the current job; the last one notifies
 *   [ERROR]      set by a worker whose call threw (a trap); the caller then throws
 *   [READY]      workers that have instantiated the module
 *   [STOP]       set before the last generation bump: workers leave their loop
 *   [NEXT]       chunked jobs: index of the next unclaimed chunk (Atomics.add)
 *   [CHUNKS]     chunked jobs: how many chunks (0: each thread makes its one call)
 *   [RANGE_ARG]  chunked jobs: the argument index that gets a chunk's start (its end goes to the next)
 *   slot i ≥ 1   at SLOTS + (i − 1)·SLOT_SIZE: [function index or −1, argument count, MAX_ARGS int32s]
 *   chunk list   after the slots: MAX_CHUNKS × [start, end)
 */
export const GEN = 0;
export const REMAINING = 1;
export const ERROR = 2;
export const READY = 3;
export const STOP = 4;
export const NEXT = 5;
export const CHUNKS = 6;
export const RANGE_ARG = 7;
export const SLOTS = 8;
export const MAX_CHUNKS = 256;
export const MAX_ARGS = 30;
export const SLOT_SIZE = MAX_ARGS + 2;
/** Checks of GEN before a worker blocks in Atomics.wait (a wake-up costs tens of µs). */
export const SPIN = 5000;
