/**
 * THE training loop, shared by `grugan train` (one process), `grugan train --workers W` and the
 * distributed worker. Per generator step: `dStepsPerGStep` × (D computeGradients → reduce →
 * applyGradients), then the same once for G. `reduce` is where a worker all-reduces (averages)
 * gradients across ranks; a single process leaves it out.
 *
 * A NaN or infinite loss or gradient ends the run as 'diverged' before the bad update is applied;
 * the state captured at the last checkpoint (or at the start) is returned as `lastGoodState`.
 */
import type { NamedArrays, NetworkRole, TrainerState, TrainingRole } from '../types.js';
import { globalNorm } from '../optim/clip.js';
import type { BatchSampler } from './batch-sampler.js';
import type { GanTrainer } from './gan-trainer.js';
import { captureTrainingState } from './training-state.js';
import { TimeGanTrainer } from '../timegan/trainer.js';
import { runTimeGanTraining } from '../timegan/run.js';

/** What the loop reports after each generator step. */
export interface StepMetrics {
  /** Generator steps completed, this one included. */
  step: number;
  /** Discriminator loss of the step's last D update. */
  dLoss: number;
  /** Generator loss. */
  gLoss: number;
  /** Global L2 norm of D's (reduced) gradients, before clipping. */
  gradNormD: number;
  /** Global L2 norm of G's (reduced) gradients, before clipping. */
  gradNormG: number;
  /** Wall time of this step, seconds. */
  seconds: number;
  /** Every other loss term the trainer reported (dReal, dFake, gradientPenalty, ...). */
  extra: Record<string, number>;
}

export interface RunTrainingOptions {
  /** A TimeGAN trainer is trained by `runTimeGanTraining` (its three phases), with the same options. */
  trainer: GanTrainer | TimeGanTrainer;
  sampler: BatchSampler;
  /** Stop after this many generator steps in total (counting steps done before `startStep`). */
  steps: number;
  /** Steps already done (a resumed run); default `trainer.step`. */
  startStep?: number;
  /**
   * Averages gradients across ranks; identity when absent. TimeGAN passes its own roles too
   * (method syntax keeps reducers typed for 'd' | 'g' assignable; they must pass any role through).
   */
  reduce?(role: TrainingRole, grads: NamedArrays): Promise<NamedArrays>;
  /** Called after every generator step. */
  onStep?: (m: StepMetrics) => void | Promise<void>;
  /** Called every `checkpointEvery` steps and once at the end of a successful run. */
  onCheckpoint?: (state: TrainerState) => Promise<void>;
  /** Checkpoint cadence in generator steps; 0 or absent = only at the end. */
  checkpointEvery?: number;
  /** Polled before each step; true ends the run as 'stopped'. */
  shouldStop?: () => boolean;
}

export interface RunTrainingResult {
  status: 'succeeded' | 'diverged' | 'stopped';
  /** Generator steps completed. */
  step: number;
  /** When diverged: the state at the last checkpoint (or at the start of the run). */
  lastGoodState?: TrainerState;
  /** When diverged: what was not finite. */
  reason?: string;
}

function firstNonFinite(losses: Record<string, number>, grads: NamedArrays): string | undefined {
  for (const [k, v] of Object.entries(losses)) if (!Number.isFinite(v)) return `loss ${k} is ${v}`;
  for (const [k, g] of Object.entries(grads)) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return `gradient ${k}[${i}] is ${d[i]}`;
  }
  return undefined;
}

export async function runTraining(opts: RunTrainingOptions): Promise<RunTrainingResult> {
  if (opts.trainer instanceof TimeGanTrainer) return runTimeGanTraining({ ...opts, trainer: opts.trainer });
  const { trainer, sampler, steps, reduce, onStep, onCheckpoint, shouldStop } = opts;
  const every = opts.checkpointEvery ?? 0;
  const dSteps = trainer.config.training.dStepsPerGStep;
  if (opts.startStep !== undefined) trainer.step = opts.startStep;
  let lastGoodState = captureTrainingState(trainer, sampler);
  trainer.status = 'running';

  const diverge = (reason: string): RunTrainingResult => {
    trainer.status = 'diverged';
    return { status: 'diverged', step: trainer.step, lastGoodState: { ...lastGoodState, status: 'diverged' }, reason };
  };

  /** One compute → reduce → check → apply round; returns the losses, or a reason to stop. */
  const update = async (role: NetworkRole) => {
    const { losses, grads } = trainer.computeGradients(role, sampler.next());
    const reduced = reduce ? await reduce(role, grads) : grads;
    const bad = firstNonFinite(losses, reduced);
    if (bad !== undefined) return { bad };
    const norm = globalNorm(reduced);
    trainer.applyGradients(role, reduced);
    return { losses, norm };
  };

  while (trainer.step < steps) {
    if (shouldStop?.()) return { status: 'stopped', step: trainer.step };
    const started = performance.now();
    let d: { losses: Record<string, number>; norm: number } | undefined;
    for (let k = 0; k < dSteps; k++) {
      const r = await update('d');
      if ('bad' in r) return diverge(r.bad!);
      d = r as { losses: Record<string, number>; norm: number };
    }
    const g = await update('g');
    if ('bad' in g) return diverge(g.bad!);
    trainer.updateAverage();
    const { dLoss, ...dExtra } = d!.losses;
    const metrics: StepMetrics = {
      step: trainer.step,
      dLoss,
      gLoss: g.losses!.gLoss,
      gradNormD: d!.norm,
      gradNormG: g.norm!,
      seconds: (performance.now() - started) / 1000,
      extra: dExtra,
    };
    await onStep?.(metrics);
    if (every > 0 && trainer.step % every === 0 && trainer.step < steps) {
      lastGoodState = captureTrainingState(trainer, sampler);
      await onCheckpoint?.(lastGoodState);
    }
  }
  trainer.status = 'succeeded';
  if (onCheckpoint) await onCheckpoint(captureTrainingState(trainer, sampler));
  return { status: 'succeeded', step: trainer.step };
}
