/**
 * TimeGAN's training loop (Yoon et al. 2019; the authors' `timegan.py`), driven through the same
 * compute → reduce → apply seam and the same options as `runTraining` (which hands TimeGAN
 * trainers to this function). One iteration per `step`:
 *
 *   phase 1  autoencoder update                                            (one batch)
 *   phase 2  supervisor update                                             (one batch)
 *   phase 3  generatorSteps × (g update, then embedder update on the same batch),
 *            then the discriminator's loss on a fresh batch, and its update only if
 *            that loss exceeds `dLossThreshold` (TimeGAN: 0.15); then the weight average
 *            samples come from takes the new weights in (`training.emaDecay` > 0)
 *
 * The threshold is compared with the loss of the GLOBAL batch: the local loss rides along with
 * D's gradients through `reduce` (under a key no parameter has) and comes back averaged, so every
 * rank takes the same decision. A NaN or infinite loss or gradient ends the run as 'diverged'
 * before the bad update, as in `runTraining`.
 */
import type { NamedArrays, TimeGanRole, TrainerState } from '../types.js';
import type { GanBatch } from '../trainer/batch.js';
import { globalNorm } from '../optim/clip.js';
import type { BatchSampler } from '../trainer/batch-sampler.js';
import type { RunTrainingResult, StepMetrics } from '../trainer/run-training.js';
import { captureTrainingState } from '../trainer/training-state.js';
import { timeGanPhase } from './schedule.js';
import type { TimeGanTrainer } from './trainer.js';

/** Key of D's local loss among its reduced gradients; never a parameter name. */
export const D_LOSS_KEY = '~dLoss';

/** Phase numbers as reported in `StepMetrics.extra.phase`. */
const PHASE_NUMBER = { embedding: 1, supervised: 2, joint: 3 } as const;

export interface RunTimeGanOptions {
  trainer: TimeGanTrainer;
  sampler: BatchSampler;
  /** Stop after this many iterations in total, over all phases (counting those before `startStep`). */
  steps: number;
  /** Iterations already done (a resumed run); default `trainer.step`. */
  startStep?: number;
  /** Averages gradients across ranks; identity when absent. */
  reduce?(role: TimeGanRole, grads: NamedArrays): Promise<NamedArrays>;
  /** Called after every iteration. */
  onStep?: (m: StepMetrics) => void | Promise<void>;
  /** Called every `checkpointEvery` iterations and once at the end of a successful run. */
  onCheckpoint?: (state: TrainerState) => Promise<void>;
  /** Checkpoint cadence in iterations; 0 or absent = only at the end. */
  checkpointEvery?: number;
  /** Polled before each iteration; true ends the run as 'stopped'. */
  shouldStop?: () => boolean;
}

function firstNonFinite(losses: Record<string, number>, grads: NamedArrays): string | undefined {
  for (const [k, v] of Object.entries(losses)) if (!Number.isFinite(v)) return `loss ${k} is ${v}`;
  for (const [k, g] of Object.entries(grads)) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return `gradient ${k}[${i}] is ${d[i]}`;
  }
  return undefined;
}

/** What one update reports, or why the run must stop. */
type Update = { losses: Record<string, number>; norm: number; applied: boolean } | { bad: string };

export async function runTimeGanTraining(opts: RunTimeGanOptions): Promise<RunTrainingResult> {
  const { trainer, sampler, steps, onStep, onCheckpoint, shouldStop } = opts;
  const every = opts.checkpointEvery ?? 0;
  const { generatorSteps, dLossThreshold } = trainer.config.model.timegan;
  if (opts.startStep !== undefined) trainer.step = opts.startStep;
  let lastGoodState = captureTrainingState(trainer, sampler);
  trainer.status = 'running';

  const diverge = (reason: string): RunTrainingResult => {
    trainer.status = 'diverged';
    return { status: 'diverged', step: trainer.step, lastGoodState: { ...lastGoodState, status: 'diverged' }, reason };
  };

  /** compute → reduce → check → (apply when `gate` allows); D's loss travels with its gradients. */
  const update = async (role: TimeGanRole, batch: GanBatch, gate?: (globalLoss: number) => boolean): Promise<Update> => {
    const { losses, grads } = trainer.computeGradients(role, batch);
    const send = gate ? { ...grads, [D_LOSS_KEY]: { shape: [1], data: new Float32Array([losses.dLoss]) } } : grads;
    const { [D_LOSS_KEY]: globalLoss, ...reduced } = opts.reduce ? await opts.reduce(role, send) : send;
    const bad = firstNonFinite(losses, reduced);
    if (bad !== undefined) return { bad };
    const norm = globalNorm(reduced);
    const applied = gate === undefined || gate(globalLoss.data[0]);
    if (applied) trainer.applyGradients(role, reduced);
    return { losses, norm, applied };
  };

  while (trainer.step < steps) {
    if (shouldStop?.()) return { status: 'stopped', step: trainer.step };
    const started = performance.now();
    const phase = timeGanPhase(trainer.schedule, trainer.step);
    let metrics: Omit<StepMetrics, 'step' | 'seconds'>;
    if (phase !== 'joint') {
      // Phases 1 and 2 train no adversary: D and G losses are reported as 0, the phase's loss in `extra`.
      const r = await update(phase === 'embedding' ? 'autoencoder' : 'supervisor', sampler.next());
      if ('bad' in r) return diverge(r.bad);
      metrics = { dLoss: 0, gLoss: 0, gradNormD: 0, gradNormG: r.norm, extra: { phase: PHASE_NUMBER[phase], ...r.losses } };
    } else {
      let g: Update | undefined;
      let e: Update | undefined;
      for (let k = 0; k < generatorSteps; k++) {
        const batch = sampler.next();
        g = await update('g', batch);
        if ('bad' in g) return diverge(g.bad);
        e = await update('embedder', batch);
        if ('bad' in e) return diverge(e.bad);
      }
      const d = await update('d', sampler.next(), (loss) => loss > dLossThreshold);
      if ('bad' in d) return diverge(d.bad);
      trainer.updateAverage();
      const gr = g as Exclude<Update, { bad: string }>;
      const er = e as Exclude<Update, { bad: string }>;
      const { gLoss, ...gExtra } = gr.losses;
      const { dLoss, ...dExtra } = d.losses;
      metrics = {
        dLoss,
        gLoss,
        gradNormD: d.norm,
        gradNormG: gr.norm,
        extra: { phase: 3, ...gExtra, ...er.losses, ...dExtra, dApplied: d.applied ? 1 : 0 },
      };
    }
    trainer.step += 1;
    await onStep?.({ step: trainer.step, seconds: (performance.now() - started) / 1000, ...metrics });
    if (every > 0 && trainer.step % every === 0 && trainer.step < steps) {
      lastGoodState = captureTrainingState(trainer, sampler);
      await onCheckpoint?.(lastGoodState);
    }
  }
  trainer.status = 'succeeded';
  if (onCheckpoint) await onCheckpoint(captureTrainingState(trainer, sampler));
  return { status: 'succeeded', step: trainer.step };
}
