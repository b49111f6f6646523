import { describe, expect, it } from 'vitest';
import { ControlConsensus, VOTE_KEY, type Reduce } from '../src/index.js';
import type { NamedArrays } from '@grugan/model';
import type { PendingOrder } from '../src/index.js';

/**
 * W ranks averaging through a shared rendezvous: each call waits for all W contributions,
 * then every rank gets the element-wise mean (what the collective's all-reduce computes).
 */
function meanGroup(world: number): Reduce[] {
  let inbox: NamedArrays[] = [];
  let waiters: Array<(r: NamedArrays) => void> = [];
  return Array.from({ length: world }, () => (_role, grads) =>
    new Promise<NamedArrays>((resolve) => {
      inbox.push(grads);
      waiters.push(resolve);
      if (inbox.length < world) return;
      const mean: NamedArrays = {};
      for (const key of Object.keys(inbox[0])) {
        const data = new Float32Array(inbox[0][key].data.length);
        for (const g of inbox) g[key].data.forEach((v, i) => (data[i] += v / world));
        mean[key] = { shape: inbox[0][key].shape, data };
      }
      const ws = waiters;
      inbox = [];
      waiters = [];
      ws.forEach((w) => w(mean));
    }),
  );
}

const grads = (): NamedArrays => ({ 'g/w': { shape: [2], data: new Float32Array([1, 2]) } });

describe('ControlConsensus', () => {
  it('makes every rank agree at the same step even when only one saw the order', async () => {
    const orders: Array<PendingOrder | undefined> = [undefined, undefined, undefined];
    const group = meanGroup(3);
    const ranks = orders.map((_, r) => new ControlConsensus({ pending: () => orders[r] }));
    const reduces = ranks.map((c, r) => c.wrap(group[r]));
    const step = () => Promise.all(reduces.map((f) => f('g', grads())));
    const out = await step();
    expect(ranks.map((c) => c.decision())).toEqual([undefined, undefined, undefined]);
    expect(out[0][VOTE_KEY]).toBeUndefined();
    expect(Array.from(out[1]['g/w'].data)).toEqual([1, 2]);

    orders[2] = { action: 'exploit', trialId: 't', sourceTrialId: 's', params: {} };
    await step();
    expect(ranks.map((c) => c.decision())).toEqual(['exploit', 'exploit', 'exploit']);

    ranks.forEach((c) => c.reset());
    orders[2] = undefined;
    orders[0] = { action: 'pause' };
    orders[1] = { action: 'stop' };
    await step();
    expect(ranks.map((c) => c.decision())).toEqual(['stop', 'stop', 'stop']);
  });

  it('leaves discriminator reduces untouched', async () => {
    let seen: NamedArrays | undefined;
    const c = new ControlConsensus({ pending: () => ({ action: 'stop' }) });
    await c.wrap(async (_r, g) => (seen = g))('d', grads());
    expect(Object.keys(seen!)).toEqual(['g/w']);
    expect(c.decision()).toBeUndefined();
  });
});
