/**
 * A private `nats-server` with JetStream for one e2e suite: free port, store in a temp dir,
 * restartable on the same port and store (to test surviving a NATS restart), removed by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isListening, stopProcess } from './processes.js';

export interface E2eNats {
  url: string;
  /** Kills the server (SIGKILL) and starts it again on the same port and store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function binary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  throw new Error('nats-server not found on PATH or in /usr/sbin');
}

export async function startNats(): Promise<E2eNats> {
  const dir = await mkdtemp(join(tmpdir(), 'grugan-e2e-nats-'));
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(binary(), ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await isListening(port)); i++) await new Promise((r) => setTimeout(r, 100));
    if (!(await isListening(port))) throw new Error(`nats-server did not listen on ${port}`);
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    restart: async () => {
      await stopProcess(child, 'SIGKILL');
      await launch();
    },
    stop: async () => {
      await stopProcess(child, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
