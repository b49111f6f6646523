/**
 * The dashboard and alert rules without a running stack: the dashboard is importable as is
 * (Grafana 10 schema, a datasource variable every panel uses, sweep and trial variables), every
 * metric the dashboard and the rules read is one the coordinator or worker collectors export,
 * the Helm chart's copy is identical, and the alert rules pass `promtool test rules`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { parse } from 'yaml';
import { CoordinatorMetrics } from '@grugan/coordinator';
import { createWorkerMetrics } from '@grugan/worker';
import { REPO_ROOT } from '../e2e/support/processes.js';
import { dashboardQueries, expandVariables, metricNames } from './support/dashboard.js';
import { findBinary } from './support/prometheus.js';

const DASHBOARD_FILE = join(REPO_ROOT, 'deploy', 'grafana', 'grugan.json');
const CHART_COPY = join(REPO_ROOT, 'helm', 'grugan', 'dashboards', 'grugan.json');
const PROMETHEUS_DIR = join(REPO_ROOT, 'deploy', 'prometheus');

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr: string; refId: string; datasource?: { uid: string } }>;
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown; allValue?: string }> };
};

/** Every series name the collectors expose (histograms as _bucket, _sum, _count). */
async function exportedNames(): Promise<Set<string>> {
  const coordinator = new Registry();
  collectDefaultMetrics({ register: coordinator, prefix: 'grugan_coordinator_' });
  new CoordinatorMetrics(coordinator);
  const worker = createWorkerMetrics({ trial: 't', rank: 0 }).registry;
  const names = new Set<string>(['up']);
  for (const registry of [coordinator, worker]) {
    for (const m of await registry.getMetricsAsJSON()) {
      names.add(m.name);
      if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
    }
  }
  return names;
}

describe('deploy/grafana/grugan.json', () => {
  it('is a Grafana 10 dashboard with datasource, sweep and trial variables', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.datasource?.type).toBe('datasource');
    expect(vars.datasource?.query).toBe('prometheus');
    for (const name of ['sweep', 'trial']) {
      expect(vars[name]?.type, name).toBe('query');
      expect(vars[name]?.allValue, name).toBe('.*');
    }
  });

  it('lays out panels on the 24-column grid, each with a unique id, all on the datasource variable', () => {
    const ids = new Set<number>();
    for (const p of dashboard.panels) {
      expect(ids.has(p.id), `duplicate id ${p.id}`).toBe(false);
      ids.add(p.id);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type === 'row') continue;
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe('${datasource}');
    }
  });

  it('has the panels the sweep view needs', () => {
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join('\n');
    for (const want of ['trials by state', 'best objective', 'discriminator loss', 'generator loss', 'evaluation score', 'samples per second', 'all-reduce latency p50 / p99', 'checkpoint duration', 'workers up']) {
      expect(titles).toContain(want);
    }
  });

  it('reads only metrics the coordinator and worker export', async () => {
    const exported = await exportedNames();
    const unknown: string[] = [];
    for (const q of dashboardQueries(dashboard)) {
      for (const name of metricNames(q.expr)) if (!exported.has(name)) unknown.push(`${q.where}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('filters every worker query by the sweep and trial variables', () => {
    for (const q of dashboardQueries(dashboard)) {
      if (!q.expr.includes('grugan_worker_') || q.where.startsWith('variable')) continue;
      expect(q.expr, q.where).toContain('sweep=~"$sweep"');
      expect(q.expr, q.where).toContain('trial=~"$trial"');
    }
  });

  it('expands variables and rejects unknown ones', () => {
    expect(expandVariables('rate(x{sweep=~"$sweep"}[$__rate_interval])', { sweep: 's1' }, '30s')).toBe('rate(x{sweep=~"s1"}[30s])');
    expect(() => expandVariables('x{a="$nope"}', {}, '1m')).toThrow(/\$nope/);
  });

  it.skipIf(!existsSync(join(REPO_ROOT, 'helm', 'grugan')))('is shipped unchanged in the Helm chart', () => {
    expect(readFileSync(CHART_COPY, 'utf8')).toBe(readFileSync(DASHBOARD_FILE, 'utf8'));
  });
});

describe('deploy/prometheus', () => {
  it('alert rules read only exported metrics', async () => {
    const exported = await exportedNames();
    const rules = parse(readFileSync(join(PROMETHEUS_DIR, 'grugan.rules.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(expect.arrayContaining(['GruganTrialDiverged', 'GruganWorkerLost', 'GruganWorkerNoProgress']));
    for (const r of all) for (const name of metricNames(r.expr)) expect(exported.has(name), `${r.alert}: ${name}`).toBe(true);
  });

  it('alert rules pass their promtool unit tests', () => {
    const run = spawnSync(findBinary('promtool'), ['test', 'rules', join(PROMETHEUS_DIR, 'grugan.rules.test.yml')], { encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
