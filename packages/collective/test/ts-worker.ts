/**
 * Starts a worker thread on a TypeScript entry. Node 20 does not carry tsx's loader hooks into
 * worker threads, so a tiny eval'd bootstrap registers tsx there first, then imports the entry.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// The ESM build of tsx's API (its CJS build cannot be imported from ESM).
const tsxApi = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs');

const BOOT = `
const { workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
import(pathToFileURL(workerData.__tsxApi).href)
  .then((m) => { m.register(); return import(workerData.__entry); })
  .catch((err) => { process.nextTick(() => { throw err; }); });
`;

export function startTsWorker(entry: URL, opts: WorkerOptions = {}): Worker {
  return new Worker(BOOT, { ...opts, eval: true, workerData: { ...(opts.workerData ?? {}), __tsxApi: tsxApi, __entry: entry.href } });
}
