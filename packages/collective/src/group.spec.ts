/** Group membership edge cases, on the in-process transport (no server needed). */
import { describe, expect, it } from 'vitest';
import { CollectiveConfigError, CollectiveTimeoutError, GradientExchange, Group, InProcessTransport } from './index.js';
import { freshGroup, inProcessTransportFor, openRanks } from '../test/ranks.js';

describe('Group', () => {
  it('rejects bad options naming the field', async () => {
    const transport = new InProcessTransport();
    try {
      await expect(Group.join({ transport, group: 'has.dot', worldSize: 2 })).rejects.toThrow(/^group:/);
      await expect(Group.join({ transport, group: 'ok', worldSize: 0 })).rejects.toThrow(/worldSize/);
      await expect(Group.join({ transport, group: 'ok', worldSize: 2, rank: 2 })).rejects.toBeInstanceOf(CollectiveConfigError);
    } finally {
      await transport.close();
    }
  });

  it('gives up joining with CollectiveTimeoutError when a rank never shows up', async () => {
    const transport = new InProcessTransport({ namespace: freshGroup('ns') });
    try {
      const started = Date.now();
      const err = await GradientExchange.open({ transport, group: freshGroup(), worldSize: 2, rank: 0, heartbeatMs: 50, joinTimeoutMs: 400 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CollectiveTimeoutError);
      expect((err as Error).message).toMatch(/1\/2 present/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await transport.close();
    }
  });

  it('after a loss, the survivors and a replacement rejoin under a higher generation', async () => {
    const ns = freshGroup('ns');
    const group = freshGroup();
    const ranks = await openRanks(2, inProcessTransportFor(ns), { group, peerTimeoutMs: 1000 });
    const [survivor, leaving] = ranks.exchanges;
    try {
      expect(survivor.group.generation).toBe(1);
      await leaving.close();
      const lost = await survivor.allReduce(new Float32Array(4)).catch((e: unknown) => e);
      expect((lost as Error).name).toBe('PeerLostError');
      const transport = new InProcessTransport({ namespace: ns });
      const [replacement] = await Promise.all([
        GradientExchange.open({ transport, group, worldSize: 2, rank: 1, heartbeatMs: 100 }),
        survivor.group.rejoin(),
      ]);
      expect(survivor.group.generation).toBe(2);
      expect(replacement.group.generation).toBe(2);
      const [a, b] = await Promise.all([survivor.allReduce(new Float32Array([2])), replacement.allReduce(new Float32Array([4]))]);
      expect(a[0]).toBe(3);
      expect(b[0]).toBe(3);
      await replacement.close();
      await transport.close();
    } finally {
      await ranks.close();
    }
  });
});
