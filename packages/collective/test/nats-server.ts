/**
 * Starts a private `nats-server` (from PATH or /usr/sbin) on a free port for tests that need
 * a small `max_payload` or a server they can kill and restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The shared server the project's tests may use. */
export const SHARED_NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export interface PrivateNatsServer {
  url: string;
  port: number;
  /** Kills the server (SIGKILL, like a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Kills it and removes its files. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function serverBinary(): string {
  return process.env.NATS_SERVER_BIN ?? 'nats-server';
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' }, () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startNatsServer(opts: { maxPayload?: number } = {}): Promise<PrivateNatsServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'grugan-nats-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `listen: 127.0.0.1:${port}\n${opts.maxPayload ? `max_payload: ${opts.maxPayload}\n` : ''}`);
  let proc: ChildProcess | undefined;
  const start = async () => {
    const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/bin` };
    proc = spawn(serverBinary(), ['-c', conf], { stdio: 'ignore', env });
    await waitForPort(port);
  };
  const kill = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill,
    start,
    dispose: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
