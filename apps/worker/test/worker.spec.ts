/**
 * Real worker processes on a private NATS: two ranks train a tiny trial to the end; a relaunch
 * resumes from the checkpoint; a stop order ends both ranks at the same step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { stateNames, type TrialConfigInput } from '@grugan/protocol';
import { startNats, type TestNats } from './support/nats-server.js';
import { createState, killAll, putTrial, reportsOf, startRanks, type WorkerProcess } from './support/trial-fixture.js';

const names = stateNames('wtest');
let nats: TestNats;
let nc: NatsConnection;
let running: WorkerProcess[] = [];

/** A tiny trial: a few hundred sine windows, a 1-layer GRU of 4 units. */
function tinyConfig(steps: number): TrialConfigInput {
  return {
    data: { dataset: 'sines', numSequences: 200, features: 2, seqLen: 6 },
    model: { hiddenSize: 4, layers: 1 },
    training: { batchSize: 8, steps, logEvery: 5, checkpointEvery: 10, evalEvery: 0 },
    seed: 5,
  };
}

function envFor(trialId: string, attempt = 0): Record<string, string> {
  return { GRUGAN_TRIAL_ID: trialId, GRUGAN_ATTEMPT: String(attempt), NATS_URL: nats.url, GRUGAN_STATE_PREFIX: names.prefix };
}

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  await createState(nc, names);
});

afterEach(() => {
  killAll(running);
  running = [];
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

async function exitCodes(workers: WorkerProcess[]): Promise<Array<number | null>> {
  return Promise.all(workers.map((w) => w.exit));
}

describe('worker processes', () => {
  it('two ranks train to the end: hello, metrics every logEvery, checkpoints, final', async () => {
    await putTrial(nc, names, 'w-full', tinyConfig(20), 2);
    running = startRanks(envFor('w-full'), 2);
    const codes = await exitCodes(running);
    expect(codes, running.map((w) => w.output()).join('\n---\n').slice(-4000)).toEqual([0, 0]);

    const reports = await reportsOf(nc, names, 'w-full');
    expect(reports.filter((r) => r.kind === 'hello').map((r) => r.rank).sort()).toEqual([0, 1]);
    for (const h of reports.filter((r) => r.kind === 'hello')) expect(h.metricsAddress).toMatch(/:\d+$/);
    const metrics = reports.filter((r) => r.kind === 'metrics');
    expect(metrics.map((r) => r.step)).toEqual([5, 10, 15, 20]);
    expect(metrics.every((r) => r.rank === 0)).toBe(true);
    for (const m of metrics) {
      expect(Number.isFinite(m.metrics.loss_d)).toBe(true);
      expect(Number.isFinite(m.metrics.loss_g)).toBe(true);
      expect(m.metrics.steps_per_second).toBeGreaterThan(0);
    }
    expect(reports.filter((r) => r.kind === 'checkpoint').map((r) => r.step)).toContain(20);
    // The last step's report carries the final evaluation; earlier ones (evalEvery 0) do not.
    expect(metrics[3].metrics.moment_distance).toBeGreaterThanOrEqual(0);
    expect(metrics[0].metrics.moment_distance).toBeUndefined();
    // ... and the distribution metrics on the same windows (MMD² is unbiased: it may dip below 0).
    for (const k of ['marginal_w1', 'autocorrelation', 'cross_correlation']) expect(metrics[3].metrics[k]).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(metrics[3].metrics.mmd2)).toBe(true);
    const finals = reports.filter((r) => r.kind === 'final');
    expect(finals.map((f) => [f.rank, f.status, f.step]).sort()).toEqual([
      [0, 'succeeded', 20],
      [1, 'succeeded', 20],
    ]);
    const info = await (await new Objm(nc).open(names.checkpointsBucket)).info('w-full');
    expect(info?.size).toBeGreaterThan(0);
  });

  it('two ranks train a TimeGAN trial through its three phases', async () => {
    const config = tinyConfig(30);
    config.model = { ...config.model, kind: 'timegan', timegan: { embeddingSteps: 10, supervisedSteps: 10 } };
    await putTrial(nc, names, 'w-timegan', config, 2);
    running = startRanks(envFor('w-timegan'), 2);
    const codes = await exitCodes(running);
    expect(codes, running.map((w) => w.output()).join('\n---\n').slice(-4000)).toEqual([0, 0]);
    const reports = await reportsOf(nc, names, 'w-timegan');
    const metrics = reports.filter((r) => r.kind === 'metrics');
    expect(metrics.map((r) => r.step)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(metrics[5].metrics.moment_distance).toBeGreaterThanOrEqual(0);
    expect(reports.filter((r) => r.kind === 'final').map((f) => [f.rank, f.status, f.step]).sort()).toEqual([
      [0, 'succeeded', 30],
      [1, 'succeeded', 30],
    ]);
  });

  it('a relaunch resumes from the checkpoint instead of step 0', async () => {
    await putTrial(nc, names, 'w-resume', tinyConfig(100_000), 2);
    // Attempt 0 is killed after its first checkpoints.
    running = startRanks(envFor('w-resume'), 2);
    await waitForReport('w-resume', (r) => r.kind === 'checkpoint' && r.step >= 10);
    killAll(running);
    await exitCodes(running);
    const before = await reportsOf(nc, names, 'w-resume');
    const checkpointStep = Math.max(...before.filter((r) => r.kind === 'checkpoint').map((r) => r.step));

    await putTrial(nc, names, 'w-resume', tinyConfig(100_000), 2, 1);
    running = startRanks(envFor('w-resume', 1), 2);
    await waitForReport('w-resume', (r) => r.kind === 'metrics' && r.attempt === 1);
    nc.publish(names.controlSubject('w-resume'), JSON.stringify({ action: 'stop', trialId: 'w-resume' }));
    expect(await exitCodes(running)).toEqual([0, 0]);
    const second = (await reportsOf(nc, names, 'w-resume')).filter((r) => r.attempt === 1);
    const steps = second.filter((r) => r.kind === 'metrics').map((r) => r.step);
    expect(Math.min(...steps)).toBe(checkpointStep + 5);
    expect(second.filter((r) => r.kind === 'final').map((r) => r.status)).toEqual(['stopped', 'stopped']);
  });

  it('a stop order ends both ranks at the same step', async () => {
    await putTrial(nc, names, 'w-stop', tinyConfig(100_000), 2);
    running = startRanks(envFor('w-stop'), 2);
    await waitForReport('w-stop', (r) => r.kind === 'metrics' && r.step >= 10);
    nc.publish(names.controlSubject('w-stop'), JSON.stringify({ action: 'stop', trialId: 'w-stop', reason: 'asha' }));
    expect(await exitCodes(running)).toEqual([0, 0]);
    const finals = (await reportsOf(nc, names, 'w-stop')).filter((r) => r.kind === 'final');
    expect(finals.map((f) => f.status)).toEqual(['stopped', 'stopped']);
    expect(finals[0].step).toBe(finals[1].step);
    expect(finals[0].message).toBe('asha');
    expect(finals[0].step).toBeLessThan(100_000);
  });
});

async function waitForReport(trialId: string, pred: (r: Awaited<ReturnType<typeof reportsOf>>[number]) => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await reportsOf(nc, names, trialId)).some(pred)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no matching report for ${trialId}: ${running.map((w) => w.output()).join('\n').slice(-3000)}`);
}
