/**
 * Sets up what the coordinator would have created for a trial (KV record, reports stream,
 * checkpoint bucket) on a private NATS, starts real worker processes for it, and reads back
 * the reports they published.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { TrialConfig, TrialReport, type StateNames, type TrialConfigInput, type TrialRecord } from '@grugan/protocol';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export async function createState(nc: NatsConnection, names: StateNames): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: names.reportsStream, subjects: [names.allReports] });
  await new Kvm(nc).create(names.trialsBucket);
  await new Objm(nc).create(names.checkpointsBucket);
}

export async function putTrial(
  nc: NatsConnection,
  names: StateNames,
  id: string,
  config: TrialConfigInput,
  worldSize: number,
  attempt = 0,
): Promise<TrialRecord> {
  const now = new Date().toISOString();
  const record: TrialRecord = {
    id, sweepId: 'sw', config: TrialConfig.parse(config), params: {}, state: 'running',
    worldSize, attempt, step: 0, metrics: {}, createdAt: now, updatedAt: now,
  };
  const kv = await new Kvm(nc).open(names.trialsBucket);
  await kv.put(id, JSON.stringify(record));
  return record;
}

export interface WorkerProcess {
  child: ChildProcess;
  exit: Promise<number | null>;
  output(): string;
}

/** Starts one real worker process (the code `grugan worker` runs) with the launcher's environment. */
export function startWorker(env: Record<string, string>): WorkerProcess {
  const script = "const m = await import('@grugan/worker'); process.exit(await m.runWorkerProcess(process.env));";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, GRUGAN_BACKEND: 'cpu', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, output: () => out };
}

export function startRanks(base: Record<string, string>, worldSize: number): WorkerProcess[] {
  return Array.from({ length: worldSize }, (_, rank) =>
    startWorker({ ...base, GRUGAN_RANK: String(rank), GRUGAN_WORLD_SIZE: String(worldSize) }),
  );
}

/** Every report of `trialId` in the stream, in order. */
export async function reportsOf(nc: NatsConnection, names: StateNames, trialId: string): Promise<TrialReport[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(names.reportsStream);
  const out: TrialReport[] = [];
  if (info.state.messages === 0) return out;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(names.reportsStream, { seq }).catch(() => null);
    if (m && m.subject === names.reportSubject(trialId)) out.push(TrialReport.parse(m.json()));
  }
  return out;
}

export function killAll(workers: WorkerProcess[]): void {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
}
