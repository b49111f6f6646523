/**
 * Grid search: every combination of the space's values, once each, then `'finished'`.
 *
 * As Ray's `tune.grid_search`, extended to continuous domains: a choice gives its values, an int
 * range with at most `gridPoints` values gives all of them, and other numeric domains give
 * `gridPoints` evenly spaced points (log-spaced for loguniform / log ints), ends included.
 * The last key (in sorted order) varies fastest.
 */
import type { Domain, ParamValue, SearchSpace } from '@grugan/protocol';
import { clampToDomain } from './domain.js';
import { TuneError, type Params, type Searcher, type TrialResult } from './types.js';

export interface GridSearcherOptions {
  /** Points per continuous dimension (default 3). */
  gridPoints?: number;
}

interface GridState {
  next: number;
  live: Record<string, number>;
}

export class GridSearcher implements Searcher {
  private readonly keys: string[];
  private readonly axes: ParamValue[][];
  private next = 0;
  /** Live trial id → grid index, so that a repeated `suggest` returns the same point. */
  private live = new Map<string, number>();

  constructor(space: SearchSpace, options: GridSearcherOptions = {}) {
    const points = options.gridPoints ?? 3;
    if (!Number.isInteger(points) || points < 2) throw new TuneError('gridPoints must be an integer ≥ 2', 'ERR_TUNE_OPTION');
    this.keys = Object.keys(space).sort();
    this.axes = this.keys.map((k) => gridAxis(space[k], points));
  }

  /** Number of points in the grid (1 for an empty space: the base config alone). */
  get size(): number {
    return this.axes.reduce((n, axis) => n * axis.length, 1);
  }

  suggest(trialId: string): Params | 'finished' | null {
    const known = this.live.get(trialId);
    if (known !== undefined) return this.point(known);
    if (this.next >= this.size) return 'finished';
    const index = this.next++;
    this.live.set(trialId, index);
    return this.point(index);
  }

  onTrialComplete(trialId: string, _result?: TrialResult, _error?: boolean): void {
    this.live.delete(trialId);
  }

  getState(): GridState {
    return { next: this.next, live: Object.fromEntries(this.live) };
  }

  setState(state: unknown): void {
    const s = state as GridState;
    if (typeof s?.next !== 'number' || typeof s.live !== 'object') throw new TuneError('bad GridSearcher state', 'ERR_TUNE_STATE');
    this.next = s.next;
    this.live = new Map(Object.entries(s.live));
  }

  /** The index-th point, in mixed radix with the last key fastest. */
  private point(index: number): Params {
    const params: Params = {};
    let rest = index;
    for (let d = this.keys.length - 1; d >= 0; d--) {
      const axis = this.axes[d];
      params[this.keys[d]] = axis[rest % axis.length];
      rest = Math.floor(rest / axis.length);
    }
    return params;
  }
}

/** The values one dimension takes in the grid. */
export function gridAxis(domain: Domain, points: number): ParamValue[] {
  if (domain.type === 'choice') return [...domain.values];
  if (domain.type === 'int' && domain.max - domain.min + 1 <= points) {
    return Array.from({ length: domain.max - domain.min + 1 }, (_, i) => domain.min + i);
  }
  const log = domain.type === 'loguniform' || (domain.type === 'int' && domain.log);
  const lo = log ? Math.log(domain.min) : domain.min;
  const hi = log ? Math.log(domain.max) : domain.max;
  const values = Array.from({ length: points }, (_, i) => {
    const t = lo + ((hi - lo) * i) / (points - 1);
    return clampToDomain(domain, log ? Math.exp(t) : t);
  });
  return [...new Set(values)]; // rounding can merge int points
}
