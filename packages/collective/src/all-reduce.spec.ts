/** allReduce over the real NATS server on 127.0.0.1:4222 (or NATS_URL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectiveSubjects } from '@grugan/protocol';
import { GradientExchange, connectNatsTransport, type NatsTransport } from './index.js';
import { SHARED_NATS_URL } from '../test/nats-server.js';
import { bitsEqual, freshGroup, maxRelError, natsTransportFor, openRanks, referenceMean, vector } from '../test/ranks.js';

const nats = natsTransportFor(SHARED_NATS_URL);

async function reduceAll(inputs: Float32Array[], ranks: Awaited<ReturnType<typeof openRanks>>): Promise<Float32Array[]> {
  const copies = inputs.map((v) => v.slice());
  return Promise.all(ranks.exchanges.map((e, r) => e.allReduce(copies[r])));
}

describe('allReduce over NATS', () => {
  for (const W of [2, 3, 4]) {
    it(`W=${W}: equals the float64 mean for odd lengths (1, W-1, 1001, 100 003)`, async () => {
      const ranks = await openRanks(W, nats);
      try {
        for (const n of [1, W - 1, 1001, 100_003]) {
          const inputs = Array.from({ length: W }, (_, r) => vector(n, 1000 * n + r));
          const outs = await reduceAll(inputs, ranks);
          const ref = referenceMean(inputs);
          for (const out of outs) {
            expect(out.length).toBe(n);
            expect(maxRelError(out, ref)).toBeLessThan(1e-6);
            expect(bitsEqual(out, outs[0])).toBe(true);
          }
        }
        expect(ranks.exchanges[0].stats().ops).toBe(4);
      } finally {
        await ranks.close();
      }
    });
  }

  it('is bit-identical run to run and independent of which rank starts first', async () => {
    const W = 3;
    const n = 50_001;
    const inputs = Array.from({ length: W }, (_, r) => vector(n, 77 + r));
    const results: Float32Array[] = [];
    for (const order of [[0, 1, 2], [2, 1, 0]]) {
      const ranks = await openRanks(W, nats);
      try {
        const copies = inputs.map((v) => v.slice());
        const promises: Promise<Float32Array>[] = new Array(W);
        for (const r of order) {
          promises[r] = ranks.exchanges[r].allReduce(copies[r]);
          await new Promise((res) => setTimeout(res, 30));
        }
        const outs = await Promise.all(promises);
        results.push(outs[0]);
      } finally {
        await ranks.close();
      }
    }
    expect(bitsEqual(results[0], results[1])).toBe(true);
    // Float64 accumulation in rank order: the result is the correctly rounded mean here.
    expect(maxRelError(results[0], referenceMean(inputs))).toBeLessThan(1e-6);
  });

  it('reduces 20 million floats across max_payload in chunks', async () => {
    const W = 2;
    const n = 20_000_000;
    const ranks = await openRanks(W, nats, { opTimeoutMs: 120_000, peerTimeoutMs: 20_000 });
    try {
      const maxPayload = ranks.transports[0].maxPayload;
      const inputs = [new Float32Array(n), new Float32Array(n)];
      for (let i = 0; i < n; i++) {
        inputs[0][i] = i % 1000;
        inputs[1][i] = -(i % 997);
      }
      const outs = await Promise.all(ranks.exchanges.map((e, r) => e.allReduce(inputs[r])));
      for (const out of outs) {
        for (let i = 0; i < n; i += 9973) expect(out[i]).toBe(((i % 1000) - (i % 997)) / 2);
        expect(out[n - 1]).toBe((((n - 1) % 1000) - ((n - 1) % 997)) / 2);
      }
      const s = ranks.exchanges[0].stats();
      // Each rank sends half the vector to the other and its own half back: n·4 bytes in all,
      // in chunks no larger than max_payload allows.
      expect(s.bytesSent).toBe(n * 4);
      expect(s.chunksSent).toBeGreaterThanOrEqual(Math.ceil((n * 4) / maxPayload));
    } finally {
      await ranks.close();
    }
  }, 120_000);

  it('is exact when ranks chunk differently (each owner then reduces its segment whole)', async () => {
    // Chunks are reduced as they complete only on a shared chunk grid; a peer with another chunk
    // size must not make an owner publish a mean before every slice of it is in.
    const W = 3;
    const n = 90_001;
    const group = freshGroup();
    const transports = await Promise.all(Array.from({ length: W }, () => nats()));
    const exchanges = await Promise.all(
      transports.map((transport, rank) =>
        GradientExchange.open({ heartbeatMs: 100, peerTimeoutMs: 3000, joinTimeoutMs: 15_000, transport, group, worldSize: W, rank, maxChunkBytes: [4000, 6004, 10_000][rank] }),
      ),
    );
    try {
      const inputs = Array.from({ length: W }, (_, r) => vector(n, 500 + r));
      const outs = await Promise.all(exchanges.map((e, r) => e.allReduce(inputs[r].slice())));
      const ref = referenceMean(inputs);
      for (const out of outs) {
        expect(maxRelError(out, ref)).toBeLessThan(1e-6);
        expect(bitsEqual(out, outs[0])).toBe(true);
      }
    } finally {
      await Promise.all(exchanges.map((e) => e.close()));
      await Promise.all(transports.map((t) => t.close()));
    }
  });

  for (const format of ['f16', 'bf16'] as const) {
    it(`${format} wire format halves the bytes and stays within its precision`, async () => {
      const W = 3;
      const n = 30_001;
      const inputs = Array.from({ length: W }, (_, r) => vector(n, 5 + r).map((x) => x + (r % 2 ? 1 : -1) * 0.5));
      const ref = referenceMean(inputs);
      const f32 = await openRanks(W, nats);
      const half = await openRanks(W, nats, { wireFormat: format });
      try {
        await reduceAll(inputs, f32);
        const outs = await reduceAll(inputs, half);
        expect(half.exchanges[0].stats().bytesSent * 2).toBe(f32.exchanges[0].stats().bytesSent);
        // Two roundings (slices in, mean out), each at most 2^-11 (fp16) or 2^-8 (bf16) relative;
        // compared against the scale of the inputs, as cancellation makes tiny means.
        const unit = format === 'f16' ? 2 ** -11 : 2 ** -8;
        let worst = 0;
        for (let i = 0; i < n; i++) {
          const scale = Math.max(...inputs.map((v) => Math.abs(v[i])));
          worst = Math.max(worst, Math.abs(outs[0][i] - ref[i]) / scale);
        }
        expect(worst).toBeLessThan(3 * unit);
        expect(worst).toBeGreaterThan(0);
        for (const o of outs) expect(bitsEqual(o, outs[0])).toBe(true);
      } finally {
        await f32.close();
        await half.close();
      }
    });
  }

  it('reduces NamedArrays as one vector in sorted-key order', async () => {
    const ranks = await openRanks(2, nats);
    try {
      const grads = (r: number) => ({
        'd/b': { shape: [3], data: new Float32Array([r, r + 1, r + 2]) },
        'd/a': { shape: [2, 2], data: new Float32Array([10 * r, 1, 2, 3]) },
      });
      const outs = await Promise.all(ranks.exchanges.map((e, r) => e.allReduceNamed(r === 0 ? grads(0) : { 'd/a': grads(1)['d/a'], 'd/b': grads(1)['d/b'] })));
      for (const o of outs) {
        expect(Array.from(o['d/a'].data)).toEqual([5, 1, 2, 3]);
        expect(Array.from(o['d/b'].data)).toEqual([0.5, 1.5, 2.5]);
        expect(o['d/a'].shape).toEqual([2, 2]);
      }
    } finally {
      await ranks.close();
    }
  });

  describe('garbage on the group subjects', () => {
    let spoiler: NatsTransport;
    beforeAll(async () => {
      spoiler = await connectNatsTransport({ servers: SHARED_NATS_URL });
    });
    afterAll(async () => {
      await spoiler.close();
    });

    it('is dropped, counted, and changes nothing', async () => {
      const group = freshGroup('garbage');
      const W = 3;
      const n = 10_001;
      const ranks = await openRanks(W, nats, { group });
      try {
        const inputs = Array.from({ length: W }, (_, r) => vector(n, 900 + r));
        const clean = await reduceAll(inputs, ranks);
        const before = ranks.exchanges.map((e) => e.stats());
        const good = {
          'grugan-group': group, 'grugan-gen': '1', 'grugan-rank': '2', 'grugan-seq': '1',
          'grugan-phase': 'rs', 'grugan-len': String(n), 'grugan-off': '0', 'grugan-enc': 'f32',
        };
        const bytes = new Uint8Array(400).fill(0x7f);
        const rs0 = collectiveSubjects.reduceScatter(group, 0);
        const ag = collectiveSubjects.allGather(group);
        const ctl = collectiveSubjects.control(group);
        spoiler.publish(rs0, bytes); // no headers → malformed
        spoiler.publish(rs0, bytes, { ...good, 'grugan-seq': 'x' }); // malformed header
        spoiler.publish(ag, new Uint8Array(3), { ...good, 'grugan-phase': 'ag' }); // not whole floats
        spoiler.publish(rs0, bytes, { ...good, 'grugan-rank': '9' }); // no such rank
        spoiler.publish(rs0, bytes, { ...good, 'grugan-group': 'someone-else' }); // foreign
        spoiler.publish(ag, bytes, { ...good, 'grugan-phase': 'ag', 'grugan-gen': '0' }); // older generation
        spoiler.publish(rs0, bytes, { ...good, 'grugan-seq': '0' }); // finished operation
        spoiler.publish(ctl, new TextEncoder().encode('{"type":"hello"')); // not JSON
        spoiler.publish(ctl, new TextEncoder().encode(JSON.stringify({ type: 'heartbeat', group: 'other', memberId: 'x', rank: 0, worldSize: 2, generation: 1, seen: 1 })));
        await spoiler.flush();
        await new Promise((r) => setTimeout(r, 300));
        const again = await reduceAll(inputs, ranks);
        for (let r = 0; r < W; r++) expect(bitsEqual(again[r], clean[r])).toBe(true);
        const after = ranks.exchanges[0].stats();
        // Rank 0 hears rs.0, ag and ctl: 9 messages, every one dropped for its reason.
        expect(after.malformed - before[0].malformed).toBe(5);
        expect(after.foreign - before[0].foreign).toBe(2);
        expect(after.stale - before[0].stale).toBe(2);
        // Rank 1 only hears ag (2 messages) and ctl (2).
        const r1 = ranks.exchanges[1].stats();
        expect(r1.malformed + r1.foreign + r1.stale - (before[1].malformed + before[1].foreign + before[1].stale)).toBe(4);
      } finally {
        await ranks.close();
      }
    });
  });
});
