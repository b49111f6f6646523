/**
 * The main job end to end, over real processes: a private nats-server, `grugan coordinator`
 * as a child process with the local launcher, and `grugan worker` processes it starts.
 *
 * One sweep (4 trials x 2 workers, ASHA, a tiny GRU-GAN on a CSV with known units) is created
 * through the HTTP API. While it runs, one worker process of a trial is killed (the trial must
 * be relaunched and resume from its checkpoint) and the coordinator is SIGKILLed and restarted
 * (nothing may be lost). Then: the leaderboard is sorted by the objective, ASHA stopped a trial
 * early, every trial's metric history is complete, and the samples endpoint returns CSV in the
 * data's original units. Bad bodies get 400 naming the field; a wrong token gets 401.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricHistory, SweepView, TrialList, TrialRecord } from '@grugan/protocol';
import { AshaScheduler } from '@grugan/tune';
import { call, ok, type Api } from './support/api.js';
import { startNats, type E2eNats } from './support/nats.js';
import { findProcessesByEnv, freePort, startGrugan, stopProcess, waitFor, type GruganProcess } from './support/processes.js';

const TOKEN = 'e2e-secret-token';
/** The CSV's columns and their ranges, so "original units" can be checked. */
const COLUMNS = { load: [100, 200], price: [1000, 1200] } as const;

let nats: E2eNats;
let workDir: string;
let csvPath: string;
let coordinator: GruganProcess | undefined;
let api: Api;
const coordinatorLogs: string[] = [];

function coordinatorEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NATS_URL: nats.url,
    GRUGAN_API_TOKEN: TOKEN,
    GRUGAN_LAUNCHER: 'local',
    GRUGAN_BACKEND: 'cpu',
    // Quick reconciliation so a killed worker is noticed in seconds, not minutes.
    GRUGAN_RECONCILE_INTERVAL_MS: '500',
    GRUGAN_REPORT_TIMEOUT_MS: '120000',
    GRUGAN_STOP_GRACE_MS: '3000',
    GRUGAN_LOG_LEVEL: 'warn',
    LOG_LEVEL: 'info',
  };
}

async function startCoordinator(port: number): Promise<void> {
  coordinator = startGrugan(['coordinator', '--port', String(port), '--log-dir', join(workDir, 'logs')], coordinatorEnv());
  await waitFor('the coordinator to be ready', async () => {
    if (coordinator!.child.exitCode !== null) throw new Error(`coordinator exited: ${coordinator!.output().slice(-3000)}`);
    return (await call(api, 'GET', '/readyz')).status === 200;
  }, 60_000, 250);
}

/** A CSV whose columns live in known ranges far from [0, 1]. */
function csvText(rows: number): string {
  const lines = ['load,price'];
  for (let t = 0; t < rows; t++) {
    const load = 150 + 49 * Math.sin(t / 5);
    const price = 1100 + 99 * Math.cos(t / 7 + 0.3);
    lines.push(`${load.toFixed(4)},${price.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

function sweepBody(name: string) {
  return {
    name,
    base: {
      data: { path: csvPath, seqLen: 8, testFraction: 0.2 },
      model: { kind: 'grugan', hiddenSize: 4, layers: 1 },
      training: { batchSize: 16, steps: 60, logEvery: 5, evalEvery: 0, checkpointEvery: 10 },
      seed: 3,
    },
    space: { 'optimizer.lrG': { type: 'loguniform', min: 1e-4, max: 1e-2 } },
    searcher: { type: 'random' },
    scheduler: { type: 'asha', gracePeriod: 20, reductionFactor: 2 },
    objective: { metric: 'loss_g', mode: 'min' },
    maxTrials: 4,
    maxConcurrentTrials: 2,
    workersPerTrial: 2,
    retriesPerTrial: 2,
    seed: 11,
  };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'grugan-e2e-'));
  csvPath = join(workDir, 'load-price.csv');
  await writeFile(csvPath, csvText(400));
  nats = await startNats();
  const port = await freePort();
  api = { base: `http://127.0.0.1:${port}`, token: TOKEN };
  await startCoordinator(port);
});

afterAll(async () => {
  if (coordinator) coordinatorLogs.push(coordinator.output());
  await stopProcess(coordinator?.child, 'SIGTERM');
  // Workers are children of whichever coordinator started them; find any left by their NATS URL.
  if (nats) {
    for (const pid of await findProcessesByEnv({ NATS_URL: nats.url })) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await nats.stop();
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('sweep API guards', () => {
  it('rejects an invalid body with 400 naming the field', async () => {
    const body = sweepBody('bad');
    (body.base.model as Record<string, unknown>).hiddenSize = -1;
    const r = await call<{ message: string }>(api, 'POST', '/v1/sweeps', body);
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('hiddenSize');
  });

  it('rejects a wrong token with 401', async () => {
    const r = await call(api === undefined ? api : { ...api, token: 'wrong' }, 'GET', '/v1/sweeps');
    expect(r.status).toBe(401);
  });
});

describe('a sweep over real workers', () => {
  it('completes through a killed worker and a coordinator restart, losing nothing', async () => {
    const created = await ok<SweepView>(api, 'POST', '/v1/sweeps', sweepBody('e2e'));
    const sweepId = created.id;
    const trials = () => ok<TrialList>(api, 'GET', `/v1/sweeps/${sweepId}/trials`);
    try {
      await runSweepChecks(sweepId, trials);
    } catch (err) {
      // Say what the system looked like, not just which wait timed out.
      const state = await trials().catch((e: unknown) => String(e));
      const workerLogs = await readLogs(join(workDir, 'logs'));
      throw new Error(
        `${(err as Error).message}\n--- trials ---\n${JSON.stringify(state, null, 1).slice(0, 6000)}` +
          `\n--- coordinator ---\n${coordinator?.output().slice(-4000)}\n--- workers ---\n${workerLogs}`,
        { cause: err },
      );
    }
  }, 900_000);
});

/** Replays every trial's reported metrics, in the order they were applied, through ASHA with the sweep's settings; the first early stop it decides, if any. */
async function ashaStopDue(list: TrialList): Promise<string | undefined> {
  const points: { id: string; step: number; loss: number | null; seq: number }[] = [];
  for (const e of list.trials) {
    const h = await ok<MetricHistory>(api, 'GET', `/v1/trials/${e.trial.id}/metrics`);
    for (const p of h.points) if (p.kind === 'metrics') points.push({ id: e.trial.id, step: p.step, loss: p.metrics.loss_g ?? null, seq: p.seq });
  }
  points.sort((a, b) => a.seq - b.seq); // the report stream's sequence: the order the coordinator applied them
  const asha = new AshaScheduler({ gracePeriod: 20, reductionFactor: 2, maxSteps: 60 }, { metric: 'loss_g', mode: 'min' });
  for (const p of points) {
    const d = asha.onTrialResult(p.id, { step: p.step, metrics: { loss_g: p.loss } });
    if (d.action === 'stop' && d.early) return `${p.id} at step ${p.step}: ${d.reason}`;
  }
  return undefined;
}

async function runSweepChecks(sweepId: string, trials: () => Promise<TrialList>): Promise<void> {
  {

    // 1. Kill rank 1 of the first trial that has a checkpoint, by its process id.
    const victim = await waitFor('a running trial with a checkpoint', async () => {
      const list = await trials();
      return list.trials.map((e) => e.trial).find((t) => t.state === 'running' && (t.checkpointStep ?? 0) >= 10 && t.launchId);
    }, 120_000);
    const pids = await findProcessesByEnv({ NATS_URL: nats.url, GRUGAN_TRIAL_ID: victim.id, GRUGAN_RANK: '1', GRUGAN_ATTEMPT: String(victim.attempt) });
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const killedAtCheckpoint = victim.checkpointStep ?? 0;

    // 2. SIGKILL the coordinator once the victim has been relaunched, and start a new one.
    await waitFor('the killed trial to be relaunched', async () => {
      const t = await ok<TrialRecord>(api, 'GET', `/v1/trials/${victim.id}`);
      return t.attempt > victim.attempt;
    }, 90_000);
    const port = Number(new URL(api.base).port);
    coordinatorLogs.push(coordinator!.output());
    await stopProcess(coordinator!.child, 'SIGKILL');
    await startCoordinator(port);

    // 3. The sweep finishes.
    const done = await waitFor('the sweep to finish', async () => {
      const s = await ok<SweepView>(api, 'GET', `/v1/sweeps/${sweepId}`);
      return s.state === 'running' ? undefined : s;
    }, 240_000, 1000);
    expect(done.state).toBe('succeeded');

    const list = await trials();
    expect(list.trials).toHaveLength(4);
    for (const e of list.trials) expect(['succeeded', 'stopped']).toContain(e.trial.state);

    // Leaderboard: ranked entries come first, sorted by the objective (min).
    const ranked = list.trials.filter((e) => e.rank !== null);
    expect(ranked.length).toBeGreaterThan(0);
    const objectives = ranked.map((e) => e.objective as number);
    expect(objectives).toEqual([...objectives].sort((a, b) => a - b));
    expect(ranked.map((e) => e.rank)).toEqual(ranked.map((_, i) => i + 1));
    expect(done.bestTrialId).toBe(ranked[0].trial.id);

    // ASHA stopped a trial early whenever its rule called for a stop. Whether it does depends on
    // the order in which trials reach a rung (the first at a rung always goes on), which the
    // machine's timing decides; so replay the results in the order they were applied through
    // the same scheduler and require an early stop exactly when the replay makes one.
    const due = await ashaStopDue(list);
    const stoppedEarly = list.trials.some((e) => e.trial.state === 'stopped' && e.trial.step < 60);
    if (due) expect(stoppedEarly, `ASHA should have stopped a trial: ${due}`).toBe(true);

    // The killed trial was relaunched and resumed from its checkpoint, not from step 0.
    const relaunched = list.trials.find((e) => e.trial.id === victim.id)!.trial;
    expect(relaunched.attempt).toBeGreaterThan(victim.attempt);
    const history = await ok<MetricHistory>(api, 'GET', `/v1/trials/${victim.id}/metrics`);
    const laterAttempt = history.points.filter((p) => p.kind === 'metrics' && p.attempt > victim.attempt);
    expect(laterAttempt.length).toBeGreaterThan(0);
    expect(Math.min(...laterAttempt.map((p) => p.step))).toBeGreaterThan(killedAtCheckpoint);

    // No metric point lost across the coordinator restart: every logged step of every trial,
    // up to where it ended, is in its history.
    for (const e of list.trials) {
      const h = await ok<MetricHistory>(api, 'GET', `/v1/trials/${e.trial.id}/metrics`);
      const steps = new Set(h.points.filter((p) => p.kind === 'metrics').map((p) => p.step));
      for (let s = 5; s <= e.trial.step; s += 5) expect(steps, `trial ${e.trial.id} step ${s}`).toContain(s);
      expect(h.points.some((p) => p.kind === 'final')).toBe(true);
    }

    // The CLI shows the same leaderboard.
    const cli = startGrugan(['sweep', 'get', sweepId, '--api', api.base, '--token', TOKEN], { ...process.env });
    const cliCode = await new Promise((r) => cli.child.once('exit', r));
    expect(cliCode, cli.output()).toBe(0);
    const cliLines = cli.output().split('\n');
    const firstRow = cliLines.findIndex((l) => /^#\s+trial\s+state/.test(l)) + 2;
    expect(cliLines[firstRow]).toMatch(new RegExp(`^1\\s+${ranked[0].trial.id}\\s`));

    // Samples of the best trial: CSV with the data's columns, in original units.
    const best = ranked[0].trial.id;
    const samples = await call(api, 'GET', `/v1/trials/${best}/samples?n=5`);
    expect(samples.status).toBe(200);
    expect(samples.contentType).toContain('text/csv');
    const rows = samples.text.trim().split('\n');
    const header = rows[0].split(',');
    for (const col of Object.keys(COLUMNS)) expect(header).toContain(col);
    const values = rows.slice(1).map((r) => r.split(','));
    expect(values.length).toBe(5 * 8); // n sequences x seqLen rows

    // The same through the CLI: `grugan trial samples ID -n 3 --out FILE`.
    const samplesFile = join(workDir, 'cli-samples.csv');
    const trialCli = startGrugan(['trial', 'samples', best, '-n', '3', '--out', samplesFile, '--api', api.base, '--token', TOKEN], { ...process.env });
    const trialCode = await new Promise((r) => trialCli.child.once('exit', r));
    expect(trialCode, trialCli.output()).toBe(0);
    const cliRows = (await readFile(samplesFile, 'utf8')).trim().split('\n');
    expect(cliRows[0].split(',')).toEqual(header);
    expect(cliRows.length).toBe(1 + 3 * 8);
    for (const [col, [lo, hi]] of Object.entries(COLUMNS)) {
      const i = header.indexOf(col);
      for (const v of values) {
        const x = Number(v[i]);
        expect(x).toBeGreaterThanOrEqual(lo - 1);
        expect(x).toBeLessThanOrEqual(hi + 1);
      }
    }
  }
}

/** The last lines of every worker log file. */
async function readLogs(dir: string): Promise<string> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const parts = await Promise.all(names.sort().map(async (n) => `== ${n}\n${(await readFile(join(dir, n), 'utf8')).slice(-1500)}`));
  return parts.join('\n').slice(-12_000);
}
