import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { TrialConfig, stateNames } from '@grugan/protocol';
import { TrialRecordError, TrialStore } from '../src/index.js';
import { startNats, type TestNats } from './support/nats-server.js';

const names = stateNames('stest');
let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  const kv = await new Kvm(nc).create(names.trialsBucket);
  const now = new Date().toISOString();
  await kv.put(
    'good',
    JSON.stringify({
      id: 'good', sweepId: 's', config: TrialConfig.parse({}), params: { 'optimizer.lrD': 0.01 },
      state: 'running', worldSize: 2, attempt: 0, createdAt: now, updatedAt: now,
    }),
  );
  await kv.put('bad', JSON.stringify({ id: 'bad', worldSize: 0 }));
  await kv.put('junk', 'not json{');
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

describe('TrialStore', () => {
  it('loads and validates a trial record', async () => {
    const rec = await new TrialStore(nc, names).loadTrial('good');
    expect(rec.worldSize).toBe(2);
    expect(rec.config.training.batchSize).toBe(128);
  });

  it.each([
    ['missing', 'no record'],
    ['bad', 'worldSize'],
    ['junk', 'not JSON'],
  ])('rejects the %s record with TrialRecordError naming the problem', async (id, text) => {
    const p = new TrialStore(nc, names).loadTrial(id);
    await expect(p).rejects.toThrow(TrialRecordError);
    await expect(p).rejects.toThrow(text);
  });

  it('puts and gets checkpoints by trial id, newest wins', async () => {
    const store = new TrialStore(nc, names);
    expect(await store.getCheckpoint('good')).toBeNull();
    await store.putCheckpoint('good', new Uint8Array([1, 2, 3]), 10);
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    await store.putCheckpoint('good', big, 20);
    expect(await store.getCheckpoint('good')).toEqual(big);
  });
});
