/**
 * Process entry of a worker (`grugan worker`): identity from the environment, SIGTERM/SIGINT
 * turned into a clean stop agreed with the other ranks, and an exit code the launcher can read:
 * 0 when training ended on its own terms (succeeded, stopped, diverged), 1 when it failed.
 */
import { readWorkerIdentity } from './identity.js';
import { createWorkerLogger } from './logger.js';
import { runWorker, type WorkerOutcome } from './worker.js';

/** Exit code for an outcome: only `failed` asks the launcher for a retry. */
export function exitCodeOf(outcome: WorkerOutcome): number {
  return outcome.status === 'failed' ? 1 : 0;
}

/** Runs a worker from the environment and returns the process exit code. */
export async function runWorkerProcess(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const identity = readWorkerIdentity(env);
  const log = createWorkerLogger(identity);
  const abort = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    log.info({ signal }, signals === 1 ? 'stopping at the next agreed step' : 'second signal: exiting now');
    if (signals > 1) process.exit(130);
    abort.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const outcome = await runWorker(identity, { log, signal: abort.signal });
    return exitCodeOf(outcome);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    log.flush();
  }
}
