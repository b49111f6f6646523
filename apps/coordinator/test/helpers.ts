/**
 * Test helpers: a coordinator app on the shared NATS server (127.0.0.1:4222, or NATS_URL) under a
 * unique state prefix, so tests never see each other's buckets, and a cleanup that deletes them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type CoordinatorConfigInput } from '../src/config.js';
import { LocalLauncher } from '../src/launchers/local.js';
import { NatsState } from '../src/state/nats-state.js';
import type { CoordinatorAppOptions } from '../src/types.js';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A state prefix no other test uses. */
export function uniquePrefix(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export const FAKE_WORKER = fileURLToPath(new URL('./fixtures/fake-worker.mjs', import.meta.url));

/** Worker logs of this test process (crashing fake workers would clutter the test output). */
const WORKER_LOGS = mkdtempSync(join(tmpdir(), 'grugan-coordinator-test-'));
process.once('exit', () => rmSync(WORKER_LOGS, { recursive: true, force: true }));

/** A local launcher running the fake worker fixture (real processes). */
export function fakeWorkerLauncher(env: Record<string, string> = {}): LocalLauncher {
  return new LocalLauncher({ command: [process.execPath, FAKE_WORKER], env, graceMs: 1000, logDir: WORKER_LOGS });
}

export async function startApp(
  prefix: string,
  config: CoordinatorConfigInput = {},
  options: Omit<CoordinatorAppOptions, 'config'> = {},
): Promise<FastifyInstance> {
  return buildApp({
    config: loadConfig(
      { natsUrl: NATS_URL, statePrefix: prefix, port: 0, logLevel: 'silent', reconcileIntervalMs: 200, stopGraceMs: 300, ...config },
      {},
    ),
    launcher: options.launcher ?? fakeWorkerLauncher(),
    exitGraceMs: 1000,
    ...options,
  });
}

/** Closes the app and kills every worker process its local launcher started. */
export async function stopApp(app: FastifyInstance | undefined): Promise<void> {
  if (!app) return;
  const launcher = app.launcher as Partial<LocalLauncher>;
  await app.close();
  await launcher.terminateAll?.();
}

/** Deletes every bucket and stream of `prefix`. */
export async function destroyState(prefix: string): Promise<void> {
  const state = await NatsState.open({ natsUrl: NATS_URL, statePrefix: prefix });
  await state.destroy();
  await state.close();
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 30_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A small valid sweep body. */
export function sweepBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'test sweep',
    base: { training: { steps: 100, logEvery: 10 } },
    space: { 'optimizer.lrG': { type: 'uniform', min: 0.0005, max: 0.005 } },
    searcher: { type: 'random' },
    scheduler: { type: 'fifo' },
    objective: { metric: 'score', mode: 'min' },
    maxTrials: 3,
    maxConcurrentTrials: 2,
    workersPerTrial: 2,
    retriesPerTrial: 1,
    ...overrides,
  };
}
