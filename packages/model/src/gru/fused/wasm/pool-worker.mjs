/**
 * A kernel worker thread: instantiates the GRU kernel module on the shared memory, then runs the
 * call in its slot of the control block each time the job generation changes. Plain JavaScript so
 * that it runs without a TypeScript loader (under vitest as under tsx). Constants mirror
 * pool-protocol.ts.
 */
import { workerData } from 'node:worker_threads';

const GEN = 0, REMAINING = 1, ERROR = 2, READY = 3, STOP = 4, NEXT = 5, CHUNKS = 6, RANGE_ARG = 7, SLOTS = 8, SLOT_SIZE = 32;
const { module, memory, control, index, names, spin, chunkList } = workerData;
const ctrl = new Int32Array(control);
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => exports[n]);
const base = SLOTS + (index - 1) * SLOT_SIZE;

// Read the generation before reporting ready: the caller may start a job right after.
let seen = Atomics.load(ctrl, GEN);
Atomics.add(ctrl, READY, 1);
Atomics.notify(ctrl, READY);

for (;;) {
  let gen = Atomics.load(ctrl, GEN);
  for (let i = 0; gen === seen && i < spin; i++) gen = Atomics.load(ctrl, GEN);
  while (gen === seen) {
    Atomics.wait(ctrl, GEN, seen);
    gen = Atomics.load(ctrl, GEN);
  }
  seen = gen;
  if (Atomics.load(ctrl, STOP) !== 0) break;
  const fn = ctrl[base];
  if (fn >= 0) {
    try {
      const args = [];
      for (let i = 0, n = ctrl[base + 1]; i < n; i++) args.push(ctrl[base + 2 + i]);
      const chunks = ctrl[CHUNKS];
      if (chunks === 0) fns[fn](...args);
      else {
        // Claim chunks until none is left; which thread runs which chunk does not change results.
        const at = ctrl[RANGE_ARG];
        for (let c; (c = Atomics.add(ctrl, NEXT, 1)) < chunks; ) {
          args[at] = ctrl[chunkList + 2 * c];
          args[at + 1] = ctrl[chunkList + 2 * c + 1];
          fns[fn](...args);
        }
      }
    } catch {
      Atomics.store(ctrl, ERROR, 1);
    }
  }
  if (Atomics.sub(ctrl, REMAINING, 1) === 1) Atomics.notify(ctrl, REMAINING);
}
