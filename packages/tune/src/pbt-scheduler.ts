/**
 * Population-based training (Jaderberg et al. 2017, "Population Based Training of Neural Networks"),
 * asynchronous, following Ray's `PopulationBasedTraining` (`ray/tune/schedulers/pbt.py`).
 *
 * Every `perturbationInterval` steps a trial is ranked against the live population by its latest
 * score. If it is in the bottom `quantileFraction`, it exploits a random trial of the top fraction
 * (the coordinator loads that trial's checkpoint into it) and explores: each mutable parameter is
 * redrawn from its domain with probability `resampleProbability`, else multiplied by one of
 * `perturbationFactors` (numbers, clamped to the domain) or moved to a neighbouring value (choices).
 * A diverged trial scores −∞, so it is always in the bottom and gets replaced at its next interval.
 */
import type { Objective, ParamValue, SearchSpace } from '@grugan/protocol';
import { clampToDomain, sampleDomain } from './domain.js';
import { DEFAULT_OBJECTIVE, scoreOf } from './objective.js';
import { Rng } from './rng.js';
import { TuneError, type Params, type SchedulerDecision, type TrialResult, type TrialScheduler } from './types.js';

export interface PbtOptions {
  /** Steps between two exploit/explore decisions of one trial. */
  perturbationInterval: number;
  /** Bottom (and top) fraction of the population (default 0.25, at most 0.5). */
  quantileFraction?: number;
  /** Chance of redrawing a parameter from its domain instead of perturbing it (default 0.25). */
  resampleProbability?: number;
  /** Multipliers for numeric parameters (default [0.8, 1.2]). */
  perturbationFactors?: readonly [number, number];
  /** Space keys to mutate (default: all). */
  mutate?: readonly string[];
}

/** What PBT knows of one trial. */
interface Member {
  params: Params;
  /** Latest score (null = diverged, JSON-safe); absent until the objective is reported. */
  score?: number | null;
  /** Step of the last exploit/explore decision (or of the start). */
  lastPerturbation: number;
  /** False once completed, failed or removed: no longer ranked or copied. */
  live: boolean;
}

interface PbtState {
  rng: number;
  members: Record<string, Member>;
  exploits: number;
}

export class PbtScheduler implements TrialScheduler {
  private readonly rng: Rng;
  private readonly interval: number;
  private readonly quantileFraction: number;
  private readonly resampleProbability: number;
  private readonly factors: readonly [number, number];
  private readonly mutate: string[];
  private members = new Map<string, Member>();
  /** Exploit decisions made so far. */
  exploits = 0;

  constructor(
    private readonly space: SearchSpace,
    options: PbtOptions,
    private readonly objective: Objective = DEFAULT_OBJECTIVE,
    seed = 0,
  ) {
    this.rng = new Rng(seed);
    this.interval = options.perturbationInterval;
    this.quantileFraction = options.quantileFraction ?? 0.25;
    this.resampleProbability = options.resampleProbability ?? 0.25;
    this.factors = options.perturbationFactors ?? [0.8, 1.2];
    this.mutate = [...(options.mutate ?? Object.keys(space))].sort();
    if (!(this.interval >= 1)) throw new TuneError('perturbationInterval must be ≥ 1', 'ERR_TUNE_OPTION');
    if (!(this.quantileFraction > 0 && this.quantileFraction <= 0.5)) {
      throw new TuneError('quantileFraction must be in (0, 0.5]', 'ERR_TUNE_OPTION');
    }
    for (const key of this.mutate) {
      if (!(key in space)) throw new TuneError(`PBT cannot mutate '${key}': not in the search space`, 'ERR_TUNE_OPTION');
    }
  }

  onTrialAdd(trialId: string, params: Params): void {
    this.members.set(trialId, { params: { ...params }, lastPerturbation: 0, live: true });
  }

  onTrialResult(trialId: string, result: TrialResult): SchedulerDecision {
    const me = this.members.get(trialId);
    if (!me) return { action: 'continue' };
    const score = scoreOf(result, this.objective);
    if (score !== undefined) me.score = toJson(score);
    if (me.score === undefined || result.step - me.lastPerturbation < this.interval) return { action: 'continue' };
    me.lastPerturbation = result.step;

    const { bottom, top } = this.quantiles();
    if (!bottom.includes(trialId) || top.length === 0) return { action: 'continue' };
    const sourceTrialId = this.rng.pick(top);
    const source = this.members.get(sourceTrialId)!;
    const params = this.explore(source.params);
    me.params = params;
    // Its score stays the old one until it reports again (as Ray): copying the source's score
    // would push the next-worst trial into the bottom and cascade exploits within one round.
    this.exploits++;
    return { action: 'exploit', sourceTrialId, params: { ...params } };
  }

  onTrialComplete(trialId: string, result?: TrialResult): void {
    const me = this.members.get(trialId);
    if (!me) return;
    const score = scoreOf(result, this.objective);
    if (score !== undefined) me.score = toJson(score);
    me.live = false;
  }

  onTrialError(trialId: string): void {
    const me = this.members.get(trialId);
    if (me) me.live = false;
  }

  onTrialRemove(trialId: string): void {
    this.members.delete(trialId);
  }

  /** A trial's current params (after any explore), or undefined if unknown. */
  paramsOf(trialId: string): Params | undefined {
    const me = this.members.get(trialId);
    return me && { ...me.params };
  }

  getState(): PbtState {
    return { rng: this.rng.getState(), members: Object.fromEntries(this.members), exploits: this.exploits };
  }

  setState(state: unknown): void {
    const s = state as PbtState;
    if (typeof s?.rng !== 'number' || typeof s.members !== 'object') throw new TuneError('bad PbtScheduler state', 'ERR_TUNE_STATE');
    this.rng.setState(s.rng);
    this.members = new Map(Object.entries(s.members).map(([id, m]) => [id, { ...m, params: { ...m.params } }]));
    this.exploits = s.exploits ?? 0;
  }

  /** Bottom and top trial ids of the live, scored population (Ray's `_quantiles`). */
  private quantiles(): { bottom: string[]; top: string[] } {
    const ranked = [...this.members]
      .filter(([, m]) => m.live && m.score !== undefined)
      .map(([id, m]) => ({ id, score: m.score ?? Number.NEGATIVE_INFINITY }))
      .sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : 1)); // worst first; ids break ties stably
    if (ranked.length <= 1) return { bottom: [], top: [] };
    let n = Math.ceil(ranked.length * this.quantileFraction);
    if (n > ranked.length / 2) n = Math.floor(ranked.length / 2);
    return { bottom: ranked.slice(0, n).map((r) => r.id), top: ranked.slice(-n).map((r) => r.id) };
  }

  /** The source's params with each mutable parameter resampled or perturbed (Ray's `_explore`). */
  private explore(sourceParams: Params): Params {
    const out: Params = { ...sourceParams };
    for (const key of this.mutate) {
      const domain = this.space[key];
      const value = sourceParams[key];
      const resample = this.rng.next() < this.resampleProbability;
      if (domain.type === 'choice') {
        const i = domain.values.indexOf(value as ParamValue);
        if (resample || i < 0) out[key] = sampleDomain(domain, this.rng);
        else {
          const shift = this.rng.next() < 0.5 ? -1 : 1;
          out[key] = domain.values[Math.min(domain.values.length - 1, Math.max(0, i + shift))];
        }
      } else if (resample || typeof value !== 'number') {
        out[key] = sampleDomain(domain, this.rng);
      } else {
        out[key] = clampToDomain(domain, value * this.rng.pick(this.factors));
      }
    }
    return out;
  }
}

function toJson(score: number): number | null {
  return Number.isFinite(score) ? score : null;
}
