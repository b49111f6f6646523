/**
 * Tree-structured Parzen Estimator search (Bergstra, Bardenet, Bengio & Kégl 2011, "Algorithms for
 * Hyper-Parameter Optimization"), univariate as in hyperopt and Optuna's default.
 *
 * After `nStartup` random trials, finished trials are split at the γ quantile of their scores into
 * "good" and "bad"; per dimension a Parzen density l(x) is fitted to the good values and g(x) to the
 * bad ones (in log space for loguniform domains). `nCandidates` points are drawn from l and the one
 * with the largest l(x)/g(x) (summed over dimensions in log form) is proposed: the point that most
 * improves expected improvement under TPE's model. Diverged trials score −∞ and land in "bad";
 * crashed trials (error) are not observations.
 */
import type { Objective, ParamValue, SearchSpace } from '@grugan/protocol';
import { numericScale, sampleSpace, type NumericDomain } from './domain.js';
import { DEFAULT_OBJECTIVE, scoreOf } from './objective.js';
import { CategoricalParzen, NumericParzen } from './parzen.js';
import { Rng } from './rng.js';
import { TuneError, type Params, type Searcher, type TrialResult } from './types.js';

export interface TpeOptions {
  /** Random trials before the model is used (default 10). */
  nStartup?: number;
  /** Candidates drawn from l(x) per suggestion (default 24). */
  nCandidates?: number;
  /** Fraction of observations counted as good (default 0.25). */
  gamma?: number;
  /** Weight of the prior component in each density (default 1). */
  priorWeight?: number;
}

/** A finished trial as TPE remembers it. */
interface Observation {
  params: Params;
  /** Objective to maximise; −Infinity if diverged. */
  score: number;
}

interface TpeState {
  rng: number;
  observations: Observation[];
  live: Record<string, { params: Params; score?: number }>;
}

export class TpeSearcher implements Searcher {
  private readonly rng: Rng;
  private readonly keys: string[];
  private readonly nStartup: number;
  private readonly nCandidates: number;
  private readonly gamma: number;
  private readonly priorWeight: number;
  private observations: Observation[] = [];
  /** Live trial id → params and the last score seen through `onTrialResult`. */
  private live = new Map<string, { params: Params; score?: number }>();

  constructor(
    private readonly space: SearchSpace,
    private readonly objective: Objective = DEFAULT_OBJECTIVE,
    seed = 0,
    options: TpeOptions = {},
  ) {
    this.rng = new Rng(seed);
    this.keys = Object.keys(space).sort();
    this.nStartup = options.nStartup ?? 10;
    this.nCandidates = options.nCandidates ?? 24;
    this.gamma = options.gamma ?? 0.25;
    this.priorWeight = options.priorWeight ?? 1;
    if (!(this.gamma > 0 && this.gamma < 1)) throw new TuneError('gamma must be in (0, 1)', 'ERR_TUNE_OPTION');
    if (this.nStartup < 1 || this.nCandidates < 1) throw new TuneError('nStartup and nCandidates must be ≥ 1', 'ERR_TUNE_OPTION');
  }

  suggest(trialId: string): Params {
    const known = this.live.get(trialId);
    if (known) return { ...known.params };
    const params = this.observations.length < this.nStartup ? sampleSpace(this.space, this.rng) : this.modelSuggest();
    this.live.set(trialId, { params });
    return { ...params };
  }

  onTrialResult(trialId: string, result: TrialResult): void {
    const trial = this.live.get(trialId);
    const score = scoreOf(result, this.objective);
    if (trial && score !== undefined) trial.score = score;
  }

  onTrialComplete(trialId: string, result?: TrialResult, error?: boolean): void {
    const trial = this.live.get(trialId);
    this.live.delete(trialId);
    if (!trial || error) return;
    const score = scoreOf(result, this.objective) ?? trial.score;
    if (score === undefined) return; // never reported the objective: nothing to learn
    this.observations.push({ params: trial.params, score });
  }

  /** Finished observations so far (for inspection and tests). */
  get observationCount(): number {
    return this.observations.length;
  }

  getState(): TpeState {
    // −Infinity is not JSON: store diverged scores as null.
    return {
      rng: this.rng.getState(),
      observations: this.observations.map((o) => ({ params: o.params, score: jsonScore(o.score) as number })),
      live: Object.fromEntries(
        [...this.live].map(([id, t]) => [id, t.score === undefined ? { params: t.params } : { params: t.params, score: jsonScore(t.score) as number }]),
      ),
    };
  }

  setState(state: unknown): void {
    const s = state as TpeState;
    if (typeof s?.rng !== 'number' || !Array.isArray(s.observations) || typeof s.live !== 'object') {
      throw new TuneError('bad TpeSearcher state', 'ERR_TUNE_STATE');
    }
    this.rng.setState(s.rng);
    this.observations = s.observations.map((o) => ({ params: o.params, score: o.score ?? Number.NEGATIVE_INFINITY }));
    this.live = new Map(
      Object.entries(s.live).map(([id, t]) => [id, t.score === undefined ? { params: t.params } : { params: t.params, score: t.score ?? Number.NEGATIVE_INFINITY }]),
    );
  }

  /** Draws candidates from l(x) and keeps the one with the largest l(x)/g(x). */
  private modelSuggest(): Params {
    // Stable sort, best first; ties keep arrival order, so the split is deterministic.
    const sorted = [...this.observations].sort((a, b) => b.score - a.score);
    const nGood = Math.min(sorted.length - 1, Math.max(1, Math.ceil(this.gamma * sorted.length)));
    const good = sorted.slice(0, nGood);
    const bad = sorted.slice(nGood);
    const dims = this.keys.map((key) => this.dimension(key, good, bad));
    let best: Params = {};
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.nCandidates; c++) {
      const candidate: Params = {};
      let logRatio = 0;
      for (const dim of dims) {
        const { value, logRatio: r } = dim.draw(this.rng);
        candidate[dim.key] = value;
        logRatio += r;
      }
      if (logRatio > bestScore || c === 0) {
        best = candidate;
        bestScore = logRatio;
      }
    }
    return best;
  }

  /** l and g for one parameter, and a way to draw from l with its log l/g. */
  private dimension(key: string, good: Observation[], bad: Observation[]) {
    const domain = this.space[key];
    const valuesOf = (obs: Observation[]) => obs.map((o) => o.params[key]).filter((v) => v !== undefined);
    if (domain.type === 'choice') {
      const indexOf = (v: ParamValue) => domain.values.indexOf(v);
      const idx = (obs: Observation[]) => valuesOf(obs).map(indexOf).filter((i) => i >= 0);
      const l = new CategoricalParzen(idx(good), domain.values.length, this.priorWeight);
      const g = new CategoricalParzen(idx(bad), domain.values.length, this.priorWeight);
      return {
        key,
        draw: (rng: Rng) => {
          const i = l.sample(rng);
          return { value: domain.values[i] as ParamValue, logRatio: l.logPdf(i) - g.logPdf(i) };
        },
      };
    }
    const scale = numericScale(domain as NumericDomain);
    const internal = (obs: Observation[]) =>
      valuesOf(obs)
        .filter((v): v is number => typeof v === 'number')
        .map((v) => Math.min(scale.hi, Math.max(scale.lo, scale.toInternal(v))));
    const l = new NumericParzen(internal(good), scale.lo, scale.hi, this.priorWeight);
    const g = new NumericParzen(internal(bad), scale.lo, scale.hi, this.priorWeight);
    return {
      key,
      draw: (rng: Rng) => {
        const t = l.sample(rng);
        return { value: scale.fromInternal(t) as ParamValue, logRatio: l.logPdf(t) - g.logPdf(t) };
      },
    };
  }
}

function jsonScore(score: number): number | null {
  return Number.isFinite(score) ? score : null;
}
