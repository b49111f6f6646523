/**
 * TimeGAN's three training phases laid out over `training.steps` iterations (Yoon et al. 2019,
 * Algorithm 1; the authors' code runs the same number of iterations in each phase):
 *
 *   [0, embedding)                      phase 1: embedder + recovery as an autoencoder
 *   [embedding, embedding + supervised) phase 2: supervisor on the latents of real data
 *   [embedding + supervised, steps)     phase 3: joint (generator, embedder, discriminator)
 *
 * One counter (`TimeGanTrainer.step`) runs through all three, so a checkpoint taken in any phase
 * resumes in the same place. Phase lengths default to ⌊steps / 3⌋ each, the joint phase gets the rest.
 */
import type { TrialConfig } from '@grugan/protocol';

/** Thrown when the configured phases do not fit in `training.steps`. */
export class TimeGanConfigError extends Error {
  readonly code = 'ERR_TIMEGAN_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'TimeGanConfigError';
  }
}

export type TimeGanPhase = 'embedding' | 'supervised' | 'joint';

/** Iterations per phase; they add up to `total`. */
export interface TimeGanSchedule {
  embedding: number;
  supervised: number;
  joint: number;
  /** `training.steps`. */
  total: number;
}

export function timeGanSchedule(config: TrialConfig): TimeGanSchedule {
  const total = config.training.steps;
  const { embeddingSteps, supervisedSteps } = config.model.timegan;
  const embedding = embeddingSteps ?? Math.floor(total / 3);
  const supervised = supervisedSteps ?? Math.floor(total / 3);
  if (embedding + supervised > total) {
    throw new TimeGanConfigError(
      `model.timegan.embeddingSteps (${embedding}) + supervisedSteps (${supervised}) exceed training.steps (${total}); the joint phase gets what they leave`,
    );
  }
  return { embedding, supervised, joint: total - embedding - supervised, total };
}

/** Iteration `step` (0-based, counted over all phases) as an iteration of the joint phase: negative before it begins. */
export function timeGanJointIteration(s: TimeGanSchedule, step: number): number {
  return step - s.embedding - s.supervised;
}

/** The phase iteration `step` (0-based, counted over all phases) belongs to. */
export function timeGanPhase(s: TimeGanSchedule, step: number): TimeGanPhase {
  if (step < s.embedding) return 'embedding';
  if (timeGanJointIteration(s, step) < 0) return 'supervised';
  return 'joint';
}
