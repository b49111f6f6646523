/**
 * `grugan sweep create -f sweep.yaml | list | get ID | watch ID | cancel ID`: the coordinator's
 * sweep API from the command line. The API URL comes from `--api`, else `GRUGAN_API`, else
 * http://127.0.0.1:8080; the bearer token from `--token`, else `GRUGAN_API_TOKEN`.
 * Spec files are YAML or JSON and are checked against `SweepSpec` before they are sent, so a
 * typo is reported with its field path without a round trip.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { addSweepRunCommand } from './sweep-run.js';
import {
  SweepSpec,
  TERMINAL_SWEEP_STATES,
  formatZodError,
  type LeaderboardEntry,
  type SweepView,
  type TrialList,
} from '@grugan/protocol';

/** Where the API is and how to authenticate. */
export interface ApiOptions {
  api: string;
  token?: string;
}

/** An API answer that was not 2xx: status plus the server's error code and message. */
export class ApiError extends Error {
  readonly code: string;
  constructor(
    /** HTTP status. */
    readonly status: number,
    code: string | undefined,
    message: string,
  ) {
    super(`${status}${code ? ` ${code}` : ''}: ${message}`);
    this.name = 'ApiError';
    this.code = code ?? 'ERR_API';
  }
}

/** A spec file that cannot be read or does not match `SweepSpec`. */
export class SweepFileError extends Error {
  readonly code = 'ERR_SWEEP_FILE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SweepFileError';
  }
}

/** Calls the API; returns the parsed JSON (or text for non-JSON answers). Throws `ApiError`. */
export async function apiRequest<T>(opts: ApiOptions, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, opts.api), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
  if (!res.ok) {
    const err = typeof json === 'object' && json ? (json as { code?: string; message?: string }) : {};
    throw new ApiError(res.status, err.code, err.message ?? (text || res.statusText));
  }
  return json as T;
}

/** GETs raw bytes (a checkpoint) with the API's auth; throws `ApiError` when not 2xx. */
export async function apiBytes(opts: ApiOptions, path: string): Promise<Uint8Array> {
  const res = await fetch(new URL(path, opts.api), { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, undefined, (await res.text()) || res.statusText);
  return new Uint8Array(await res.arrayBuffer());
}

/** Reads a YAML or JSON sweep file and validates it, naming the field of any problem. */
export async function readSweepFile(path: string): Promise<unknown> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new SweepFileError(`${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const parsed = SweepSpec.safeParse(raw);
  if (!parsed.success) throw new SweepFileError(`${path}: ${formatZodError(parsed.error)}`);
  // Send what the user wrote: the server fills defaults itself and stores the parsed spec.
  return raw;
}

/** Renders rows as a fixed-width text table. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '-';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(digits);
}

/** The leaderboard of a sweep: one row per trial, in the server's order (best first). */
export function formatLeaderboard(list: TrialList): string {
  const rows = list.trials.map((e: LeaderboardEntry) => [
    e.rank === null ? '-' : String(e.rank),
    e.trial.id,
    e.trial.state,
    `${e.trial.step}/${e.trial.config.training.steps}`,
    num(e.objective),
    num(e.trial.metrics.steps_per_second, 1),
    Object.entries(e.trial.params)
      .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? num(v, 4) : v}`)
      .join(' '),
  ]);
  return formatTable(['#', 'trial', 'state', 'step', list.objective.metric, 'steps/s', 'params'], rows);
}

function formatSweeps(sweeps: SweepView[]): string {
  return formatTable(
    ['id', 'name', 'state', 'trials', 'best', 'created'],
    sweeps.map((s) => [s.id, s.spec.name, s.state, String(s.trialIds.length), num(s.bestObjective), s.createdAt]),
  );
}

/** API URL and token from flags or environment; `explicit` when the user named a coordinator. */
function apiOptions(cmd: Command): ApiOptions & { explicit: boolean } {
  const o = cmd.optsWithGlobals<{ api?: string; token?: string }>();
  const named = o.api ?? process.env.GRUGAN_API;
  return {
    api: named ?? 'http://127.0.0.1:8080',
    token: o.token ?? process.env.GRUGAN_API_TOKEN,
    explicit: named !== undefined && named !== '',
  };
}

/** Polls a sweep and redraws its leaderboard until the sweep ends; returns its final view. */
export async function watchSweep(
  opts: ApiOptions,
  id: string,
  draw: (text: string) => void,
  intervalMs = 2000,
): Promise<SweepView> {
  for (;;) {
    const sweep = await apiRequest<SweepView>(opts, 'GET', `/v1/sweeps/${id}`);
    const list = await apiRequest<TrialList>(opts, 'GET', `/v1/sweeps/${id}/trials`);
    draw(`sweep ${sweep.id} (${sweep.spec.name}): ${sweep.state}, ${new Date().toISOString()}\n\n${formatLeaderboard(list)}\n`);
    if (TERMINAL_SWEEP_STATES.includes(sweep.state)) return sweep;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function sweepCommand(): Command {
  const sweep = new Command('sweep')
    .description('create, inspect, watch and cancel hyper-parameter sweeps')
    .option('--api <url>', 'coordinator API URL (default: GRUGAN_API or http://127.0.0.1:8080)')
    .option('--token <token>', 'bearer token (default: GRUGAN_API_TOKEN)');

  sweep
    .command('create')
    .description('create a sweep from a YAML or JSON spec file')
    .requiredOption('-f, --file <path>', 'sweep spec (YAML or JSON)')
    .option('-w, --watch', 'watch the sweep until it ends')
    .action(async (o: { file: string; watch?: boolean }, cmd: Command) => {
      const api = apiOptions(cmd);
      const body = await readSweepFile(o.file);
      const created = await apiRequest<SweepView>(api, 'POST', '/v1/sweeps', body);
      process.stdout.write(`${created.id}\n`);
      if (o.watch) await watchSweep(api, created.id, redraw);
    });

  sweep
    .command('list')
    .description('list sweeps')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { sweeps } = await apiRequest<{ sweeps: SweepView[] }>(apiOptions(cmd), 'GET', '/v1/sweeps');
      process.stdout.write(o.json ? `${JSON.stringify(sweeps, null, 2)}\n` : `${formatSweeps(sweeps)}\n`);
    });

  sweep
    .command('get <id>')
    .description("show a sweep and its trials' leaderboard")
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }, cmd: Command) => {
      const api = apiOptions(cmd);
      const view = await apiRequest<SweepView>(api, 'GET', `/v1/sweeps/${id}`);
      const list = await apiRequest<TrialList>(api, 'GET', `/v1/sweeps/${id}/trials`);
      if (o.json) process.stdout.write(`${JSON.stringify({ sweep: view, ...list }, null, 2)}\n`);
      else process.stdout.write(`${formatSweeps([view])}\n\n${formatLeaderboard(list)}\n`);
    });

  sweep
    .command('watch <id>')
    .description('live leaderboard until the sweep ends')
    .option('-i, --interval <ms>', 'refresh interval in ms', (v) => Number(v), 2000)
    .action(async (id: string, o: { interval: number }, cmd: Command) => {
      const final = await watchSweep(apiOptions(cmd), id, redraw, o.interval);
      process.exitCode = final.state === 'succeeded' ? 0 : 1;
    });

  sweep
    .command('cancel <id>')
    .description('cancel a sweep: running trials are stopped')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const view = await apiRequest<SweepView>(apiOptions(cmd), 'DELETE', `/v1/sweeps/${id}`);
      process.stdout.write(`${view.id}: ${view.state}\n`);
    });

  addSweepRunCommand(sweep, apiOptions);
  return sweep;
}

/** Clears a terminal before redrawing; on a pipe, just prints one frame after another. */
function redraw(text: string): void {
  if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
  process.stdout.write(text);
}
