/**
 * One worker process = one data-parallel rank of one trial launch.
 *
 * Lifecycle: connect to NATS → read the TrialRecord → serve /metrics and say `hello` → prepare
 * the data and build the trainer (same seed on every rank, so identical initial weights) →
 * resume from the trial's checkpoint if the Object Store has one → join the trial's group →
 * `runTraining` with the collective's all-reduce between gradient compute and apply → rank 0
 * reports metrics every `logEvery` steps and checkpoints every `checkpointEvery` steps → every
 * rank sends `final`. Follows the compute/reduce/apply split of tfjs `Optimizer.minimize`
 * and PyTorch DDP; control orders are agreed through the all-reduce (`consensus.ts`).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TrialRecord, TrialReport } from '@grugan/protocol';
import { TERMINAL_TRIAL_STATES, stateNamesFromEnv } from '@grugan/protocol';
import type { WorkerIdentity } from './identity.js';
import type { Logger } from './logger.js';
import { ControlListener } from './control.js';
import { TrialReporter } from './reporter.js';
import { TrialStore } from './trial-store.js';
import { createWorkerMetrics, startMetricsServer, type MetricsServer } from './metrics.js';
import { trainTrial, type TrainOutcome } from './train.js';
import { metricsLingerMsFromEnv, metricsPortFromEnv } from './metrics-port.js';

/** How a worker run ended, as sent in its `final` report. */
export interface WorkerOutcome {
  /** Final status of the training. */
  status: NonNullable<TrialReport['status']>;
  /** Generator steps completed. */
  step: number;
  /** Why, for failed or stopped runs. */
  message?: string;
}

export interface RunWorkerOptions {
  log: Logger;
  /** Aborting it (e.g. on SIGTERM) stops training cleanly at the next agreed step. */
  signal?: AbortSignal;
}

/** Runs one worker to completion; never throws for training failures, they become `failed`. */
export async function runWorker(identity: WorkerIdentity, opts: RunWorkerOptions): Promise<WorkerOutcome> {
  const { log } = opts;
  // Environment problems surface before connecting, as one WorkerEnvError naming the variable.
  const metricsPort = metricsPortFromEnv(process.env);
  const linger = metricsLingerMsFromEnv(process.env);
  const nc = await connect({
    servers: identity.natsUrl.split(','),
    name: `grugan-worker-${identity.trialId}-${identity.rank}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  const names = stateNamesFromEnv();
  const metrics = createWorkerMetrics({ trial: identity.trialId, rank: identity.rank });
  const control = new ControlListener(identity.trialId, log, () => metrics.badControlMessages.inc());
  const reporter = new TrialReporter(nc, identity, log, names);
  const store = new TrialStore(nc, names);
  let server: MetricsServer | undefined;
  const onAbort = () => control.requestStop('worker received a termination signal');
  opts.signal?.addEventListener('abort', onAbort);
  let outcome: WorkerOutcome;
  try {
    control.start(nc, names);
    await nc.flush();
    // Kubernetes pods get a fixed port (GRUGAN_METRICS_PORT, what the pod's scrape annotations and
    // container port name); local workers share a host, so they take any free port (0).
    server = await startMetricsServer(metrics.registry, { port: metricsPort });
    await reporter.send('hello', { step: 0, metricsAddress: server.address });
    const record = await store.loadTrial(identity.trialId);
    checkRecord(record, identity, log);
    if (TERMINAL_TRIAL_STATES.includes(record.state)) {
      outcome = { status: 'stopped', step: record.step, message: `trial is already ${record.state}` };
    } else {
      const result = await trainTrial({ nc, identity, record, store, reporter, control, metrics, log });
      outcome = toOutcome(result);
    }
  } catch (err) {
    log.error({ err }, 'worker failed');
    outcome = { status: 'failed', step: 0, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  opts.signal?.removeEventListener('abort', onAbort);
  log.info({ outcome }, 'worker finished');
  // The coordinator drops a worker from /v1/targets on its `final` report; staying up a little
  // longer lets Prometheus take one last scrape of the final counter values.
  if (server && linger > 0) await new Promise((r) => setTimeout(r, linger));
  await reporter.send('final', { step: outcome.step, status: outcome.status, message: outcome.message });
  control.stop();
  await server?.close();
  await drain(nc, log);
  return outcome;
}

function checkRecord(record: TrialRecord, identity: WorkerIdentity, log: Logger): void {
  if (record.worldSize !== identity.worldSize) {
    log.warn({ recordWorldSize: record.worldSize }, 'world size differs from the trial record; using the environment');
  }
  if (record.attempt !== identity.attempt) {
    log.warn({ recordAttempt: record.attempt }, 'attempt differs from the trial record');
  }
}

function toOutcome(r: TrainOutcome): WorkerOutcome {
  return { status: r.status, step: r.step, message: r.message };
}

async function drain(nc: NatsConnection, log: Logger): Promise<void> {
  try {
    await nc.drain();
  } catch (err) {
    log.warn({ err }, 'draining the NATS connection failed');
  }
}

