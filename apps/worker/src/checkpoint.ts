/**
 * The worker's checkpoints: `@grugan/model`'s checkpoint format (config, trainer state with the
 * batch sampler's stream, scaler and column names), so the coordinator can turn the same bytes
 * into samples in the data's original units. Corrupt bytes become a `CheckpointError`.
 */
import { deserializeCheckpoint, serializeCheckpoint, type Checkpoint, type PreparedData, type TrainerState } from '@grugan/model';
import type { TrialConfig } from '@grugan/protocol';
import { CheckpointError } from './errors.js';

/** Serialises the state of a trial's training at `state.step`. */
export function encodeCheckpoint(config: TrialConfig, data: PreparedData, state: TrainerState): Uint8Array {
  return serializeCheckpoint({
    config,
    trainer: state,
    scaler: data.scaler,
    columns: data.train.columns,
    source: data.source,
    createdAt: new Date().toISOString(),
  });
}

/** Reads checkpoint bytes; throws `CheckpointError` naming `source` when they are not one. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  try {
    return deserializeCheckpoint(bytes, source);
  } catch (cause) {
    throw new CheckpointError(`${source}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
