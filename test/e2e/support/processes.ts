/**
 * Process helpers for e2e tests: free ports, waiting for listeners, starting `grugan`
 * subcommands with captured output, and finding the worker processes of a trial by the
 * environment the launcher gave them (Linux `/proc`), so a test can kill exactly one of them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The `grugan` entry script. */
export const GRUGAN_BIN = fileURLToPath(new URL('../../../apps/cli/bin/grugan.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => (s.destroy(), resolve(false)));
  });
}

/** Sends `signal` (then SIGKILL after 10 s) and waits for the exit. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

/** A `grugan` child process whose output is kept (last 200 kB) for failure messages. */
export interface GruganProcess {
  child: ChildProcess;
  output(): string;
}

export function startGrugan(args: string[], env: NodeJS.ProcessEnv): GruganProcess {
  const child = spawn(process.execPath, [GRUGAN_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => out };
}

/** Ids of live processes whose environment has every `key=value` of `match`. */
export async function findProcessesByEnv(match: Record<string, string>): Promise<number[]> {
  const want = Object.entries(match).map(([k, v]) => `${k}=${v}`);
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = (await readFile(`/proc/${name}/environ`, 'utf8')).split('\0');
      if (want.every((w) => env.includes(w))) pids.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Polls `check` every `everyMs` until it returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
