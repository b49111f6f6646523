/**
 * A sweep's leaderboard: its trials ordered by the objective's latest value (best first), as
 * Ray Tune's `ExperimentAnalysis.get_best_trial` ranks them. Diverged and failed trials, and
 * trials that have not reported the objective yet, come last, unranked. Pure: no I/O.
 */
import type { LeaderboardEntry, Objective, TrialRecord } from '@grugan/protocol';

/** The objective's latest value for a trial; null when missing, non-finite, diverged or failed. */
export function objectiveOf(trial: TrialRecord, objective: Objective): number | null {
  // A failed trial's partial metrics say nothing reliable about its parameters.
  if (trial.state === 'diverged' || trial.state === 'failed') return null;
  const v = trial.metrics[objective.metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Trials sorted best first; ties keep creation order (then id) so the order is stable. */
export function leaderboard(trials: readonly TrialRecord[], objective: Objective): LeaderboardEntry[] {
  const sign = objective.mode === 'min' ? 1 : -1;
  const rows = trials.map((trial) => ({ trial, objective: objectiveOf(trial, objective) }));
  rows.sort((a, b) => {
    if (a.objective === null || b.objective === null) {
      if (a.objective !== b.objective) return a.objective === null ? 1 : -1;
    } else if (a.objective !== b.objective) {
      return sign * (a.objective - b.objective);
    }
    return a.trial.createdAt.localeCompare(b.trial.createdAt) || a.trial.id.localeCompare(b.trial.id);
  });
  let place = 0;
  return rows.map((r) => ({ rank: r.objective === null ? null : ++place, objective: r.objective, trial: r.trial }));
}

/** The best trial and its objective, or undefined when no trial has a value. */
export function bestTrial(
  trials: readonly TrialRecord[],
  objective: Objective,
): { trialId: string; objective: number } | undefined {
  const top = leaderboard(trials, objective)[0];
  return top && top.objective !== null ? { trialId: top.trial.id, objective: top.objective } : undefined;
}
