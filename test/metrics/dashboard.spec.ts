/**
 * The Grafana dashboard against a real run: a private nats-server, `grugan coordinator` (local
 * launcher) as a child process, a short sweep of 2 trials x 2 workers, and a real Prometheus
 * scraping the coordinator (static target) and the workers (found through the coordinator's
 * `/v1/targets` HTTP service discovery), configured from deploy/prometheus/prometheus.yml with
 * only addresses, intervals and the API token changed, and loading the shipped alert rules.
 *
 * Then every PromQL expression in deploy/grafana/grugan.json (template variables set to the
 * real sweep and trial) goes through Prometheus' `/api/v1/query` and must return at least one
 * series with a finite value, at some instant of the run, as a Grafana panel over the run's
 * time range would show it.
 *
 * Set GRUGAN_METRICS_SAMPLES=<file> to also write one scraped sample line per metric there.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { SweepView, TrialList } from '@grugan/protocol';
import { call, ok, type Api } from '../e2e/support/api.js';
import { startNats, type E2eNats } from '../e2e/support/nats.js';
import { REPO_ROOT, findProcessesByEnv, freePort, startGrugan, stopProcess, waitFor, type GruganProcess } from '../e2e/support/processes.js';
import { dashboardQueries, expandVariables } from './support/dashboard.js';
import { findBinary, startPrometheus, type Sample, type TestPrometheus } from './support/prometheus.js';

const TOKEN = 'metrics-e2e-token';
const DASHBOARD = join(REPO_ROOT, 'deploy', 'grafana', 'grugan.json');
const PROMETHEUS_DIR = join(REPO_ROOT, 'deploy', 'prometheus');
const RULES = join(PROMETHEUS_DIR, 'grugan.rules.yml');
const WORKERS_PER_TRIAL = 2;
const TRIALS = 2;

let nats: E2eNats | undefined;
let workDir: string;
let coordinator: GruganProcess | undefined;
let prometheus: TestPrometheus | undefined;
let api: Api;

/** The shipped scrape config, pointed at this run's coordinator, scraping every second. */
function prometheusConfig(coordinatorAddress: string, tokenFile: string): string {
  const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; http_sd_configs?: Array<Record<string, unknown>> }>;
  };
  config.global.scrape_interval = '1s';
  config.global.evaluation_interval = '1s';
  config.rule_files = config.rule_files.map((f) => join(PROMETHEUS_DIR, f));
  const byName = (name: string) => {
    const job = config.scrape_configs.find((j) => j.job_name === name);
    if (!job) throw new Error(`deploy/prometheus/prometheus.yml has no job ${name}`);
    return job;
  };
  byName('grugan-coordinator').static_configs = [{ targets: [coordinatorAddress] }];
  const sd = byName('grugan-worker').http_sd_configs?.[0];
  if (!sd) throw new Error('the grugan-worker job has no http_sd_configs');
  sd.url = `http://${coordinatorAddress}/v1/targets`;
  sd.refresh_interval = '1s';
  sd.authorization = { type: 'Bearer', credentials_file: tokenFile };
  return stringify(config);
}

/** A CSV of two smooth columns, enough windows for a short training run. */
function csvText(rows: number): string {
  const lines = ['load,price'];
  for (let t = 0; t < rows; t++) lines.push(`${(150 + 49 * Math.sin(t / 5)).toFixed(4)},${(1100 + 99 * Math.cos(t / 7 + 0.3)).toFixed(4)}`);
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'grugan-metrics-e2e-'));
  await writeFile(join(workDir, 'data.csv'), csvText(300));
  nats = await startNats();
  const port = await freePort();
  api = { base: `http://127.0.0.1:${port}`, token: TOKEN };
  coordinator = startGrugan(['coordinator', '--port', String(port)], {
    ...process.env,
    NATS_URL: nats.url,
    GRUGAN_API_TOKEN: TOKEN,
    GRUGAN_LAUNCHER: 'local',
    GRUGAN_BACKEND: 'cpu',
    GRUGAN_RECONCILE_INTERVAL_MS: '500',
    // Workers of this tiny sweep live a few seconds; keep each scrapable for 5 more (≥ 3 discoveries and scrapes).
    GRUGAN_METRICS_LINGER_SECONDS: '5',
    GRUGAN_LOG_LEVEL: 'warn',
    LOG_LEVEL: 'warn',
  });
  await waitFor('the coordinator to be ready', async () => {
    if (coordinator!.child.exitCode !== null) throw new Error(`coordinator exited: ${coordinator!.output().slice(-3000)}`);
    return (await call(api, 'GET', '/readyz')).status === 200;
  }, 60_000, 250);
  prometheus = await startPrometheus(async (dir) => {
    const tokenFile = join(dir, 'api-token');
    await writeFile(tokenFile, TOKEN);
    return prometheusConfig(`127.0.0.1:${port}`, tokenFile);
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await stopProcess(coordinator?.child, 'SIGTERM');
  if (nats) {
    // Workers are children of the coordinator; any left over are found by their NATS URL.
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

/** Instant query at `times` (newest first) until one answer holds a series with a finite value. */
async function firstFinite(prom: TestPrometheus, expr: string, times: number[]): Promise<Sample[] | undefined> {
  for (const t of times) {
    const result = await prom.query(expr, t);
    if (result.some((s) => Number.isFinite(Number(s.value[1])))) return result;
  }
  return undefined;
}

describe('alert rules and scrape config', () => {
  it('pass promtool check', () => {
    const promtool = findBinary('promtool');
    const rules = spawnSync(promtool, ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(rules.status, rules.stdout + rules.stderr).toBe(0);
    const config = spawnSync(promtool, ['check', 'config', join(PROMETHEUS_DIR, 'prometheus.yml')], { encoding: 'utf8' });
    expect(config.status, config.stdout + config.stderr).toBe(0);
  });
});

describe('the Grafana dashboard over a real sweep', () => {
  it('has data for every PromQL expression', async () => {
    const prom = prometheus!;
    const runStart = Date.now() / 1000;
    const sweep = await ok<SweepView>(api, 'POST', '/v1/sweeps', {
      name: 'metrics',
      base: {
        data: { path: join(workDir, 'data.csv'), seqLen: 8, testFraction: 0.2 },
        model: { hiddenSize: 4, layers: 1 },
        // Long enough (several seconds per trial) to be scraped many times at 1 s.
        training: { batchSize: 16, steps: 400, logEvery: 10, evalEvery: 50, checkpointEvery: 50 },
        seed: 5,
      },
      space: { 'optimizer.lrG': { type: 'loguniform', min: 1e-4, max: 1e-2 } },
      searcher: { type: 'random' },
      scheduler: { type: 'fifo' },
      objective: { metric: 'loss_g', mode: 'min' },
      maxTrials: TRIALS,
      maxConcurrentTrials: TRIALS,
      workersPerTrial: WORKERS_PER_TRIAL,
      seed: 13,
    });

    // Every worker of every trial is discovered and scraped while it trains.
    const scraped = new Set<string>();
    const done = await waitFor('the sweep to finish', async () => {
      for (const t of await prom.targets()) {
        if (t.labels.job === 'grugan-worker' && t.health === 'up') scraped.add(`${t.labels.trial}/${t.labels.rank}`);
      }
      const s = await ok<SweepView>(api, 'GET', `/v1/sweeps/${sweep.id}`);
      return s.state === 'running' ? undefined : s;
    }, 360_000, 500);
    expect(done.state, coordinator!.output().slice(-3000)).toBe('succeeded');
    // Two more scrapes and rule evaluations after the end; every worker was up at some scrape.
    await new Promise((r) => setTimeout(r, 2500));
    for (const s of await prom.query(`max_over_time(up{job="grugan-worker"}[10m]) == 1`)) scraped.add(`${s.metric.trial}/${s.metric.rank}`);
    expect(scraped.size, `worker targets seen up: ${[...scraped].join(', ')}`).toBe(TRIALS * WORKERS_PER_TRIAL);

    const trials = (await ok<TrialList>(api, 'GET', `/v1/sweeps/${sweep.id}/trials`)).trials.map((e) => e.trial);
    expect(trials).toHaveLength(TRIALS);
    const trialId = trials[0].id;

    // Every (trial, rank) left series in Prometheus, labelled with the sweep.
    const stepSeries = await prom.query(`last_over_time(grugan_worker_steps_total{sweep="${sweep.id}"}[10m])`);
    expect(new Set(stepSeries.map((s) => `${s.metric.trial}/${s.metric.rank}`)).size).toBe(TRIALS * WORKERS_PER_TRIAL);
    for (const s of stepSeries) expect(Number(s.value[1])).toBeGreaterThan(0);

    // Instants of the run, newest first, every second.
    const now = Date.now() / 1000;
    const times: number[] = [];
    for (let t = now; t >= runStart; t -= 1) times.push(t);

    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThanOrEqual(20);
    const empty: string[] = [];
    for (const q of queries) {
      const expr = expandVariables(q.expr, { sweep: sweep.id, trial: trialId, datasource: 'prometheus' }, '30s');
      const result = await firstFinite(prom, expr, times);
      if (!result) empty.push(`${q.where}: ${expr}`);
    }
    expect(empty, `expressions without data:\n${empty.join('\n')}`).toEqual([]);

    // The shipped alert rules loaded into the real Prometheus and evaluate without error.
    const groups = await prom.rules();
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const r of rules) expect(r.health, `${r.name}: ${r.lastError ?? ''}`).toBe('ok');

    if (process.env.GRUGAN_METRICS_SAMPLES) await writeSamples(prom, process.env.GRUGAN_METRICS_SAMPLES, trialId);
  }, 480_000);
});

/** One scraped sample line per grugan metric (the trial's rank 0 for worker metrics). */
async function writeSamples(prom: TestPrometheus, file: string, trialId: string): Promise<void> {
  const names = (await (await fetch(`${prom.url}/api/v1/label/__name__/values`)).json()) as { data: string[] };
  const lines: string[] = [];
  for (const name of names.data.filter((n) => n.startsWith('grugan_'))) {
    const pick = name.startsWith('grugan_worker_') ? `{__name__="${name}",trial="${trialId}",rank="0"}` : `{__name__="${name}"}`;
    const result = await prom.query(`last_over_time(${pick}[10m])`);
    const s = result.find((r) => Number(r.value[1]) !== 0) ?? result[0];
    if (!s) continue;
    const { __name__: _n, instance: _i, job: _j, ...labels } = s.metric;
    const text = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
    lines.push(`${name}${text ? `{${text}}` : ''} ${s.value[1]}`);
  }
  await writeFile(file, `${lines.join('\n')}\n`);
}
