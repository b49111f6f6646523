/**
 * LocalLauncher: runs a trial's W workers as child processes of the coordinator, one per rank,
 * with the worker environment of `@grugan/protocol` (`GRUGAN_TRIAL_ID`, `GRUGAN_RANK`, ...).
 * Status comes from the children's exit codes; `terminate` sends SIGTERM, then SIGKILL after a
 * grace period (as the kubelet does with `terminationGracePeriodSeconds`).
 *
 * Handles carry the process ids, so a restarted coordinator can still tell whether workers it
 * did not start are alive (`kill(pid, 0)`) and stop them; their exit codes are lost with the old
 * parent, so exited foreign workers report `Failed` / `ProcessGone`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LaunchCondition, LaunchHandle, LaunchRequest, Launcher } from './launcher.js';

/** Repository root, resolved from this file (apps/coordinator/src/launchers/). */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** V8 flags of a training process: a larger young generation (see apps/cli/bin/grugan.js). */
export const TRAINING_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** The worker command: the `grugan` CLI's `worker` subcommand. */
export const DEFAULT_WORKER_COMMAND: readonly string[] = [process.execPath, ...TRAINING_NODE_FLAGS, join(REPO_ROOT, 'apps/cli/bin/grugan.js'), 'worker'];

export interface LocalLauncherOptions {
  /** Executable and arguments of one worker; default `node --max-semi-space-size=64 apps/cli/bin/grugan.js worker`. */
  command?: readonly string[];
  /** Working directory of the workers; default the repository root. */
  cwd?: string;
  /** Directory for per-rank log files (`<trial>-a<attempt>-r<rank>.log`); default: inherit the coordinator's stdio. */
  logDir?: string;
  /** Time between SIGTERM and SIGKILL on terminate, in ms. */
  graceMs?: number;
  /** Environment for every worker, on top of the coordinator's own. */
  env?: Record<string, string>;
}

interface Rank {
  child: ChildProcess;
  /** Exit code, or a signal name, once the process has exited. */
  exit?: number | string;
}

interface LocalLaunch {
  attempt: number;
  handle: LaunchHandle;
  ranks: Rank[];
}

export const LOCAL_LAUNCHER_NAME = 'local';

export class LocalLauncher implements Launcher {
  readonly name = LOCAL_LAUNCHER_NAME;
  private readonly launches = new Map<string, LocalLaunch>();
  private readonly graceMs: number;

  constructor(private readonly options: LocalLauncherOptions = {}) {
    this.graceMs = options.graceMs ?? 5000;
  }

  async launch(request: LaunchRequest): Promise<LaunchHandle> {
    const existing = this.launches.get(request.trialId);
    // Create-or-update: the same attempt already running is returned as is.
    if (existing && existing.attempt === request.attempt && existing.ranks.some((r) => r.exit === undefined)) {
      return existing.handle;
    }
    if (existing) await this.terminate(existing.handle);

    const [file, ...args] = this.options.command ?? DEFAULT_WORKER_COMMAND;
    if (this.options.logDir) mkdirSync(this.options.logDir, { recursive: true });
    const ranks: Rank[] = [];
    for (let rank = 0; rank < request.worldSize; rank++) {
      const env = {
        ...process.env,
        ...this.options.env,
        ...request.env,
        GRUGAN_TRIAL_ID: request.trialId,
        GRUGAN_RANK: String(rank),
        GRUGAN_WORLD_SIZE: String(request.worldSize),
        GRUGAN_ATTEMPT: String(request.attempt),
        NATS_URL: request.natsUrl,
      };
      let stdio: 'inherit' | ['ignore', number, number] = 'inherit';
      if (this.options.logDir) {
        const log = createWriteStream(join(this.options.logDir, `${request.trialId}-a${request.attempt}-r${rank}.log`));
        await new Promise((resolve) => log.once('open', resolve));
        stdio = ['ignore', (log as unknown as { fd: number }).fd, (log as unknown as { fd: number }).fd];
        // The child holds its own copy of the descriptor; ours closes once it has started.
        setImmediate(() => log.close());
      }
      const child = spawn(file, args, { cwd: this.options.cwd ?? REPO_ROOT, env, stdio });
      const entry: Rank = { child };
      child.once('exit', (code, signal) => (entry.exit = code ?? signal ?? 'unknown'));
      child.once('error', () => (entry.exit ??= 'spawn-error'));
      ranks.push(entry);
    }
    const handle: LaunchHandle = {
      launcher: this.name,
      trialId: request.trialId,
      id: ranks.map((r) => r.child.pid ?? 0).join(','),
    };
    this.launches.set(request.trialId, { attempt: request.attempt, handle, ranks });
    return handle;
  }

  async status(handle: LaunchHandle): Promise<LaunchCondition> {
    const own = this.ownLaunch(handle);
    if (!own) return foreignStatus(handle);
    const exits = own.ranks.map((r) => r.exit);
    const failed = exits.findIndex((e) => e !== undefined && e !== 0);
    if (failed >= 0) {
      return { type: 'Failed', reason: 'WorkerExited', message: `rank ${failed} exited with ${String(exits[failed])}` };
    }
    if (exits.every((e) => e === 0)) return { type: 'Succeeded', reason: 'AllWorkersExited', message: 'every rank exited 0' };
    return { type: 'Running', reason: 'WorkersRunning', message: `${exits.filter((e) => e === undefined).length} of ${exits.length} ranks running` };
  }

  async terminate(handle: LaunchHandle): Promise<void> {
    const own = this.ownLaunch(handle);
    const pids = own ? own.ranks.filter((r) => r.exit === undefined).map((r) => r.child.pid ?? 0) : parsePids(handle.id);
    for (const pid of pids) signal(pid, 'SIGTERM');
    const deadline = Date.now() + this.graceMs;
    while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
    for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
    if (own) {
      // Wait (briefly) for the exit events so status() says Failed, not Running.
      const until = Date.now() + 2000;
      while (own.ranks.some((r) => r.exit === undefined) && Date.now() < until) await sleep(20);
    }
  }

  /** Kills every worker this launcher started (coordinator shutdown in tests and `grugan up`). */
  async terminateAll(): Promise<void> {
    await Promise.all([...this.launches.values()].map((l) => this.terminate(l.handle)));
  }

  private ownLaunch(handle: LaunchHandle): LocalLaunch | undefined {
    const own = this.launches.get(handle.trialId);
    return own && own.handle.id === handle.id ? own : undefined;
  }
}

function foreignStatus(handle: LaunchHandle): LaunchCondition {
  const pids = parsePids(handle.id);
  const alive = pids.filter(isAlive).length;
  if (pids.length > 0 && alive === pids.length) {
    return { type: 'Running', reason: 'ProcessesAlive', message: `${alive} worker processes alive (started by an earlier coordinator)` };
  }
  // Gone without an exit code we could read: Failed, and reconciliation waits a grace period for
  // a final report before calling the trial lost.
  return { type: 'Failed', reason: 'ProcessGone', message: `${pids.length - alive} of ${pids.length} worker processes gone; exit codes unknown` };
}

function parsePids(id: string): number[] {
  return id
    .split(',')
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 0);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but not ours to signal; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone: terminate is safe on stopped handles.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
