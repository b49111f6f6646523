/**
 * Failure paths against real servers: a private nats-server with a small max_payload (forces
 * chunking) that the test kills and restarts, and a rank in its own process killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerLostError, TransportDisconnectedError, CollectiveError } from './index.js';
import { SHARED_NATS_URL, startNatsServer, type PrivateNatsServer } from '../test/nats-server.js';
import { bitsEqual, freshGroup, maxRelError, natsTransportFor, openRanks, referenceMean, vector } from '../test/ranks.js';

describe('a private nats-server with max_payload 4096', () => {
  let server: PrivateNatsServer;
  beforeAll(async () => {
    server = await startNatsServer({ maxPayload: 4096 });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('reads max_payload from the server and chunks under it', async () => {
    const W = 3;
    const n = 20_011;
    const ranks = await openRanks(W, natsTransportFor(server.url));
    try {
      expect(ranks.transports[0].maxPayload).toBe(4096);
      const inputs = Array.from({ length: W }, (_, r) => vector(n, 31 + r));
      const outs = await Promise.all(ranks.exchanges.map((e, r) => e.allReduce(inputs[r].slice())));
      const ref = referenceMean(inputs);
      for (const o of outs) expect(maxRelError(o, ref)).toBeLessThan(1e-6);
      const s = ranks.exchanges[0].stats();
      // Chunks carry at most (4096 − header reserve) bytes, so many more than one per segment.
      expect(s.chunksSent).toBeGreaterThanOrEqual(Math.ceil(s.bytesSent / 4096));
      expect(s.bytesSent / s.chunksSent).toBeLessThanOrEqual(4096);
    } finally {
      await ranks.close();
    }
  });

  it('a server restart fails the step with TransportDisconnectedError, and the retry succeeds', async () => {
    const W = 2;
    const n = 5001;
    const ranks = await openRanks(W, natsTransportFor(server.url), { peerTimeoutMs: 2000 });
    try {
      const inputs = Array.from({ length: W }, (_, r) => vector(n, 600 + r));
      await Promise.all(ranks.exchanges.map((e, r) => e.allReduce(inputs[r].slice())));
      await server.kill();
      const failed = await Promise.allSettled(ranks.exchanges.map((e, r) => e.allReduce(inputs[r].slice())));
      for (const f of failed) {
        expect(f.status).toBe('rejected');
        expect((f as PromiseRejectedResult).reason).toBeInstanceOf(TransportDisconnectedError);
      }
      await server.start();
      // Wait for both clients to reconnect (they retry every 250 ms).
      const deadline = Date.now() + 10_000;
      while (!ranks.transports.every((t) => t.connected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // Longer than peerTimeoutMs: reconnection must not have been mistaken for lost peers.
      await new Promise((r) => setTimeout(r, 2500));
      const outs = await Promise.all(ranks.exchanges.map((e, r) => e.allReduce(inputs[r].slice())));
      expect(maxRelError(outs[0], referenceMean(inputs))).toBeLessThan(1e-6);
      expect(bitsEqual(outs[0], outs[1])).toBe(true);
    } finally {
      await ranks.close();
    }
  }, 30_000);
});

describe('a rank killed mid-run', () => {
  it('makes the others fail with PeerLostError within the peer timeout, not hang', async () => {
    const group = freshGroup('kill');
    const W = 3;
    const peerTimeoutMs = 3000;
    const script = fileURLToPath(new URL('../test/rank-process.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, SHARED_NATS_URL, group, String(W), '2'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ranks = await openRanks(2, natsTransportFor(SHARED_NATS_URL), { group, worldSize: W, peerTimeoutMs });
    try {
      const v = (r: number) => new Float32Array(1000).fill(r);
      // Train along with the child for a few steps: the group works.
      for (let step = 0; step < 3; step++) {
        const outs = await Promise.all(ranks.exchanges.map((e, r) => e.allReduce(v(r))));
        expect(outs[0][0]).toBe(1); // (0 + 1 + 2) / 3
      }
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await once(child, 'exit');
      const results = await Promise.allSettled(ranks.exchanges.map((e, r) => e.allReduce(v(r))));
      const elapsed = Date.now() - killedAt;
      for (const res of results) {
        expect(res.status).toBe('rejected');
        const err = (res as PromiseRejectedResult).reason as PeerLostError;
        expect(err).toBeInstanceOf(PeerLostError);
        expect(err).toBeInstanceOf(CollectiveError);
        expect(err.code).toBe('COLLECTIVE_PEER_LOST');
        expect(err.rank).toBe(2);
      }
      // Detected after the timeout has passed (plus a heartbeat check), never much later.
      expect(elapsed).toBeGreaterThanOrEqual(peerTimeoutMs - 200);
      expect(elapsed).toBeLessThan(peerTimeoutMs + 2000);
      // The group stays failed: later calls reject at once.
      await expect(ranks.exchanges[0].allReduce(v(0))).rejects.toBeInstanceOf(PeerLostError);
    } finally {
      child.kill('SIGKILL');
      await ranks.close();
    }
  }, 30_000);

  it('a rank that leaves on purpose is reported lost at once', async () => {
    const ranks = await openRanks(2, natsTransportFor(SHARED_NATS_URL), { peerTimeoutMs: 20_000 });
    try {
      const started = Date.now();
      const pending = ranks.exchanges[0].allReduce(new Float32Array(10)).catch((err: unknown) => err);
      await ranks.exchanges[1].close();
      expect(await pending).toBeInstanceOf(PeerLostError);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await ranks.close();
    }
  });
});
