/**
 * A training run's whole resumable state = the trainer's state plus the batch sampler's random
 * stream (under `rng.batches`). Saving and restoring both through these two functions is what
 * makes "k steps + resume + N−k steps" equal "N steps straight".
 */
import type { TrainerState } from '../types.js';
import type { BatchSampler } from './batch-sampler.js';
import { TrainerStateError } from './gan-trainer.js';

/** The part of a trainer (`GanTrainer`, `TimeGanTrainer`) a training state is taken from. */
type StatefulTrainer = { getState(): TrainerState; setState(s: TrainerState): void };

/** Key of the batch sampler's stream in `TrainerState.rng`. */
export const SAMPLER_RNG_KEY = 'batches';

export function captureTrainingState(trainer: StatefulTrainer, sampler: BatchSampler): TrainerState {
  const state = trainer.getState();
  state.rng = { ...state.rng, [SAMPLER_RNG_KEY]: sampler.getState() };
  return state;
}

export function restoreTrainingState(trainer: StatefulTrainer, sampler: BatchSampler, state: TrainerState): void {
  const stream = state.rng?.[SAMPLER_RNG_KEY];
  if (stream === undefined) throw new TrainerStateError(`state has no "${SAMPLER_RNG_KEY}" random stream`);
  trainer.setState(state);
  sampler.setState(stream);
}
