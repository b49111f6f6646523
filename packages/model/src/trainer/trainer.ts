/**
 * What every trainer (the plain GRU-GAN's `GanTrainer`, `TimeGanTrainer`) offers the code around
 * it: the training loop, checkpoints (`getState` / `setState`) and sampling (`generate`). The
 * update roles differ by model, so `computeGradients` / `applyGradients` take the role type as a
 * parameter; `createTrainer` builds the one `model.kind` names.
 */
import type { TrialConfig } from '@grugan/protocol';
import type { Rng } from '../rng.js';
import type { NamedArrays, TrainerState, TrainingRole, TrainingStatus } from '../types.js';
import { TimeGanTrainer } from '../timegan/trainer.js';
import type { GanBatch } from './batch.js';
import { GanTrainer, type GradientResult } from './gan-trainer.js';

export interface Trainer<Role extends TrainingRole = TrainingRole> {
  /** The trial config it was built from. */
  readonly config: TrialConfig;
  /** Data features F. */
  readonly features: number;
  /** Noise features per step z that `generate` takes. */
  readonly noiseDim: number;
  /** Conditioning label classes K; 0 = unconditional (`generate` then takes no labels). */
  readonly conditionDim: number;
  /** Steps (iterations) completed. */
  step: number;
  status: TrainingStatus;
  /** Losses and gradients of one role's objective on `batch`; parameters are not changed. */
  computeGradients(role: Role, batch: GanBatch): GradientResult;
  /** Clips and applies (all-reduced) gradients of one role. */
  applyGradients(role: Role, grads: NamedArrays): void;
  /** Folds the current weights into the average samples come from (`training.emaDecay`; a no-op at 0). The training loop calls it. */
  updateAverage(): void;
  /** Scaled samples in (0, 1), [n, T, F] row-major, from noise [n, T, z] (and class indices [n] when conditional); with
   *  `training.emaDecay` > 0, from the weight average once it has begun. */
  generate(noise: Float32Array, n: number, labels?: Int32Array): Float32Array;
  /** Noise of the generator's distribution from `rng`, [n, T, z]. */
  sampleNoise(rng: Rng, n: number, seqLen: number): Float32Array;
  /** A deep copy of every parameter. */
  getWeights(): NamedArrays;
  getState(): TrainerState;
  setState(s: TrainerState): void;
  dispose(): void;
}

/** The trainer `config.model.kind` asks for. */
export function createTrainer(config: TrialConfig, features: number): GanTrainer | TimeGanTrainer {
  return config.model.kind === 'timegan' ? new TimeGanTrainer(config, features) : new GanTrainer(config, features);
}
