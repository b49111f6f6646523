/** Corrupt or foreign report messages are dropped and counted; the coordinator keeps working. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { destroyState, startApp, stopApp, sweepBody, uniquePrefix, waitFor } from '../helpers.js';

describe('report intake', () => {
  const prefix = uniquePrefix();
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await startApp(prefix);
  });
  afterAll(async () => {
    await stopApp(app);
    await destroyState(prefix);
  });

  it('drops and counts corrupt and unknown-trial reports, then still runs a sweep', async () => {
    const { js, names } = app.natsState;
    await js.publish(names.reportSubject('x'), 'not json at all');
    await js.publish(names.reportSubject('x'), JSON.stringify({ trialId: 'x', kind: 'metrics' }));
    await js.publish(
      names.reportSubject('ghost'),
      JSON.stringify({ trialId: 'ghost', attempt: 0, rank: 0, kind: 'metrics', step: 1, metrics: {}, time: new Date().toISOString() }),
    );
    await waitFor(async () => {
      const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      return /reports_rejected_total\{reason="corrupt"\} 2/.test(body) && /reason="unknown-trial"\} 1/.test(body);
    }, 10_000, 'rejections to be counted');

    const created = await app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody({ maxTrials: 1, workersPerTrial: 1 }) });
    const id = created.json().id as string;
    const done = await waitFor(async () => {
      const s = (await app.inject({ method: 'GET', url: `/v1/sweeps/${id}` })).json();
      return s.state === 'running' ? undefined : s;
    }, 30_000, 'sweep end');
    expect(done.state).toBe('succeeded');
  });
});
