/**
 * `grugan up`: the whole stack on one machine. NATS comes from `NATS_URL` when that server is
 * reachable, else from a private `nats-server` (JetStream on, store in a temp dir, free port)
 * started from PATH or /usr/sbin. The coordinator runs as a child process (`grugan coordinator`,
 * local launcher: workers are child processes too), because apps never import each other.
 * Prints the API URL; Ctrl-C stops the coordinator (which stops its workers) and the private NATS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';

/** The `grugan` entry script, resolved from this file so any working directory works. */
const GRUGAN_BIN = fileURLToPath(new URL('../../bin/grugan.js', import.meta.url));

/** A NATS server this command started, and how to get rid of it. */
export interface PrivateNats {
  url: string;
  stop(): Promise<void>;
}

/** The first `nats-server` on PATH, else in /usr/sbin or /usr/local/bin, else undefined. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin'].filter(Boolean);
  return dirs.map((d) => join(d, 'nats-server')).find((p) => existsSync(p));
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections at the host:port of a `nats://` URL. */
export async function isReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const first = url.split(',')[0].trim();
  const { hostname, port } = new URL(first.includes('://') ? first : `nats://${first}`);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 4222) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Starts `nats-server -js` on a free port with its store in a fresh temp dir. */
export async function startPrivateNats(binary: string): Promise<PrivateNats> {
  const storeDir = await mkdtemp(join(tmpdir(), 'grugan-nats-'));
  const port = await freePort();
  const child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = `nats://127.0.0.1:${port}`;
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${stderr}`);
    if (await isReachable(url, 200)) {
      return {
        url,
        stop: async () => {
          await stopChild(child, 5000);
          await rm(storeDir, { recursive: true, force: true });
        },
      };
    }
    await sleep(100);
  }
  await stopChild(child, 1000);
  throw new Error(`nats-server did not listen on ${url} within 10 s: ${stderr}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `GET url` until it answers 2xx; throws after `timeoutMs` or if `child` exits. */
export async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`coordinator exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

/** A running local stack: NATS (shared or private) and a coordinator child process. */
export interface LocalStack {
  apiUrl: string;
  natsUrl: string;
  coordinator: ChildProcess;
  /** Stops the coordinator (which stops its workers), then a private NATS if one was started. */
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** HTTP port of the API; 0 picks a free one. */
  port: number;
  host: string;
  token?: string;
  /** Where the coordinator's output goes: the terminal, or a file descriptor (a log file). */
  output: 'inherit' | number;
  /** Progress lines (which NATS is used, ...). */
  say?: (line: string) => void;
}

/**
 * Starts NATS (NATS_URL when reachable, else a private nats-server) and `grugan coordinator`
 * with the local launcher, and waits until the API answers.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const say = opts.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  let nats: PrivateNats | undefined;
  let natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  if (!(await isReachable(natsUrl))) {
    const binary = findNatsServer();
    if (!binary) {
      throw new Error(
        `no NATS server at ${natsUrl} and no nats-server binary to start one: install nats-server ` +
          '(Debian/Ubuntu: apt-get install nats-server) or set NATS_URL',
      );
    }
    nats = await startPrivateNats(binary);
    natsUrl = nats.url;
    say(`started a private nats-server at ${natsUrl}`);
  }
  const port = opts.port === 0 ? await freePort() : opts.port;
  const env: NodeJS.ProcessEnv = { ...process.env, NATS_URL: natsUrl, GRUGAN_LAUNCHER: 'local' };
  if (opts.token) env.GRUGAN_API_TOKEN = opts.token;
  const coordinator = spawn(process.execPath, [GRUGAN_BIN, 'coordinator', '--port', String(port), '--host', opts.host], {
    env,
    stdio: opts.output === 'inherit' ? 'inherit' : ['ignore', opts.output, opts.output],
  });
  const stop = async () => {
    await stopChild(coordinator, 15_000);
    await nats?.stop();
  };
  const apiUrl = `http://${opts.host}:${port}`;
  try {
    await waitForHttp(`${apiUrl}/readyz`, coordinator, 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { apiUrl, natsUrl, coordinator, stop };
}

export function upCommand(): Command {
  return new Command('up')
    .description('run the local stack: NATS (from NATS_URL or a private nats-server), the coordinator and local workers')
    .option('-p, --port <port>', 'HTTP port of the API', port, 8080)
    .option('--host <host>', 'HTTP bind address', '127.0.0.1')
    .option('--token <token>', 'require this bearer token on the API (default: GRUGAN_API_TOKEN)')
    .action(async (opts: { port: number; host: string; token?: string }) => {
      const stack = await startLocalStack({ ...opts, output: 'inherit' });
      let stopping = false;
      const shutdown = async (code: number) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write('stopping the local stack...\n');
        await stack.stop();
        process.exit(code);
      };
      process.on('SIGINT', () => void shutdown(0));
      process.on('SIGTERM', () => void shutdown(0));
      stack.coordinator.once('exit', (code) => {
        if (!stopping) {
          process.stderr.write(`coordinator exited with code ${code}\n`);
          void shutdown(code ?? 1);
        }
      });
      process.stdout.write(`grugan API: ${stack.apiUrl}  (NATS ${stack.natsUrl}; Ctrl-C to stop)\n`);
    });
}
