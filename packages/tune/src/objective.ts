/**
 * Turns a reported result into one number to maximise.
 *
 * As Ray's ASHA does with `metric_op`, the mode becomes a sign, so every searcher and scheduler
 * compares scores with "higher is better". A diverged trial (flagged, or its objective NaN / null /
 * infinite) scores −Infinity and so ranks last; a result that does not carry the objective at all
 * (say, a loss-only report between evaluations) has no score.
 */
import type { Objective, TrialResult } from '@grugan/protocol';

/** Score of a trial that diverged: below every real score. */
export const DIVERGED_SCORE = Number.NEGATIVE_INFINITY;

/** The objective as a number to maximise; undefined if `result` does not report it. */
export function scoreOf(result: TrialResult | undefined, objective: Objective): number | undefined {
  if (!result) return undefined;
  if (result.diverged) return DIVERGED_SCORE;
  if (!Object.hasOwn(result.metrics, objective.metric)) return undefined;
  const value = result.metrics[objective.metric];
  if (value === null || !Number.isFinite(value)) return DIVERGED_SCORE;
  return objective.mode === 'max' ? value : -value;
}

/** The default objective when none is given: discriminative score, lower is better. */
export const DEFAULT_OBJECTIVE: Objective = { metric: 'discriminative_score', mode: 'min' };
