/**
 * Random search (Bergstra & Bengio 2012): every trial an independent draw from the space's priors.
 * Never finishes on its own; the coordinator stops asking after `maxTrials`.
 */
import type { SearchSpace } from '@grugan/protocol';
import { sampleSpace } from './domain.js';
import { Rng } from './rng.js';
import { TuneError, type Params, type Searcher, type TrialResult } from './types.js';

interface RandomState {
  rng: number;
  live: Record<string, Params>;
}

export class RandomSearcher implements Searcher {
  private readonly rng: Rng;
  /** Live trial id → its params, so that a repeated `suggest` returns the same draw. */
  private live = new Map<string, Params>();

  constructor(
    private readonly space: SearchSpace,
    seed = 0,
  ) {
    this.rng = new Rng(seed);
  }

  suggest(trialId: string): Params {
    const known = this.live.get(trialId);
    if (known) return { ...known };
    const params = sampleSpace(this.space, this.rng);
    this.live.set(trialId, params);
    return { ...params };
  }

  onTrialComplete(trialId: string, _result?: TrialResult, _error?: boolean): void {
    this.live.delete(trialId);
  }

  getState(): RandomState {
    return { rng: this.rng.getState(), live: Object.fromEntries(this.live) };
  }

  setState(state: unknown): void {
    const s = state as RandomState;
    if (typeof s?.rng !== 'number' || typeof s.live !== 'object') throw new TuneError('bad RandomSearcher state', 'ERR_TUNE_STATE');
    this.rng.setState(s.rng);
    this.live = new Map(Object.entries(s.live));
  }
}
