/** The in-process transport: ranks as worker_threads of one process, no server. */
import { describe, expect, it } from 'vitest';
import type { ExchangeStats } from './index.js';
import { startTsWorker } from '../test/ts-worker.js';
import { bitsEqual, freshGroup, inProcessTransportFor, maxRelError, openRanks, referenceMean, vector } from '../test/ranks.js';

interface Reply {
  rank: number;
  out: Float32Array;
  stats: ExchangeStats;
}

function runThreads(count: number, job: Record<string, unknown>, ranked: boolean): Promise<Reply[]> {
  const entry = new URL('../test/inprocess-rank.ts', import.meta.url);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      new Promise<Reply>((resolve, reject) => {
        const w = startTsWorker(entry, { workerData: { ...job, rank: ranked ? i : undefined } });
        let reply: Reply | undefined;
        w.once('message', (m: Reply) => (reply = m));
        w.once('error', reject);
        w.once('exit', (code) => (reply && code === 0 ? resolve(reply) : reject(new Error(`rank thread exited with ${code}`))));
      }),
    ),
  );
}

describe('InProcessTransport', () => {
  it('all-reduces across worker_threads, chunked under its maxPayload', async () => {
    const W = 3;
    const n = 10_007;
    const job = { namespace: freshGroup('ns'), group: freshGroup(), worldSize: W, n, seed: 40, repeats: 2, maxPayload: 4096 };
    const replies = await runThreads(W, job, true);
    const ref = referenceMean(Array.from({ length: W }, (_, r) => vector(n, 40 + r)));
    for (const r of replies) {
      expect(maxRelError(r.out, ref)).toBeLessThan(1e-6);
      expect(bitsEqual(r.out, replies[0].out)).toBe(true);
      expect(r.stats.ops).toBe(2);
      expect(r.stats.bytesSent / r.stats.chunksSent).toBeLessThanOrEqual(4096);
    }
  });

  it('assigns ranks first-come when the launcher gives none', async () => {
    const W = 3;
    const n = 101;
    const job = { namespace: freshGroup('ns'), group: freshGroup(), worldSize: W, n, seed: 7, repeats: 1 };
    const replies = await runThreads(W, job, false);
    expect(replies.map((r) => r.rank).sort()).toEqual([0, 1, 2]);
    const ref = referenceMean(Array.from({ length: W }, (_, r) => vector(n, 7 + r)));
    for (const r of replies) expect(maxRelError(r.out, ref)).toBeLessThan(1e-6);
  });

  it('keeps namespaces apart and agrees on one generation', async () => {
    const group = freshGroup();
    const a = await openRanks(2, inProcessTransportFor(freshGroup('ns')), { group, generation: 3 });
    const b = await openRanks(2, inProcessTransportFor(freshGroup('ns')), { group });
    try {
      const [x, y] = await Promise.all([
        Promise.all(a.exchanges.map((e, r) => e.allReduce(new Float32Array([r * 2])))),
        Promise.all(b.exchanges.map((e, r) => e.allReduce(new Float32Array([r * 4])))),
      ]);
      expect(x[0][0]).toBe(1);
      expect(y[0][0]).toBe(2);
      expect(a.exchanges.map((e) => e.group.generation)).toEqual([3, 3]);
      expect(b.exchanges.map((e) => e.group.generation)).toEqual([1, 1]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
