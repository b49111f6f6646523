/** `/v1/sweeps` over a real NATS server: create, list, get, cancel, validation errors, auth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { destroyState, startApp, stopApp, sweepBody, uniquePrefix } from '../helpers.js';

describe('sweep routes', () => {
  const prefix = uniquePrefix();
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await startApp(prefix);
  });
  afterAll(async () => {
    await stopApp(app);
    await destroyState(prefix);
  });

  it('creates, lists, gets and cancels a sweep', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody({ base: { training: { steps: 100000, logEvery: 10 } } }) });
    expect(created.statusCode).toBe(201);
    const sweep = created.json();
    expect(sweep.id).toMatch(/^test-sweep-[a-z0-9]{6}$/);
    expect(sweep.state).toBe('running');
    expect(sweep.spec.maxTrials).toBe(3);
    expect(sweep.engine).toBeUndefined(); // internals stay internal
    expect(sweep.trialIds).toHaveLength(2); // maxConcurrentTrials started at once

    const list = await app.inject({ method: 'GET', url: '/v1/sweeps' });
    expect(list.statusCode).toBe(200);
    expect(list.json().sweeps.map((s: { id: string }) => s.id)).toContain(sweep.id);

    const got = await app.inject({ method: 'GET', url: `/v1/sweeps/${sweep.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: sweep.id, state: 'running', spec: { name: 'test sweep' } });

    const trials = await app.inject({ method: 'GET', url: `/v1/sweeps/${sweep.id}/trials` });
    expect(trials.statusCode).toBe(200);
    expect(trials.json().trials).toHaveLength(2);
    expect(trials.json().objective).toEqual({ metric: 'score', mode: 'min' });

    const cancelled = await app.inject({ method: 'DELETE', url: `/v1/sweeps/${sweep.id}` });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().state).toBe('cancelled');
    const after = await app.inject({ method: 'GET', url: `/v1/sweeps/${sweep.id}/trials` });
    for (const row of after.json().trials) expect(row.trial.state).toBe('stopped');
    // Cancelling again is harmless.
    expect((await app.inject({ method: 'DELETE', url: `/v1/sweeps/${sweep.id}` })).json().state).toBe('cancelled');
  });

  it('answers 404 with a code for unknown sweeps and trials', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/sweeps/no-such-sweep' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ERR_NOT_FOUND', message: "sweep 'no-such-sweep' not found" });
    expect((await app.inject({ method: 'GET', url: '/v1/trials/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/v1/sweeps/nope' })).statusCode).toBe(404);
  });

  it.each([
    ['a missing name', sweepBody({ name: undefined }), 'body.name'],
    ['a wrong type', sweepBody({ maxTrials: 'many' }), 'body.maxTrials'],
    ['an unknown searcher', sweepBody({ searcher: { type: 'genetic' } }), 'body.searcher'],
    ['an unknown space path', sweepBody({ space: { 'optimizer.lrX': { type: 'uniform', min: 0, max: 1 } } }), 'body.space.optimizer.lrX'],
    ['a nested config error', sweepBody({ base: { model: { hiddenSize: 0 } } }), 'body.base.model.hiddenSize'],
  ])('rejects %s with 400 naming the field', async (_what, body, field) => {
    const res = await app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ERR_INVALID_REQUEST');
    expect(res.json().message).toContain(field);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sweeps', payload: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ nats: true, state: true });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/# HELP grugan_coordinator_trials /);
    expect(metrics.body).toMatch(/grugan_coordinator_api_requests_total\{route="\/v1\/sweeps",method="POST",status="201"\} 1/);
    expect(metrics.body).toMatch(/grugan_coordinator_sweeps\{state="cancelled"\} 1/);
  });
});

describe('bearer-token auth', () => {
  const prefix = uniquePrefix();
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await startApp(prefix, { apiToken: 's3cret' });
  });
  afterAll(async () => {
    await stopApp(app);
    await destroyState(prefix);
  });

  it('401s without or with a wrong token, 200 with the right one', async () => {
    const none = await app.inject({ method: 'GET', url: '/v1/sweeps' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('ERR_UNAUTHORIZED');
    const wrong = await app.inject({ method: 'GET', url: '/v1/sweeps', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    const right = await app.inject({ method: 'GET', url: '/v1/sweeps', headers: { authorization: 'Bearer s3cret' } });
    expect(right.statusCode).toBe(200);
    // A bad body is still 401 first: nothing about the API leaks to anonymous callers.
    expect((await app.inject({ method: 'POST', url: '/v1/sweeps', payload: {} })).statusCode).toBe(401);
  });

  it('leaves probes, metrics and the API document open', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });
});
