/**
 * Caps how many trials a searcher has out at once, as Ray's `ConcurrencyLimiter`: a Searcher
 * wrapping a Searcher. Sequential model-based searchers (TPE) learn more from a few finished
 * trials than from many running ones, so limiting concurrency below the cluster's capacity helps them.
 */
import { TuneError, type Params, type Searcher, type TrialResult } from './types.js';

interface LimiterState {
  live: string[];
  inner: unknown;
}

export class ConcurrencyLimiter implements Searcher {
  private live = new Set<string>();

  constructor(
    /** The searcher that proposes parameters. */
    readonly searcher: Searcher,
    /** Trials out at once. */
    readonly maxConcurrent: number,
  ) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new TuneError('maxConcurrent must be an integer ≥ 1', 'ERR_TUNE_OPTION');
    }
  }

  suggest(trialId: string): Params | 'finished' | null {
    if (!this.live.has(trialId) && this.live.size >= this.maxConcurrent) return null;
    const out = this.searcher.suggest(trialId);
    if (out !== null && out !== 'finished') this.live.add(trialId);
    return out;
  }

  onTrialResult(trialId: string, result: TrialResult): void {
    this.searcher.onTrialResult?.(trialId, result);
  }

  onTrialComplete(trialId: string, result?: TrialResult, error?: boolean): void {
    this.live.delete(trialId);
    this.searcher.onTrialComplete(trialId, result, error);
  }

  getState(): LimiterState {
    return { live: [...this.live], inner: this.searcher.getState?.() ?? null };
  }

  setState(state: unknown): void {
    const s = state as LimiterState;
    if (!Array.isArray(s?.live)) throw new TuneError('bad ConcurrencyLimiter state', 'ERR_TUNE_STATE');
    this.live = new Set(s.live);
    if (s.inner !== null) this.searcher.setState?.(s.inner);
  }
}
