/**
 * Durability of the whole app: state survives a coordinator restart (graceful, and SIGKILL of a
 * coordinator process mid-sweep); the restarted coordinator adopts the running workers, applies
 * every report they sent while it was away, and completes the sweep with no metric point lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { LeaderboardEntry, MetricPoint, SweepView } from '@grugan/protocol';
import { NatsState } from '../src/state/nats-state.js';
import { NATS_URL, destroyState, fakeWorkerLauncher, startApp, stopApp, sweepBody, uniquePrefix, waitFor } from './helpers.js';

let prefix = '';
const apps: FastifyInstance[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const a of apps.splice(0)) await stopApp(a);
  if (prefix) await destroyState(prefix);
});

type Client = (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<{ status: number; json: any }>;

const injectClient = (app: FastifyInstance): Client => async (method, url, body) => {
  const res = await app.inject({ method, url, payload: body as Record<string, unknown> | undefined });
  return { status: res.statusCode, json: res.json() };
};

const httpClient = (base: string): Client => async (method, url, body) => {
  const res = await fetch(base + url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
};

/** Checks a finished sweep: every trial accounted for, and every metric point of each attempt present. */
async function expectComplete(client: Client, sweepId: string, maxTrials: number): Promise<void> {
  const sweep = (await client('GET', `/v1/sweeps/${sweepId}`)).json as SweepView;
  expect(sweep.state).toBe('succeeded');
  expect(sweep.trialIds).toHaveLength(maxTrials);
  const rows = (await client('GET', `/v1/sweeps/${sweepId}/trials`)).json.trials as LeaderboardEntry[];
  expect(rows.map((r) => r.trial.state).sort()).toEqual(Array(maxTrials).fill('succeeded'));
  for (const r of rows) {
    const points = ((await client('GET', `/v1/trials/${r.trial.id}/metrics`)).json.points as MetricPoint[]).filter(
      (p) => p.kind === 'metrics' && p.attempt === r.trial.attempt,
    );
    const steps = points.map((p) => p.step);
    // The last attempt's points run without gaps up to the end.
    expect(steps[steps.length - 1]).toBe(100);
    for (let i = 1; i < steps.length; i++) expect(steps[i] - steps[i - 1]).toBe(10);
    expect(r.trial.step).toBe(100);
    // Workers alive across the restart were adopted, not relaunched: one attempt, every point.
    expect(r.trial.attempt).toBe(0);
    expect(steps).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  }
}

describe('coordinator restart', () => {
  it('reloads sweeps and trials after a graceful restart and finishes the sweep', async () => {
    prefix = uniquePrefix();
    const first = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_STEP_MS: '80' }) });
    apps.push(first);
    const created = await first.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody({ maxTrials: 3, maxConcurrentTrials: 2 }) });
    const sweep = created.json() as SweepView;
    // Wait until a trial has made progress, then stop the coordinator (workers keep running).
    await waitFor(async () => {
      const rows = (await first.inject({ method: 'GET', url: `/v1/sweeps/${sweep.id}/trials` })).json().trials as LeaderboardEntry[];
      return rows.some((r) => r.trial.step >= 20);
    }, 20_000, 'progress');
    await first.close();
    apps.splice(0);

    const second = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_STEP_MS: '20' }) });
    apps.push(second);
    const reloaded = (await second.inject({ method: 'GET', url: `/v1/sweeps/${sweep.id}` })).json() as SweepView;
    expect(reloaded.id).toBe(sweep.id);
    expect(reloaded.trialIds.slice(0, 2)).toEqual(sweep.trialIds);
    expect(reloaded.spec).toEqual(sweep.spec);
    const client = injectClient(second);
    await waitFor(async () => (await client('GET', `/v1/sweeps/${sweep.id}`)).json.state !== 'running', 45_000, 'sweep end');
    await expectComplete(client, sweep.id, 3);
  });

  it('drops a trial created but never counted by its sweep (a crash between the two writes)', async () => {
    prefix = uniquePrefix();
    const first = await startApp(prefix, {}, { launcher: fakeWorkerLauncher({ FAKE_STEP_MS: '100' }) });
    apps.push(first);
    const sweep = (await first.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody({ maxTrials: 2, maxConcurrentTrials: 1, workersPerTrial: 1 }) })).json() as SweepView;
    expect(sweep.trialIds).toEqual([`${sweep.id}-t0000`]);
    await first.close();
    apps.splice(0);
    // What a crash right after `trials.create` leaves behind: the next trial's record, uncounted.
    const orphanId = `${sweep.id}-t0001`;
    const state = await NatsState.open({ natsUrl: NATS_URL, statePrefix: prefix });
    const template = (await state.trials.get(sweep.trialIds[0]))!.value;
    await state.trials.create(orphanId, { ...template, id: orphanId, params: { 'optimizer.lrG': 0.0099 }, state: 'pending', launchId: undefined, attempt: 0 });
    await state.close();

    const second = await startApp(prefix, {}, { launcher: fakeWorkerLauncher() });
    apps.push(second);
    const client = injectClient(second);
    await waitFor(async () => (await client('GET', `/v1/sweeps/${sweep.id}`)).json.state !== 'running', 45_000, 'sweep end');
    const done = (await client('GET', `/v1/sweeps/${sweep.id}`)).json as SweepView;
    expect(done.trialIds).toEqual([`${sweep.id}-t0000`, orphanId]);
    const recreated = (await client('GET', `/v1/trials/${orphanId}`)).json;
    expect(recreated.state).toBe('succeeded');
    expect(recreated.params['optimizer.lrG']).not.toBe(0.0099);
  });

  it('survives SIGKILL of the coordinator process mid-sweep', async () => {
    prefix = uniquePrefix();
    const script = fileURLToPath(new URL('./fixtures/run-coordinator.ts', import.meta.url));
    const start = async (): Promise<string> => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, prefix], {
        env: { ...process.env, NATS_URL },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      return new Promise((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /LISTENING (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`coordinator exited with ${code}`)));
      });
    };
    const firstUrl = await start();
    let client = httpClient(firstUrl);
    const created = await client('POST', '/v1/sweeps', sweepBody({ maxTrials: 4, maxConcurrentTrials: 2 }));
    expect(created.status).toBe(201);
    const sweepId = created.json.id as string;
    await waitFor(async () => {
      const rows = (await client('GET', `/v1/sweeps/${sweepId}/trials`)).json.trials as LeaderboardEntry[];
      return rows.some((r) => r.trial.step >= 30);
    }, 30_000, 'progress');
    children[0].kill('SIGKILL');
    await new Promise((r) => children[0].once('exit', r));

    client = httpClient(await start());
    await waitFor(async () => (await client('GET', `/v1/sweeps/${sweepId}`)).json.state !== 'running', 60_000, 'sweep end');
    await expectComplete(client, sweepId, 4);
  });
});
