/**
 * worker_threads entry for the in-process transport spec: joins the group (rank given, or
 * first-come when `rank` is absent), all-reduces `vector(n, seed + rank)` `repeats` times and
 * posts back its rank and the last result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GradientExchange, InProcessTransport } from '../src/index.js';
import { vector } from './ranks.js';

interface Job {
  namespace: string;
  group: string;
  worldSize: number;
  rank?: number;
  n: number;
  seed: number;
  repeats: number;
  maxPayload?: number;
}

const job = workerData as Job;
const transport = new InProcessTransport({ namespace: job.namespace, maxPayload: job.maxPayload });
const ex = await GradientExchange.open({ transport, group: job.group, worldSize: job.worldSize, rank: job.rank, heartbeatMs: 100 });
const input = vector(job.n, job.seed + ex.rank);
const out = new Float32Array(job.n);
for (let i = 0; i < job.repeats; i++) await ex.allReduce(input, out);
parentPort!.postMessage({ rank: ex.rank, out, stats: ex.stats() });
await ex.close();
await transport.close();
