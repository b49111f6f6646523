/**
 * The training half of a worker: builds data, trainer and sampler from the trial's config,
 * resumes from a checkpoint, joins the trial's group and runs `runTraining` from
 * `@grugan/model` with the collective all-reduce as its `reduce`. Rank 0 reports metrics and
 * writes checkpoints; all ranks act on agreed control orders (stop, pause, PBT exploit) at the
 * same step.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import {
  BatchSampler,
  GanTrainer,
  prepareData,
  runTraining,
  selectBackend,
  type NamedArrays,
  type NetworkRole,
  type PreparedData,
  type StepMetrics,
  type TrainerState,
} from '@grugan/model';
import type { TrialConfig, TrialRecord } from '@grugan/protocol';
import type { WorkerIdentity } from './identity.js';
import type { Logger } from './logger.js';
import type { ControlListener } from './control.js';
import { ControlConsensus } from './consensus.js';
import type { TrialReporter } from './reporter.js';
import type { TrialStore } from './trial-store.js';
import type { WorkerMetrics } from './metrics.js';
import { openExchange, type TrialExchange } from './exchange.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { applyExploitParams } from './config-params.js';
import { MetricsWindow } from './metrics-window.js';

/** Everything `trainTrial` works with, set up by `runWorker`. */
export interface TrainContext {
  nc: NatsConnection;
  identity: WorkerIdentity;
  record: TrialRecord;
  store: TrialStore;
  reporter: TrialReporter;
  control: ControlListener;
  metrics: WorkerMetrics;
  log: Logger;
}

/** How training ended. */
export interface TrainOutcome {
  status: 'succeeded' | 'diverged' | 'stopped';
  step: number;
  message?: string;
}

/** How long a rank waits for an exploit order another rank already voted for. */
const EXPLOIT_WAIT_MS = 10_000;

/** The mutable pieces of one trial's training. */
interface Run {
  config: TrialConfig;
  data: PreparedData;
  trainer: GanTrainer;
  sampler: BatchSampler;
  /** Generator steps already done (from a checkpoint). */
  startStep: number;
}

export async function trainTrial(ctx: TrainContext): Promise<TrainOutcome> {
  const run = await setUp(ctx);
  // Join the group only now: preparing data and building networks is long synchronous work
  // that would starve the group's heartbeats.
  const exchange = await openExchange(ctx.nc, ctx.identity, ctx.log);
  try {
    return await trainLoop(ctx, run, exchange);
  } finally {
    run.trainer.dispose();
    await exchange.close().catch((err: unknown) => ctx.log.warn({ err }, 'leaving the group failed'));
  }
}

async function setUp(ctx: TrainContext): Promise<Run> {
  const { identity, store, log } = ctx;
  const config = ctx.record.config;
  const backend = await selectBackend(undefined, log);
  log.info({ backend }, 'backend selected');
  const data = await prepareData(config.data, config.seed);
  const features = data.train.features;
  const trainer = new GanTrainer(config, features);
  const sampler = new BatchSampler(data.train, {
    globalBatch: config.training.batchSize,
    seed: config.seed,
    rank: identity.rank,
    worldSize: identity.worldSize,
    noiseDim: config.model.noiseDim || features,
  });
  let startStep = 0;
  const saved = await store.getCheckpoint(identity.trialId);
  if (saved) {
    const ckpt = decodeCheckpoint(saved);
    trainer.setState(ckpt.state);
    if (ckpt.sampler !== undefined) sampler.setState(ckpt.sampler as never);
    startStep = ckpt.state.step;
    log.info({ step: startStep }, 'resumed from checkpoint');
  }
  return { config, data, trainer, sampler, startStep };
}

async function trainLoop(ctx: TrainContext, run: Run, exchange: TrialExchange): Promise<TrainOutcome> {
  const { identity, store, reporter, control, metrics, log } = ctx;
  const isLeader = identity.rank === 0;
  const consensus = new ControlConsensus(control);
  const reduce = consensus.wrap(async (role: NetworkRole, grads: NamedArrays) => {
    const end = metrics.allReduceSeconds.startTimer();
    try {
      return await exchange.allReduce(role, grads);
    } finally {
      end();
    }
  });
  const window = new MetricsWindow(run.config.training.batchSize / identity.worldSize);

  const saveCheckpoint = async (state: TrainerState): Promise<void> => {
    const bytes = encodeCheckpoint({ config: run.config, data: run.data, state, sampler: run.sampler.getState() });
    await store.putCheckpoint(identity.trialId, bytes, state.step);
    await reporter.send('checkpoint', { step: state.step, metrics: { checkpoint_bytes: bytes.byteLength } });
    log.info({ step: state.step, bytes: bytes.byteLength }, 'checkpoint saved');
  };

  const onStep = async (m: StepMetrics): Promise<void> => {
    metrics.steps.inc();
    metrics.loss.set({ network: 'd' }, m.dLoss);
    metrics.loss.set({ network: 'g' }, m.gLoss);
    const rates = window.add(m);
    if (m.step % run.config.training.logEvery !== 0) return;
    window.reset();
    metrics.samplesPerSecond.set(rates.samplesPerSecond);
    if (!isLeader) return;
    await reporter.send('metrics', {
      step: m.step,
      metrics: {
        loss_d: m.dLoss,
        loss_g: m.gLoss,
        grad_norm_d: m.gradNormD,
        grad_norm_g: m.gradNormG,
        steps_per_second: rates.stepsPerSecond,
        samples_per_second: rates.samplesPerSecond * identity.worldSize,
      },
    });
  };

  for (;;) {
    const result = await runTraining({
      trainer: run.trainer,
      sampler: run.sampler,
      steps: run.config.training.steps,
      startStep: run.startStep,
      reduce,
      onStep,
      onCheckpoint: isLeader ? saveCheckpoint : undefined,
      checkpointEvery: run.config.training.checkpointEvery,
      shouldStop: () => consensus.decision() !== undefined,
    });
    if (result.status === 'diverged') {
      return { status: 'diverged', step: result.step, message: 'a loss or gradient was not finite' };
    }
    if (result.status === 'succeeded') {
      if (isLeader) await saveCheckpoint(run.trainer.getState());
      return { status: 'succeeded', step: result.step };
    }
    const decision = consensus.decision();
    if (decision === 'exploit') {
      await exploit(ctx, run, result.step);
      consensus.reset();
      control.clear();
      run.startStep = result.step;
      continue;
    }
    if (decision === 'pause' && isLeader) await saveCheckpoint(run.trainer.getState());
    const pending = control.pending();
    const message = decision === 'pause' ? 'paused' : pending?.action === 'stop' ? (pending.reason ?? 'stopped') : 'stopped';
    return { status: 'stopped', step: result.step, message };
  }
}

/**
 * PBT exploit: every rank loads the source trial's checkpoint and applies the perturbed params,
 * keeping this trial's own step count so its metric history stays monotonic. When the order or
 * the checkpoint is unusable, training continues unchanged; every rank reads the same
 * checkpoint and params, so every rank reaches the same answer.
 */
async function exploit(ctx: TrainContext, run: Run, step: number): Promise<void> {
  const { control, store, log } = ctx;
  const order = await control.waitForExploit(EXPLOIT_WAIT_MS);
  if (!order) {
    log.warn('agreed to exploit but no exploit order arrived; continuing');
    return;
  }
  try {
    const bytes = await store.getCheckpoint(order.sourceTrialId);
    if (!bytes) throw new Error(`trial ${order.sourceTrialId} has no checkpoint`);
    const source = decodeCheckpoint(bytes);
    const config = applyExploitParams(run.config, order.params);
    const trainer = new GanTrainer(config, run.data.train.features);
    trainer.setState({ ...source.state, step });
    run.trainer.dispose();
    run.trainer = trainer;
    run.config = config;
    log.info({ source: order.sourceTrialId, params: order.params, step }, 'exploited');
  } catch (err) {
    log.warn({ err, source: order.sourceTrialId }, 'exploit failed; continuing unchanged');
  }
}
