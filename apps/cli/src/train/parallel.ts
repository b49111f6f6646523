/**
 * Data-parallel training on one machine: `grugan train --workers W` runs W ranks as worker
 * threads of this process. Each rank trains the same model on its slice of every global batch
 * and the ranks average gradients through `@grugan/collective` — over NATS when a URL is
 * given, else over the in-process transport — so W ranks take exactly the step one process
 * takes on the whole batch (PyTorch DDP semantics; see ARCHITECTURE.md, "Invariants").
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { preloadNativeBlas, type PreparedData, type StepMetrics, type TrainerState } from '@grugan/model';
import type { TrialConfig, WireFormat } from '@grugan/protocol';
import type { FromRank, RankJob, ToRank } from './parallel-messages.js';

export interface TrainParallelOptions {
  config: TrialConfig;
  data: PreparedData;
  /** Number of ranks (worker threads); `config.training.batchSize` is the global batch. */
  workers: number;
  /** Generator step to stop at; default `config.training.steps`. */
  steps?: number;
  /** NATS server(s), comma-separated; omitted → in-process transport, no server needed. */
  natsUrl?: string;
  /** TF.js backend for every rank (`auto`, `wasm`, `cpu`, ...). */
  backend?: string;
  /** Gradient wire format; 16-bit halves the bytes at some precision. Default `f32`. */
  wireFormat?: WireFormat;
  /** A rank silent this long fails the run with `PeerLostError`. Default 30 s. */
  peerTimeoutMs?: number;
  /** Rank 0's metrics after every generator step. */
  onStep?: (m: StepMetrics) => void | Promise<void>;
  /** Rank 0's state every `checkpointEvery` steps. */
  onCheckpoint?: (state: TrainerState) => Promise<void>;
  /** Default `config.training.checkpointEvery`. */
  checkpointEvery?: number;
  /** Resume from this state (e.g. a checkpoint). */
  initialState?: TrainerState;
  /** Aborting stops every rank at the same, agreed step. */
  signal?: AbortSignal;
}

export interface TrainParallelResult {
  status: 'succeeded' | 'diverged' | 'stopped';
  /** Generator steps completed. */
  step: number;
  /** Final state (rank 0's; every rank holds bit-identical weights, checked by checksum). */
  state: TrainerState;
  /** The state at the last checkpoint before divergence, when diverged. */
  lastGoodState?: TrainerState;
  /** When diverged: what was not finite. */
  reason?: string;
}

/** A rank thread failed (its error's name, code and message are kept). */
export class RankFailedError extends Error {
  readonly code = 'RANK_FAILED';
  constructor(
    readonly rank: number,
    readonly causeName: string,
    readonly causeCode: string | undefined,
    message: string,
  ) {
    super(`rank ${rank} failed: ${causeName}${causeCode ? ` (${causeCode})` : ''}: ${message}`);
    this.name = 'RankFailedError';
  }
}

/** Ranks finished with different parameters: a bug, never expected. */
export class RanksDisagreeError extends Error {
  readonly code = 'RANKS_DISAGREE';
  constructor(checksums: string[]) {
    super(`ranks finished with different parameters (checksums ${checksums.join(', ')})`);
    this.name = 'RanksDisagreeError';
  }
}

export async function trainParallel(opts: TrainParallelOptions): Promise<TrainParallelResult> {
  const W = opts.workers;
  if (!Number.isInteger(W) || W < 1) throw new RangeError(`workers: must be a positive integer, got ${W}`);
  const batch = opts.config.training.batchSize;
  if (batch % W !== 0) {
    // Each rank takes an equal slice of the global batch, or the average would weight them unevenly.
    throw new RangeError(`training.batchSize: ${batch} is not divisible by --workers ${W}`);
  }
  const group = `train-${randomBytes(6).toString('hex')}`;
  const base: Omit<RankJob, 'rank'> = {
    config: opts.config,
    data: opts.data,
    worldSize: W,
    steps: opts.steps ?? opts.config.training.steps,
    group,
    natsUrl: opts.natsUrl,
    backend: opts.backend,
    wireFormat: opts.wireFormat ?? 'f32',
    peerTimeoutMs: opts.peerTimeoutMs ?? 30_000,
    checkpointEvery: opts.onCheckpoint ? (opts.checkpointEvery ?? opts.config.training.checkpointEvery) : 0,
    initialState: opts.initialState,
  };
  // OpenBLAS must first load here, on the main thread, to get the kernels blas-core.ts names.
  preloadNativeBlas();
  const workers = Array.from({ length: W }, (_, rank) => startRankThread({ ...base, rank }));
  const exited = workers.map((w) => new Promise((r) => w.once('exit', r)));
  const stopAll = () => workers.forEach((w) => w.postMessage({ type: 'stop' } satisfies ToRank));
  opts.signal?.addEventListener('abort', stopAll);
  if (opts.signal?.aborted) stopAll();
  try {
    const done = await new Promise<Extract<FromRank, { type: 'done' }>[]>((resolve, reject) => {
      const results: Extract<FromRank, { type: 'done' }>[] = [];
      let failed = false;
      // Callbacks run in order: a checkpoint must be written before the next one starts.
      let chain: Promise<unknown> = Promise.resolve();
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      workers.forEach((w, rank) => {
        w.on('message', (m: FromRank) => {
          if (m.type === 'step') chain = chain.then(() => opts.onStep?.(m.metrics)).catch(fail);
          else if (m.type === 'checkpoint') chain = chain.then(() => opts.onCheckpoint?.(m.state)).catch(fail);
          else if (m.type === 'error') fail(new RankFailedError(m.rank, m.error.name, m.error.code, m.error.message));
          else if (m.type === 'done') {
            results[m.rank] = m;
            if (results.filter(Boolean).length === W) void chain.then(() => resolve(results), fail);
          }
        });
        w.on('error', (err) => fail(new RankFailedError(rank, err.name, (err as { code?: string }).code, err.message)));
        w.on('exit', (code) => {
          if (!results[rank]) fail(new RankFailedError(rank, 'Exit', undefined, `thread exited with code ${code} before finishing`));
        });
      });
    });
    const sums = done.map((d) => d.checksum);
    if (new Set(sums).size !== 1) throw new RanksDisagreeError(sums);
    const first = done[0];
    return { status: first.status, step: first.step, state: first.state!, lastGoodState: first.lastGoodState, reason: first.reason };
  } finally {
    opts.signal?.removeEventListener('abort', stopAll);
    // Threads leave on their own after `done` (a last barrier, then close); after a failure,
    // or if that takes too long, they are ended here.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(exited), new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

// Node 20 does not carry tsx's loader hooks into worker threads, so a small eval'd bootstrap
// registers tsx in the thread and then imports the TypeScript entry.
const TSX_API = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs');
const ENTRY = new URL('./parallel-worker.ts', import.meta.url).href;
const BOOT = `
const { workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
import(pathToFileURL(workerData.__tsxApi).href)
  .then((m) => { m.register(); return import(workerData.__entry); })
  .catch((err) => { process.nextTick(() => { throw err; }); });
`;

function startRankThread(job: RankJob): Worker {
  return new Worker(BOOT, { eval: true, workerData: { ...job, __tsxApi: TSX_API, __entry: ENTRY } });
}
