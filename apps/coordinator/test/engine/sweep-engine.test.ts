/**
 * The sweep engine end to end over a real NATS server and REAL worker processes (the fake-worker
 * fixture speaks the worker protocol but trains a closed-form objective): sweeps complete with a
 * sorted leaderboard, ASHA stops trials early, crashed and hung workers are relaunched from their
 * checkpoint, exhausted retries fail the trial.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { LeaderboardEntry, MetricPoint, SweepView } from '@grugan/protocol';
import { NatsState } from '../../src/state/nats-state.js';
import { NATS_URL, destroyState, fakeWorkerLauncher, startApp, stopApp, sweepBody, uniquePrefix, waitFor } from '../helpers.js';

let app: FastifyInstance | undefined;
let prefix = '';

afterEach(async () => {
  await stopApp(app);
  app = undefined;
  if (prefix) await destroyState(prefix);
});

async function createSweep(body: Record<string, unknown>): Promise<SweepView> {
  const res = await app!.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function finished(id: string, timeoutMs = 45_000): Promise<SweepView> {
  return waitFor(
    async () => {
      const s = (await app!.inject({ method: 'GET', url: `/v1/sweeps/${id}` })).json() as SweepView;
      return s.state === 'running' ? undefined : s;
    },
    timeoutMs,
    `sweep ${id} to finish`,
  );
}

async function board(id: string): Promise<LeaderboardEntry[]> {
  return (await app!.inject({ method: 'GET', url: `/v1/sweeps/${id}/trials` })).json().trials;
}

async function history(trialId: string): Promise<MetricPoint[]> {
  return (await app!.inject({ method: 'GET', url: `/v1/trials/${trialId}/metrics` })).json().points;
}

describe('sweep engine', () => {
  it('runs a FIFO sweep to completion with a leaderboard sorted by the objective', async () => {
    prefix = uniquePrefix();
    app = await startApp(prefix);
    const sweep = await createSweep(sweepBody({ maxTrials: 4, maxConcurrentTrials: 2, workersPerTrial: 2 }));
    const done = await finished(sweep.id);
    expect(done.state).toBe('succeeded');
    expect(done.trialIds).toHaveLength(4);

    const rows = await board(sweep.id);
    expect(rows.map((r) => r.trial.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const scores = rows.map((r) => r.objective as number);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    // The score the fixture reports at step 100, recomputed from each trial's own parameter.
    for (const r of rows) {
      const lr = r.trial.params['optimizer.lrG'] as number;
      expect(r.objective).toBeCloseTo(1000 * Math.abs(lr - 0.002) + 10 / 101, 9);
      expect(r.trial.step).toBe(100);
      expect(r.trial.checkpointStep).toBe(100);
      expect(r.trial.worldSize).toBe(2);
    }
    expect(done.bestTrialId).toBe(rows[0].trial.id);
    expect(done.bestObjective).toBe(rows[0].objective);

    // Every metric point is in the history, in order.
    const points = (await history(rows[0].trial.id)).filter((p) => p.kind === 'metrics');
    expect(points.map((p) => p.step)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);

    // The checkpoint the worker stored is served as bytes.
    const ckpt = await app.inject({ method: 'GET', url: `/v1/trials/${rows[0].trial.id}/checkpoint` });
    expect(ckpt.statusCode).toBe(200);
    expect(ckpt.headers['content-type']).toBe('application/octet-stream');
    expect(ckpt.body).toBe('100');

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/grugan_coordinator_trials\{state="succeeded"\} 4/);
    expect(metrics).toMatch(/grugan_coordinator_scheduler_decisions_total\{decision="continue"\} 40/);
  });

  it('lists live workers as Prometheus targets', async () => {
    prefix = uniquePrefix();
    app = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_STEP_MS: '200' }) });
    const sweep = await createSweep(sweepBody({ maxTrials: 1, maxConcurrentTrials: 1, workersPerTrial: 2 }));
    const groups = await waitFor(async () => {
      const g = (await app!.inject({ method: 'GET', url: '/v1/targets' })).json() as Array<{ targets: string[]; labels: Record<string, string> }>;
      return g.length === 3 ? g : undefined;
    }, 20_000, 'worker targets');
    expect(groups[0].labels.job).toBe('grugan-coordinator');
    const workers = groups.slice(1).sort((a, b) => a.labels.rank.localeCompare(b.labels.rank));
    expect(workers.map((w) => w.targets[0])).toEqual(['127.0.0.1:19000', '127.0.0.1:19001']);
    expect(workers[0].labels).toEqual({ job: 'grugan-worker', sweep: sweep.id, trial: sweep.trialIds[0], rank: '0' });
  });

  it('lets ASHA stop trials early', async () => {
    prefix = uniquePrefix();
    app = await startApp(prefix);
    const sweep = await createSweep(
      sweepBody({
        maxTrials: 6,
        maxConcurrentTrials: 2,
        workersPerTrial: 1,
        scheduler: { type: 'asha', gracePeriod: 10, reductionFactor: 3 },
      }),
    );
    const done = await finished(sweep.id);
    expect(done.state).toBe('succeeded');
    const rows = await board(sweep.id);
    expect(rows).toHaveLength(6);
    const stopped = rows.filter((r) => r.trial.state === 'stopped');
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    for (const r of stopped) expect(r.trial.step).toBeLessThan(100);
    expect(rows.filter((r) => r.trial.state === 'succeeded').length).toBeGreaterThanOrEqual(1);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/grugan_coordinator_scheduler_decisions_total\{decision="stop"\} [1-9]/);
  });

  it('sends PBT exploit messages and records the new params', async () => {
    prefix = uniquePrefix();
    app = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_STEP_MS: '60' }) });
    const controls: Array<{ action: string; trialId: string; sourceTrialId?: string; params?: Record<string, number> }> = [];
    const sub = app.natsState.nc.subscribe(`${prefix}.trial.*.control`, { callback: (_e, m) => void controls.push(m.json()) });
    const sweep = await createSweep(
      sweepBody({
        maxTrials: 4,
        maxConcurrentTrials: 4,
        workersPerTrial: 1,
        scheduler: { type: 'pbt', perturbationInterval: 20, quantileFraction: 0.25 },
      }),
    );
    const done = await finished(sweep.id);
    sub.unsubscribe();
    expect(done.state).toBe('succeeded');
    const exploits = controls.filter((c) => c.action === 'exploit');
    expect(exploits.length).toBeGreaterThanOrEqual(1);
    const rows = await board(sweep.id);
    for (const e of exploits) {
      expect(e.sourceTrialId).not.toBe(e.trialId);
      expect(rows.map((r) => r.trial.id)).toContain(e.sourceTrialId);
    }
    // The last exploit of a trial is the params its record keeps.
    const last = exploits[exploits.length - 1];
    const row = rows.find((r) => r.trial.id === last.trialId)!;
    expect(row.trial.params).toEqual(last.params);
    expect(row.trial.config.optimizer.lrG).toBe(last.params!['optimizer.lrG']);
  });

  it('relaunches crashed workers from their last checkpoint', async () => {
    prefix = uniquePrefix();
    // Attempt 0 of every trial crashes (exit 3, no final report) halfway through.
    app = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_FAIL_ATTEMPTS: '1' }) });
    const sweep = await createSweep(sweepBody({ maxTrials: 2, maxConcurrentTrials: 2, workersPerTrial: 2, retriesPerTrial: 1 }));
    const done = await finished(sweep.id);
    expect(done.state).toBe('succeeded');
    for (const row of await board(sweep.id)) {
      expect(row.trial.state).toBe('succeeded');
      expect(row.trial.attempt).toBe(1);
      const points = (await history(row.trial.id)).filter((p) => p.kind === 'metrics');
      const first = points.filter((p) => p.attempt === 0).map((p) => p.step);
      const second = points.filter((p) => p.attempt === 1).map((p) => p.step);
      expect(first.length).toBeGreaterThan(0);
      // Attempt 1 resumed after its checkpoint (every 20 steps), not from step 0.
      expect(second[0]).toBeGreaterThan(10);
      expect(second[second.length - 1]).toBe(100);
    }
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/grugan_coordinator_trial_relaunches_total 2/);
  });

  it("relaunches crashed workers while another trial's reports keep failing to apply", async () => {
    // A report that cannot be applied is nak'd and redelivered, holding the consumer's ack floor
    // below it (as a report whose ack was lost in a NATS restart does, until the ack wait). The
    // liveness check must still see that the crashed trial's own reports are all handled.
    prefix = uniquePrefix();
    app = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_FAIL_ATTEMPTS: '1', FAKE_STEP_MS: '100' }) });
    const body = sweepBody({ maxTrials: 2, maxConcurrentTrials: 2, workersPerTrial: 1, retriesPerTrial: 1 });
    const sweep = await createSweep({ ...body, base: { training: { steps: 400, logEvery: 10 } } });
    const [poisoned, healthy] = sweep.trialIds;
    const trialOf = async (id: string) => (await app!.inject({ method: 'GET', url: `/v1/trials/${id}` })).json();
    await waitFor(async () => (await trialOf(poisoned)).step > 0, 10_000, 'first progress');
    // The poisoned trial's record vanishes: each of its further reports fails to apply.
    const state = await NatsState.open({ natsUrl: NATS_URL, statePrefix: prefix });
    try {
      await state.trials.delete(poisoned);
    } finally {
      await state.close();
    }
    // The healthy trial crashes halfway (step 200), is relaunched, and finishes.
    const done = await waitFor(async () => {
      const t = await trialOf(healthy);
      return t.state === 'succeeded' ? t : undefined;
    }, 30_000, 'the crashed trial to be relaunched and finish');
    expect(done.attempt).toBe(1);
    expect(done.step).toBe(400);
    expect(done.message).toMatch(/workers lost/);
  });

  it('relaunches hung workers after the report timeout', async () => {
    prefix = uniquePrefix();
    app = await startApp(prefix, { reportTimeoutMs: 5000 }, { launcher: fakeWorkerLauncher({ FAKE_HANG_ATTEMPTS: '1' }) });
    const sweep = await createSweep(sweepBody({ maxTrials: 1, maxConcurrentTrials: 1, workersPerTrial: 1, retriesPerTrial: 2 }));
    const done = await finished(sweep.id);
    expect(done.state).toBe('succeeded');
    const [row] = await board(sweep.id);
    expect(row.trial.attempt).toBe(1);
    expect(row.trial.message).toMatch(/workers lost/);
  });

  it('fails a trial whose retries are exhausted', async () => {
    prefix = uniquePrefix();
    app = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_FAIL_ATTEMPTS: '9' }) });
    const sweep = await createSweep(sweepBody({ maxTrials: 1, maxConcurrentTrials: 1, workersPerTrial: 1, retriesPerTrial: 1 }));
    const done = await finished(sweep.id);
    expect(done.state).toBe('failed');
    const [row] = await board(sweep.id);
    expect(row.trial.state).toBe('failed');
    expect(row.trial.attempt).toBe(1);
    expect(row.trial.message).toMatch(/retries exhausted/);
    expect(row.rank).toBeNull();
  });
});
