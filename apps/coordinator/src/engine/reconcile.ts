/**
 * Deciding whether a live trial's workers are lost. Pure: the engine feeds it the launcher's
 * condition and how long the trial has been silent.
 *
 * Workers that are running (or a launcher that cannot tell) get `reportTimeoutMs` of silence
 * before they count as lost: a hung group. Workers the launcher reports as gone get only
 * `exitGraceMs`: long enough for a final report still queued in the stream to be applied first.
 */
import type { LaunchCondition } from '../launchers/launcher.js';

export interface LivenessLimits {
  /** Silence after which running workers are presumed hung, in ms. */
  reportTimeoutMs: number;
  /** Silence after which exited workers without a final report are lost, in ms. */
  exitGraceMs: number;
}

export type LivenessVerdict = 'alive' | 'lost';

export function judgeLiveness(condition: LaunchCondition, silentMs: number, limits: LivenessLimits): LivenessVerdict {
  const exited = condition.type === 'Failed' || condition.type === 'Succeeded';
  const limit = exited ? limits.exitGraceMs : limits.reportTimeoutMs;
  return silentMs > limit ? 'lost' : 'alive';
}
