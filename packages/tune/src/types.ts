/**
 * The two seams between the coordinator and search logic, after Ray Tune's `Searcher`
 * (`ray/tune/search/searcher.py`) and `TrialScheduler` (`ray/tune/schedulers/trial_scheduler.py`).
 *
 * The coordinator owns trials and I/O; it asks a `Searcher` what to try next and a `TrialScheduler`
 * what to do with each running trial, and persists both through `getState` / `setState` (plain JSON).
 */
import type { Params, TrialResult } from '@grugan/protocol';

export type { Params, TrialResult };

/** Proposes parameters for new trials and learns from their results. */
export interface Searcher {
  /**
   * Parameters for a new trial (dotted TrialConfig paths → values); `'finished'` when the search
   * has nothing more to propose (a grid is exhausted); `null` for "not now, ask again later"
   * (a concurrency limit is reached). Asking again with the id of a trial that is still live
   * returns the same parameters, so a restarted caller cannot double-count a trial.
   */
  suggest(trialId: string): Params | 'finished' | null;
  /** An intermediate result of a live trial. */
  onTrialResult?(trialId: string, result: TrialResult): void;
  /**
   * The trial ended. `result` is its last result (the searcher falls back to the last one it saw
   * through `onTrialResult`); `error` means it crashed and its result says nothing about its params.
   */
  onTrialComplete(trialId: string, result?: TrialResult, error?: boolean): void;
  /** Everything needed to continue after a restart, as plain JSON. */
  getState?(): unknown;
  /** Restores what `getState` returned (after constructing the searcher with the same arguments). */
  setState?(state: unknown): void;
}

/** What to do with a trial after one of its results. */
export type SchedulerDecision =
  | { action: 'continue' }
  /** Stop the trial's workers but keep it resumable (synchronous schedulers). */
  | { action: 'pause' }
  | {
      action: 'stop';
      /** True when the scheduler cut the trial short (ASHA below a rung's cutoff), false when its budget is spent. */
      early?: boolean;
      /** Human-readable why, for the trial's message. */
      reason?: string;
    }
  /**
   * PBT: load `sourceTrialId`'s latest checkpoint into this trial ("exploit") and continue with
   * `params` (the source's params, perturbed: "explore").
   */
  | { action: 'exploit'; sourceTrialId: string; params: Params };

/** Decides, result by result, whether trials continue, stop early, pause or copy a better trial. */
export interface TrialScheduler {
  /** A trial was created with these params. */
  onTrialAdd(trialId: string, params: Params): void;
  /** A live trial reported a result: the only hook that decides. */
  onTrialResult(trialId: string, result: TrialResult): SchedulerDecision;
  /** The trial finished normally (or was stopped); `result` is its last result, if any. */
  onTrialComplete(trialId: string, result?: TrialResult): void;
  /** The trial failed; it no longer takes part in comparisons. */
  onTrialError(trialId: string): void;
  /** The trial was removed (cancelled) without completing. */
  onTrialRemove(trialId: string): void;
  /** Everything needed to continue after a restart, as plain JSON. */
  getState?(): unknown;
  /** Restores what `getState` returned (after constructing the scheduler with the same arguments). */
  setState?(state: unknown): void;
}

/** Bad state handed to `setState`, or an option a searcher or scheduler cannot work with. */
export class TuneError extends Error {
  override readonly name = 'TuneError';
  constructor(
    message: string,
    /** Stable machine-readable code: `ERR_TUNE_STATE` or `ERR_TUNE_OPTION`. */
    readonly code: 'ERR_TUNE_STATE' | 'ERR_TUNE_OPTION',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
