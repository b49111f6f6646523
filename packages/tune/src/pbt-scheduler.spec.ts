import { describe, expect, it } from 'vitest';
import { SearchSpace, type Objective, type Params } from '@grugan/protocol';
import { FifoScheduler } from './fifo-scheduler.js';
import { PbtScheduler } from './pbt-scheduler.js';
import { RandomSearcher } from './random-searcher.js';
import type { TrialScheduler } from './types.js';

const SPACE = SearchSpace.parse({
  'optimizer.lrG': { type: 'loguniform', min: 1e-5, max: 1e-1 },
  'loss.kind': { type: 'choice', values: ['ns', 'lsgan', 'hinge'] },
});
const MAX: Objective = { metric: 'reward', mode: 'max' };

/** Progress per step: 1 at lrG = 1e-3, falling off over two decades either side. */
const gain = (p: Params) => Math.max(0, 1 - (Math.log10(p['optimizer.lrG'] as number) + 3) ** 2 / 4);

/**
 * A toy PBT run in the spirit of Jaderberg et al.'s toy example: each trial's "weights" are one
 * number that grows by gain(params) per step; exploiting copies the source's weights (its
 * checkpoint) and takes the explored params. Trials run in lockstep and report every 5 steps.
 */
function train(scheduler: TrialScheduler, seed: number, population = 8, steps = 200) {
  const searcher = new RandomSearcher(SPACE, seed);
  const trials = Array.from({ length: population }, (_, i) => {
    const params = searcher.suggest(`t${i}`);
    scheduler.onTrialAdd(`t${i}`, params);
    return { id: `t${i}`, params, weights: 0 };
  });
  const meanGain = () => trials.reduce((s, t) => s + gain(t.params), 0) / population;
  const gainAtStart = meanGain();
  for (let step = 1; step <= steps; step++) {
    for (const t of trials) t.weights += gain(t.params);
    if (step % 5 !== 0) continue;
    for (const t of trials) {
      const d = scheduler.onTrialResult(t.id, { step, metrics: { reward: t.weights } });
      if (d.action === 'exploit') {
        const source = trials.find((s) => s.id === d.sourceTrialId)!;
        t.weights = source.weights;
        t.params = d.params;
      }
    }
  }
  return { gainAtStart, gainAtEnd: meanGain(), best: Math.max(...trials.map((t) => t.weights)) };
}

describe('PbtScheduler', () => {
  it("improves the population's hyper-parameters over generations and beats no scheduling", () => {
    let wins = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const pbt = train(new PbtScheduler(SPACE, { perturbationInterval: 20 }, MAX, seed), seed);
      const fifo = train(new FifoScheduler(), seed);
      expect(pbt.gainAtEnd).toBeGreaterThan(pbt.gainAtStart);
      expect(pbt.gainAtEnd).toBeGreaterThan(0.8);
      if (pbt.best > fifo.best) wins++;
    }
    expect(wins).toBeGreaterThanOrEqual(5);
  });

  it('sends a bottom trial to copy a top one, with params explored inside the domain', () => {
    const pbt = new PbtScheduler(SPACE, { perturbationInterval: 10, resampleProbability: 0 }, MAX, 1);
    const lrs = [1e-5, 1e-4, 1e-3, 1e-2];
    lrs.forEach((lr, i) => pbt.onTrialAdd(`t${i}`, { 'optimizer.lrG': lr, 'loss.kind': 'lsgan' }));
    lrs.forEach((_, i) => pbt.onTrialResult(`t${i}`, { step: 5, metrics: { reward: i } })); // before the interval
    const decisions = lrs.map((_, i) => pbt.onTrialResult(`t${i}`, { step: 10, metrics: { reward: i } }));
    // Quantile 0.25 of 4 trials = 1: only the worst (t0) exploits, and only the best (t3) is copied.
    expect(decisions.slice(1).every((d) => d.action === 'continue')).toBe(true);
    const d = decisions[0];
    if (d.action !== 'exploit') throw new Error(`expected exploit, got ${d.action}`);
    expect(d.sourceTrialId).toBe('t3');
    const lr = d.params['optimizer.lrG'] as number;
    expect([0.8e-2, 1.2e-2].some((x) => Math.abs(lr - x) < 1e-12)).toBe(true);
    expect(['ns', 'hinge']).toContain(d.params['loss.kind']); // a neighbour of lsgan
    expect(pbt.paramsOf('t0')).toEqual(d.params);
    // Not again before the next interval.
    expect(pbt.onTrialResult('t0', { step: 15, metrics: { reward: 0 } }).action).toBe('continue');
  });

  it('ranks a diverged trial last and leaves finished or failed trials out of the ranking', () => {
    const pbt = new PbtScheduler(SPACE, { perturbationInterval: 1 }, MAX, 2);
    for (const id of ['a', 'b', 'c']) pbt.onTrialAdd(id, { 'optimizer.lrG': 1e-3, 'loss.kind': 'ns' });
    pbt.onTrialResult('a', { step: 1, metrics: { reward: 5 } });
    pbt.onTrialResult('b', { step: 1, metrics: { reward: 9 } });
    const d = pbt.onTrialResult('c', { step: 1, metrics: { reward: 100 }, diverged: true });
    expect(d).toMatchObject({ action: 'exploit', sourceTrialId: 'b' });
    pbt.onTrialComplete('b');
    pbt.onTrialError('c');
    // Only 'a' is left live: nobody to compare with.
    expect(pbt.onTrialResult('a', { step: 2, metrics: { reward: 0 } }).action).toBe('continue');
  });

  it('continues identically after a JSON state round trip', () => {
    const a = new PbtScheduler(SPACE, { perturbationInterval: 20 }, MAX, 3);
    const b = new PbtScheduler(SPACE, { perturbationInterval: 20 }, MAX, 3);
    const firstHalf = train(a, 3, 8, 100);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.getState()).toEqual(a.getState());
    expect(firstHalf.gainAtEnd).toBeGreaterThan(0);
    const results = (s: PbtScheduler) =>
      ['t0', 't1', 't2', 't3'].map((id, i) => s.onTrialResult(id, { step: 200, metrics: { reward: i } }));
    expect(results(b)).toEqual(results(a));
  });

  it('rejects a mutation key outside the space', () => {
    expect(() => new PbtScheduler(SPACE, { perturbationInterval: 5, mutate: ['model.layers'] })).toThrow(/model.layers/);
  });
});
