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
  captureTrainingState,
  GanTrainer,
  TimeGanTrainer,
  createTrainer,
  prepareData,
  resolveNoiseDim,
  restoreTrainingState,
  runTraining,
  selectBackend,
  type NamedArrays,
  type TrainingRole,
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
import { labelSweep, payloadBytes, recordBackend, type WorkerMetrics } from './metrics.js';
import { openExchange, type TrialExchange } from './exchange.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { applyExploitParams } from './config-params.js';
import { MetricsWindow } from './metrics-window.js';
import { evaluateMoments } from './evaluation.js';

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
  trainer: GanTrainer | TimeGanTrainer;
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
  // Choosing a snapshot by a post-hoc classifier is `grugan train`'s (one process); a trial's checkpoint is its last step.
  if (config.training.selection.every > 0) log.warn('training.selection is not applied in distributed trials: the checkpoint holds the last step');
  recordBackend(ctx.metrics, backend);
  labelSweep(ctx.metrics, { trial: identity.trialId, rank: identity.rank, sweep: ctx.record.sweepId });
  const data = await prepareData(config.data, config.seed);
  const features = data.train.features;
  const trainer = createTrainer(config, features);
  const sampler = new BatchSampler(data.train, {
    globalBatch: config.training.batchSize,
    seed: config.seed,
    rank: identity.rank,
    worldSize: identity.worldSize,
    noiseDim: resolveNoiseDim(config, features),
  });
  let startStep = 0;
  const saved = await store.getCheckpoint(identity.trialId);
  if (saved) {
    // Trainer and batch-sampler stream together, so k steps + resume + N−k steps = N steps.
    const ckpt = decodeCheckpoint(saved, `checkpoint of ${identity.trialId}`);
    restoreTrainingState(trainer, sampler, ckpt.trainer);
    startStep = ckpt.trainer.step;
    log.info({ step: startStep }, 'resumed from checkpoint');
  }
  return { config, data, trainer, sampler, startStep };
}

async function trainLoop(ctx: TrainContext, run: Run, exchange: TrialExchange): Promise<TrainOutcome> {
  const { identity, store, reporter, control, metrics, log } = ctx;
  const isLeader = identity.rank === 0;
  const consensus = new ControlConsensus(control);
  const reduce = consensus.wrap(async (role: TrainingRole, grads: NamedArrays) => {
    const end = metrics.allReduceSeconds.startTimer();
    metrics.allReduceBytes.inc(payloadBytes(grads));
    try {
      return await exchange.allReduce(role, grads);
    } finally {
      end();
    }
  });
  const window = new MetricsWindow(run.config.training.batchSize / identity.worldSize);

  const saveCheckpoint = async (state: TrainerState): Promise<void> => {
    const timer = metrics.checkpointSeconds.startTimer();
    const bytes = encodeCheckpoint(run.config, run.data, state);
    await store.putCheckpoint(identity.trialId, bytes, state.step);
    timer();
    metrics.checkpointBytes.set(bytes.byteLength);
    await reporter.send('checkpoint', { step: state.step, metrics: { checkpoint_bytes: bytes.byteLength } });
    log.info({ step: state.step, bytes: bytes.byteLength }, 'checkpoint saved');
  };

  let pendingScores: Record<string, number> = {};
  const onStep = async (m: StepMetrics): Promise<void> => {
    metrics.steps.inc();
    metrics.loss.set({ network: 'd' }, m.dLoss);
    metrics.loss.set({ network: 'g' }, m.gLoss);
    metrics.gradNorm.set({ network: 'd' }, m.gradNormD);
    metrics.gradNorm.set({ network: 'g' }, m.gradNormG);
    metrics.step.set(m.step);
    metrics.stepSeconds.observe(m.seconds);
    const { evalEvery, logEvery, steps } = run.config.training;
    const last = m.step === steps;
    // Scores go into the next metrics report, so schedulers can use them as the objective.
    if (isLeader && (last || (evalEvery > 0 && m.step % evalEvery === 0))) {
      const scores = evaluateMoments(run.trainer, run.data.test, run.data.train, run.config.seed);
      for (const [name, value] of Object.entries(scores)) metrics.evalScore.set({ metric: name }, value);
      log.debug({ step: m.step, scores }, 'evaluated');
      pendingScores = scores;
    }
    const rates = window.add(m);
    // The last step is always reported, so its final evaluation reaches the coordinator.
    if (m.step % logEvery !== 0 && !last) return;
    window.reset();
    metrics.samplesPerSecond.set(rates.samplesPerSecond);
    if (!isLeader) return;
    await reporter.send('metrics', {
      step: m.step,
      metrics: {
        ...pendingScores,
        loss_d: m.dLoss,
        loss_g: m.gLoss,
        grad_norm_d: m.gradNormD,
        grad_norm_g: m.gradNormG,
        steps_per_second: rates.stepsPerSecond,
        samples_per_second: rates.samplesPerSecond * identity.worldSize,
      },
    });
    pendingScores = {};
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
      return { status: 'diverged', step: result.step, message: result.reason ?? 'a loss or gradient was not finite' };
    }
    if (result.status === 'succeeded') {
      // runTraining has already written the final checkpoint through onCheckpoint.
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
    if (decision === 'pause' && isLeader) await saveCheckpoint(captureTrainingState(run.trainer, run.sampler));
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
    const source = decodeCheckpoint(bytes, `checkpoint of ${order.sourceTrialId}`);
    const config = applyExploitParams(run.config, order.params);
    const trainer = createTrainer(config, run.data.train.features);
    // The source's weights and optimiser moments; the batch sampler (this trial's own stream)
    // is not part of the trainer, so it carries on.
    trainer.setState({ ...source.trainer, step });
    run.trainer.dispose();
    run.trainer = trainer;
    run.config = config;
    log.info({ source: order.sourceTrialId, params: order.params, step }, 'exploited');
  } catch (err) {
    log.warn({ err, source: order.sourceTrialId }, 'exploit failed; continuing unchanged');
  }
}
