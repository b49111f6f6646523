/** `/v1/trials/:id/...` over a real NATS server: record, checkpoint bytes, samples errors, history. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TrialConfig, type TrialRecord } from '@grugan/protocol';
import { destroyState, startApp, stopApp, uniquePrefix } from '../helpers.js';

describe('trial routes', () => {
  const prefix = uniquePrefix();
  let app: FastifyInstance;
  const now = new Date().toISOString();
  const trial: TrialRecord = {
    id: 'lone-t0000',
    sweepId: 'lone',
    config: TrialConfig.parse({}),
    params: { 'optimizer.lrG': 0.001 },
    state: 'succeeded',
    worldSize: 1,
    attempt: 0,
    step: 5,
    metrics: { score: 1 },
    createdAt: now,
    updatedAt: now,
  };

  beforeAll(async () => {
    app = await startApp(prefix);
    await app.natsState.trials.create(trial.id, trial);
  });
  afterAll(async () => {
    await stopApp(app);
    await destroyState(prefix);
  });

  it('gets a trial record', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/trials/${trial.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: trial.id, state: 'succeeded', params: { 'optimizer.lrG': 0.001 } });
  });

  it('answers 404 for a checkpoint or samples before any checkpoint exists', async () => {
    for (const url of [`/v1/trials/${trial.id}/checkpoint`, `/v1/trials/${trial.id}/samples?n=3`]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().message).toBe(`checkpoint '${trial.id}' not found`);
    }
  });

  it('serves checkpoint bytes unchanged, and refuses to sample an unreadable one', async () => {
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);
    await app.natsState.checkpoints.putBlob({ name: trial.id }, bytes);
    const res = await app.inject({ method: 'GET', url: `/v1/trials/${trial.id}/checkpoint` });
    expect(res.statusCode).toBe(200);
    expect(new Uint8Array(res.rawPayload)).toEqual(bytes);
    const samples = await app.inject({ method: 'GET', url: `/v1/trials/${trial.id}/samples?n=3` });
    expect(samples.statusCode).toBe(422);
    expect(samples.json()).toMatchObject({ code: 'ERR_CHECKPOINT_UNREADABLE' });
    expect(samples.json().message).toContain(`checkpoint of trial '${trial.id}' is unreadable`);
  });

  it('generates samples in original units from a real checkpoint', async () => {
    const model = await import('@grugan/model');
    await model.selectBackend();
    const config = TrialConfig.parse({ data: { dataset: 'sines', seqLen: 6, features: 2 }, model: { kind: 'grugan', hiddenSize: 4, layers: 1 }, seed: 3 });
    const trainer = new model.GanTrainer(config, 2);
    const ckpt = {
      config,
      trainer: { ...trainer.getState(), rng: {} },
      scaler: { kind: 'minmax' as const, min: [10, -5], max: [20, 5] },
      columns: ['price', 'volume'],
      source: 'test',
      createdAt: now,
    };
    trainer.dispose();
    const id = 'sampled-t0000';
    await app.natsState.trials.create(id, { ...trial, id, config });
    await app.natsState.checkpoints.putBlob({ name: id }, model.serializeCheckpoint(ckpt));

    const res = await app.inject({ method: 'GET', url: `/v1/trials/${id}/samples?n=3&seed=7` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = res.body.trim().split('\n');
    expect(header).toBe('sequence,step,price,volume');
    expect(rows).toHaveLength(3 * 6);
    expect(rows.map((r) => r.split(',').slice(0, 2).join(','))).toEqual(
      Array.from({ length: 18 }, (_, i) => `${Math.floor(i / 6)},${i % 6}`),
    );
    // The generator's sigmoid output lies in (0, 1), so inverse scaling lands inside [min, max].
    for (const r of rows) {
      const [, , price, volume] = r.split(',').map(Number);
      expect(price).toBeGreaterThan(10);
      expect(price).toBeLessThan(20);
      expect(volume).toBeGreaterThan(-5);
      expect(volume).toBeLessThan(5);
    }
    // Same seed, same samples; another seed, other samples.
    expect((await app.inject({ method: 'GET', url: `/v1/trials/${id}/samples?n=3&seed=7` })).body).toBe(res.body);
    expect((await app.inject({ method: 'GET', url: `/v1/trials/${id}/samples?n=3&seed=8` })).body).not.toBe(res.body);
  });

  it('validates the samples query, naming the parameter', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/trials/${trial.id}/samples?n=0` });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('querystring.n');
  });

  it('returns an empty history for a trial without reports and 404 for unknown trials', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/trials/${trial.id}/metrics` });
    expect(res.json()).toEqual({ trialId: trial.id, points: [] });
    expect((await app.inject({ method: 'GET', url: '/v1/trials/unknown-t0001/metrics' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/trials/Bad_Id' })).statusCode).toBe(400);
  });
});
