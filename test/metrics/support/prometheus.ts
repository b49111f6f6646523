/**
 * A real Prometheus for one test suite: Debian's `prometheus` binary on a free loopback port,
 * with a temporary config and storage directory, removed by `stop()`. Plus a small client of
 * its HTTP API (`/api/v1/query`, `/api/v1/targets`, `/api/v1/rules`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitFor } from '../../e2e/support/processes.js';

/** Where Debian puts the binaries; PATH is searched first. */
export function findBinary(name: 'prometheus' | 'promtool'): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} not found on PATH or in /usr/bin (Debian package "prometheus")`);
}

/** One series of an instant-query answer. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface TestPrometheus {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Directory holding the config; files written there can be named in it. */
  dir: string;
  /** Instant query at `time` (Unix seconds; default now). Throws on a query error. */
  query(expr: string, time?: number): Promise<Sample[]>;
  /** Active scrape targets as Prometheus reports them. */
  targets(): Promise<Array<{ labels: Record<string, string>; health: string; scrapeUrl: string; lastError: string }>>;
  /** Loaded rule groups. */
  rules(): Promise<Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }>>;
  /** Prometheus' own output (last 100 kB), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/**
 * Starts Prometheus with the config `makeConfig(dir)` returns (YAML or JSON text; `dir` is the
 * temporary directory, for credential files), and waits until it is ready.
 */
export async function startPrometheus(makeConfig: (dir: string) => Promise<string> | string): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'grugan-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, await makeConfig(dir));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    findBinary('prometheus'),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-100_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    await stopProcess(child, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${out.slice(-2000)}`);
      return (await fetch(`${url}/-/ready`)).ok;
    }, 30_000, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    dir,
    query: async (expr, time) => {
      const params = new URLSearchParams({ query: expr });
      if (time !== undefined) params.set('time', String(time));
      const data = await api<{ resultType: string; result: Sample[] }>(`${url}/api/v1/query?${params}`);
      if (data.resultType !== 'vector') throw new Error(`"${expr}" gave a ${data.resultType}, not an instant vector`);
      return data.result;
    },
    targets: async () => (await api<{ activeTargets: Awaited<ReturnType<TestPrometheus['targets']>> }>(`${url}/api/v1/targets?state=active`)).activeTargets,
    rules: async () => (await api<{ groups: Awaited<ReturnType<TestPrometheus['rules']>> }>(`${url}/api/v1/rules`)).groups,
    output: () => out,
    stop,
  };
}
