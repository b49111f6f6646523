import { describe, expect, it } from 'vitest';
import { SearchSpace, TrialConfig, applyParams } from '@grugan/protocol';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { GridSearcher, gridAxis } from './grid-searcher.js';
import { RandomSearcher } from './random-searcher.js';
import { MIXED_SPACE } from './test-helpers.js';

describe('GridSearcher', () => {
  const space = SearchSpace.parse({
    'loss.kind': { type: 'choice', values: ['ns', 'hinge'] },
    'model.layers': { type: 'int', min: 1, max: 3 },
    'optimizer.lrG': { type: 'loguniform', min: 1e-4, max: 1e-2 },
  });

  it('enumerates the whole product once, then finishes', () => {
    const grid = new GridSearcher(space, { gridPoints: 3 });
    expect(grid.size).toBe(2 * 3 * 3);
    const seen = new Set<string>();
    for (let i = 0; i < grid.size; i++) {
      const p = grid.suggest(`t${i}`);
      expect(p).not.toBe('finished');
      seen.add(JSON.stringify(p));
    }
    expect(seen.size).toBe(18);
    expect(grid.suggest('extra')).toBe('finished');
    const lrs = new Set([...seen].map((s) => JSON.parse(s)['optimizer.lrG'] as number));
    expect([...lrs].sort((a, b) => a - b).map((x) => +x.toPrecision(6))).toEqual([1e-4, 1e-3, 1e-2]);
  });

  it('gives evenly spaced, rounded and deduplicated axes', () => {
    expect(gridAxis({ type: 'uniform', min: 0, max: 1 }, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridAxis({ type: 'int', min: 1, max: 100, log: true }, 3)).toEqual([1, 10, 100]);
    expect(gridAxis({ type: 'int', min: 2, max: 4, log: false }, 5)).toEqual([2, 3, 4]);
  });

  it('returns the same point for a live trial asked twice and restores from JSON state', () => {
    const grid = new GridSearcher(space);
    const first = grid.suggest('a');
    grid.suggest('b');
    expect(grid.suggest('a')).toEqual(first);
    const copy = new GridSearcher(space);
    copy.setState(JSON.parse(JSON.stringify(grid.getState())));
    expect(copy.suggest('c')).toEqual(grid.suggest('c'));
    expect(copy.suggest('a')).toEqual(first);
  });

  it('gives the base config alone for an empty space', () => {
    const grid = new GridSearcher({});
    expect(grid.suggest('only')).toEqual({});
    expect(grid.suggest('next')).toBe('finished');
  });
});

describe('RandomSearcher', () => {
  it('draws inside every domain, and every draw makes a valid TrialConfig', () => {
    const searcher = new RandomSearcher(MIXED_SPACE, 5);
    for (let i = 0; i < 200; i++) {
      const p = searcher.suggest(`t${i}`);
      const lr = p['optimizer.lrG'] as number;
      expect(lr).toBeGreaterThanOrEqual(1e-5);
      expect(lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(p['model.hiddenSize'])).toBe(true);
      expect(['ns', 'lsgan', 'hinge', 'minimax']).toContain(p['loss.kind']);
      expect(TrialConfig.safeParse(applyParams({}, p)).success).toBe(true);
    }
  });

  it('spreads log-uniform draws evenly over decades', () => {
    const searcher = new RandomSearcher(MIXED_SPACE, 6);
    const below1e3 = Array.from({ length: 4000 }, (_, i) => searcher.suggest(`t${i}`)['optimizer.lrG'] as number).filter(
      (lr) => lr < 1e-3,
    ).length;
    expect(below1e3 / 4000).toBeGreaterThan(0.45); // half of [1e-5, 1e-1] in log space
    expect(below1e3 / 4000).toBeLessThan(0.55);
  });

  it('is deterministic for a seed and resumes the same stream from JSON state', () => {
    const a = new RandomSearcher(MIXED_SPACE, 9);
    const b = new RandomSearcher(MIXED_SPACE, 9);
    expect(a.suggest('x')).toEqual(b.suggest('x'));
    const c = new RandomSearcher(MIXED_SPACE, 0);
    c.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(c.suggest('y')).toEqual(a.suggest('y'));
  });
});

describe('ConcurrencyLimiter', () => {
  it('says "not now" at the limit, and again yes when a trial completes', () => {
    const limiter = new ConcurrencyLimiter(new RandomSearcher(MIXED_SPACE, 1), 2);
    expect(limiter.suggest('a')).toBeTypeOf('object');
    expect(limiter.suggest('b')).toBeTypeOf('object');
    expect(limiter.suggest('c')).toBeNull();
    expect(limiter.suggest('a')).not.toBeNull(); // a live trial asked again is not a new one
    limiter.onTrialComplete('a', { step: 1, metrics: {} });
    expect(limiter.suggest('c')).not.toBeNull();
    expect(limiter.suggest('d')).toBeNull();
  });

  it('passes "finished" through and round-trips its state with the inner searcher', () => {
    const grid = new GridSearcher(SearchSpace.parse({ 'model.layers': { type: 'int', min: 1, max: 2 } }));
    const limiter = new ConcurrencyLimiter(grid, 5);
    limiter.suggest('a');
    limiter.suggest('b');
    expect(limiter.suggest('c')).toBe('finished');
    const copy = new ConcurrencyLimiter(new GridSearcher(SearchSpace.parse({ 'model.layers': { type: 'int', min: 1, max: 2 } })), 5);
    copy.setState(JSON.parse(JSON.stringify(limiter.getState())));
    expect(copy.getState()).toEqual(limiter.getState());
    expect(copy.suggest('c')).toBe('finished');
  });
});
