/**
 * A training run's whole resumable state = the trainer's state plus the batch sampler's random
 * stream (under `rng.batches`). Saving and restoring both through these two functions is what
 * makes "k steps + resume + N−k steps" equal "N steps straight".
 */
import type { TrainerState } from '../types.js';
import type { BatchSampler } from './batch-sampler.js';
import { TrainerStateError, type GanTrainer } from './gan-trainer.js';

/** Key of the batch sampler's stream in `TrainerState.rng`. */
export const SAMPLER_RNG_KEY = 'batches';

export function captureTrainingState(trainer: GanTrainer, sampler: BatchSampler): TrainerState {
  const state = trainer.getState();
  state.rng = { ...state.rng, [SAMPLER_RNG_KEY]: sampler.getState() };
  return state;
}

export function restoreTrainingState(trainer: GanTrainer, sampler: BatchSampler, state: TrainerState): void {
  const stream = state.rng?.[SAMPLER_RNG_KEY];
  if (stream === undefined) throw new TrainerStateError(`state has no "${SAMPLER_RNG_KEY}" random stream`);
  trainer.setState(state);
  sampler.setState(stream);
}
