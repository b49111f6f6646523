/**
 * Asynchronous successive halving (Li et al. 2018, "A System for Massively Parallel Hyperparameter
 * Tuning"), following Ray's `AsyncHyperBandScheduler` with one bracket (`async_hyperband.py`).
 *
 * Rungs sit at gracePeriod·η^k steps below maxSteps. When a trial first reaches a rung (with a result
 * carrying the objective) its score is compared with the scores recorded there so far: below the
 * (1 − 1/η) quantile it stops, otherwise it goes on; either way its score is recorded. So at each
 * rung about the top 1/η of trials continue, decided without waiting for stragglers. The mode is
 * turned into a sign (see `scoreOf`) so the bracket always maximises; a diverged trial scores −∞.
 */
import type { Objective } from '@grugan/protocol';
import { DEFAULT_OBJECTIVE, DIVERGED_SCORE, scoreOf } from './objective.js';
import { TuneError, type Params, type SchedulerDecision, type TrialResult, type TrialScheduler } from './types.js';

export interface AshaOptions {
  /** Steps after which every trial stops (its budget). */
  maxSteps: number;
  /** First rung (default 1). */
  gracePeriod?: number;
  /** η (default 3). */
  reductionFactor?: number;
}

interface Rung {
  milestone: number;
  /** Trial id → score recorded at this rung (null = −∞ in JSON). */
  recorded: Record<string, number | null>;
}

/** One successive-halving bracket: rungs ordered from the highest milestone down, as Ray's `_Bracket`. */
class Bracket {
  rungs: Rung[];

  constructor(
    gracePeriod: number,
    maxSteps: number,
    private readonly reductionFactor: number,
  ) {
    // Ray: MAX_RUNGS = int(log(max_t / grace) / log(rf) + 1), rungs grace·rf^k, highest first.
    const count = Math.floor(Math.log(maxSteps / gracePeriod) / Math.log(reductionFactor) + 1 + 1e-9);
    this.rungs = [];
    for (let k = count - 1; k >= 0; k--) {
      this.rungs.push({ milestone: Math.round(gracePeriod * reductionFactor ** k), recorded: {} });
    }
  }

  /** Decides at the highest rung `step` has reached and the trial has not been recorded at. */
  onResult(trialId: string, step: number, score: number): { stop: boolean; milestone?: number; cutoff?: number } {
    for (const rung of this.rungs) {
      if (step < rung.milestone) continue;
      // Already judged at this (or, since rungs descend, a higher) milestone: keep going.
      if (Object.hasOwn(rung.recorded, trialId)) return { stop: false };
      const cutoff = this.cutoff(rung);
      rung.recorded[trialId] = Number.isFinite(score) ? score : null;
      return { stop: cutoff !== undefined && score < cutoff, milestone: rung.milestone, cutoff };
    }
    return { stop: false };
  }

  /** The (1 − 1/η) quantile of a rung's scores, with linear interpolation as numpy's percentile. */
  private cutoff(rung: Rung): number | undefined {
    const scores = Object.values(rung.recorded)
      .map((s) => (s === null ? Number.NEGATIVE_INFINITY : s))
      .sort((a, b) => a - b);
    if (scores.length === 0) return undefined;
    const pos = (1 - 1 / this.reductionFactor) * (scores.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    if (lo === hi || scores[hi] === scores[lo]) return scores[lo];
    // numpy gives NaN for −∞ + ∞; no finite score is below −∞ either way, so nobody is cut.
    if (!Number.isFinite(scores[lo])) return Number.NEGATIVE_INFINITY;
    return scores[lo] + (scores[hi] - scores[lo]) * (pos - lo);
  }
}

export class AshaScheduler implements TrialScheduler {
  private readonly bracket: Bracket;
  readonly maxSteps: number;

  constructor(
    options: AshaOptions,
    private readonly objective: Objective = DEFAULT_OBJECTIVE,
  ) {
    const grace = options.gracePeriod ?? 1;
    const eta = options.reductionFactor ?? 3;
    if (!(eta > 1)) throw new TuneError('reductionFactor must be > 1', 'ERR_TUNE_OPTION');
    if (!(grace >= 1 && grace <= options.maxSteps)) throw new TuneError('need 1 ≤ gracePeriod ≤ maxSteps', 'ERR_TUNE_OPTION');
    this.maxSteps = options.maxSteps;
    this.bracket = new Bracket(grace, options.maxSteps, eta);
  }

  /** Rung milestones in steps, lowest first. */
  get milestones(): number[] {
    return this.bracket.rungs.map((r) => r.milestone).reverse();
  }

  onTrialAdd(_trialId: string, _params: Params): void {}

  onTrialResult(trialId: string, result: TrialResult): SchedulerDecision {
    if (result.step >= this.maxSteps) return { action: 'stop', early: false, reason: `reached maxSteps ${this.maxSteps}` };
    const score = scoreOf(result, this.objective);
    if (score === undefined) return { action: 'continue' };
    const { stop, milestone, cutoff } = this.bracket.onResult(trialId, result.step, score);
    // A diverged trial cannot recover: it is recorded at its rung (ranking last there) and stopped now.
    if (score === DIVERGED_SCORE) return { action: 'stop', early: true, reason: `${this.objective.metric} diverged` };
    if (!stop) return { action: 'continue' };
    return {
      action: 'stop',
      early: true,
      reason: `${this.objective.metric} below the top 1/η cutoff at rung ${milestone} (score ${score}, cutoff ${cutoff})`,
    };
  }

  onTrialComplete(trialId: string, result?: TrialResult): void {
    // As Ray: a final result still counts at its rung, so later trials are compared with it.
    const score = scoreOf(result, this.objective);
    if (result && score !== undefined) this.bracket.onResult(trialId, result.step, score);
  }

  onTrialError(_trialId: string): void {}
  onTrialRemove(_trialId: string): void {}

  getState(): { rungs: Rung[] } {
    return { rungs: this.bracket.rungs };
  }

  setState(state: unknown): void {
    const s = state as { rungs: Rung[] };
    const same =
      Array.isArray(s?.rungs) &&
      s.rungs.length === this.bracket.rungs.length &&
      s.rungs.every((r, i) => r.milestone === this.bracket.rungs[i].milestone);
    if (!same) throw new TuneError('AshaScheduler state does not match its rungs', 'ERR_TUNE_STATE');
    this.bracket.rungs = s.rungs.map((r) => ({ milestone: r.milestone, recorded: { ...r.recorded } }));
  }
}
