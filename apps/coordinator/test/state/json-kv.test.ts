/** JsonKvStore against a real JetStream KV bucket: CAS updates, conflicts, corrupt entries. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { z } from 'zod';
import { JsonKvStore, isRevisionConflict } from '../../src/state/json-kv.js';
import { CasConflictError, CorruptStateError } from '../../src/errors.js';
import { NATS_URL, uniquePrefix } from '../helpers.js';

const Counter = z.object({ n: z.number().int(), writers: z.array(z.string()) });

describe('JsonKvStore', () => {
  let nc: NatsConnection;
  let kv: KV;
  let store: JsonKvStore<typeof Counter>;
  const bucket = `${uniquePrefix()}-kvtest`;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    kv = await new Kvm(nc).create(bucket, { history: 1 });
    store = new JsonKvStore(kv, bucket, Counter);
  });
  afterAll(async () => {
    await kv?.destroy();
    await nc?.close();
  });

  it('creates once: a second create of the same key is a revision conflict', async () => {
    await store.create('c1', { n: 0, writers: [] });
    const err = await store.create('c1', { n: 5, writers: [] }).catch((e: unknown) => e);
    expect(isRevisionConflict(err)).toBe(true);
    expect((await store.get('c1'))?.value.n).toBe(0);
  });

  it('rejects a write at a stale revision', async () => {
    await store.create('c2', { n: 0, writers: [] });
    const first = (await store.get('c2'))!;
    await kv.update('c2', JSON.stringify({ n: 1, writers: ['a'] }), first.revision);
    const stale = await kv.update('c2', JSON.stringify({ n: 99, writers: ['b'] }), first.revision).catch((e: unknown) => e);
    expect(isRevisionConflict(stale)).toBe(true);
    expect((await store.get('c2'))?.value).toEqual({ n: 1, writers: ['a'] });
  });

  it('loses no update when many writers increment concurrently', async () => {
    await store.create('c3', { n: 0, writers: [] });
    // Two independent stores (as two coordinators would have), 10 concurrent writers each.
    const other = new JsonKvStore(await new Kvm(nc).open(bucket), bucket, Counter, 100);
    const writers = Array.from({ length: 20 }, (_, i) => `w${i}`);
    await Promise.all(
      writers.map((w, i) =>
        (i % 2 ? other : store).update('c3', (c) => ({ n: c.n + 1, writers: [...c.writers, w] })),
      ),
    );
    const final = (await store.get('c3'))!.value;
    expect(final.n).toBe(20);
    expect([...final.writers].sort()).toEqual([...writers].sort());
  });

  it('gives up with CasConflictError when it keeps losing', async () => {
    await store.create('c4', { n: 0, writers: [] });
    // A bucket view whose every CAS is preceded by a competing write to the same key on the real
    // server, so every attempt loses the race.
    let competing = 0;
    const racing = Object.create(kv) as KV;
    racing.update = async (k, data, revision) => {
      await kv.put(k, JSON.stringify({ n: 1000 + ++competing, writers: ['rival'] }));
      return kv.update(k, data, revision);
    };
    const impatient = new JsonKvStore(racing, bucket, Counter, 3);
    const err = await impatient.update('c4', (c) => ({ n: c.n + 1, writers: ['me'] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CasConflictError);
    expect((err as CasConflictError).code).toBe('ERR_CAS_CONFLICT');
    expect(competing).toBe(3);
    // The rival's value stands; ours was never written over it.
    expect((await store.get('c4'))?.value).toEqual({ n: 1003, writers: ['rival'] });
  });

  it('returns null for missing keys and skips corrupt entries when listing', async () => {
    expect(await store.get('absent')).toBeNull();
    expect(await store.update('absent', (c) => c)).toBeNull();
    await kv.put('junk', 'not json');
    await kv.put('wrong', JSON.stringify({ n: 'x' }));
    await expect(store.get('junk')).rejects.toBeInstanceOf(CorruptStateError);
    await expect(store.get('wrong')).rejects.toThrow(/n: /);
    const before = store.corruptEntries;
    const keys = (await store.list()).map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['c1', 'c2', 'c3']));
    expect(keys).not.toContain('junk');
    expect(store.corruptEntries - before).toBe(2);
  });
});
