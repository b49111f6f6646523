import { describe, expect, it } from 'vitest';
import { SearchSpace, type Params } from '@grugan/protocol';
import { CategoricalParzen, NumericParzen, erf } from './parzen.js';
import { RandomSearcher } from './random-searcher.js';
import { Rng } from './rng.js';
import { LOSS_MIN, MIXED_SPACE, knownLoss, runSequential } from './test-helpers.js';
import { TpeSearcher } from './tpe-searcher.js';

const best = (xs: number[]) => Math.min(...xs);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('Parzen estimators', () => {
  it('erf matches known values', () => {
    expect(erf(0)).toBeCloseTo(0, 6);
    expect(erf(1)).toBeCloseTo(0.8427008, 6);
    expect(erf(-0.5)).toBeCloseTo(-0.5204999, 6);
  });

  it('numeric density integrates to 1 over the domain and peaks near the observations', () => {
    const parzen = new NumericParzen([2, 2.2, 8], 0, 10, 1);
    let integral = 0;
    const dx = 0.001;
    for (let x = dx / 2; x < 10; x += dx) integral += Math.exp(parzen.logPdf(x)) * dx;
    expect(integral).toBeCloseTo(1, 2);
    expect(parzen.logPdf(2.1)).toBeGreaterThan(parzen.logPdf(5));
    const rng = new Rng(1);
    const draws = Array.from({ length: 2000 }, () => parzen.sample(rng));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(10);
    // Draws follow the density: the share in [1, 3.2] matches its integral there.
    let mass = 0;
    for (let x = 1 + dx / 2; x < 3.2; x += dx) mass += Math.exp(parzen.logPdf(x)) * dx;
    const share = draws.filter((x) => x > 1 && x < 3.2).length / draws.length;
    expect(Math.abs(share - mass)).toBeLessThan(0.04);
  });

  it('categorical probabilities are counts plus the spread prior', () => {
    const parzen = new CategoricalParzen([0, 0, 2], 4, 1);
    expect(Math.exp(parzen.logPdf(0))).toBeCloseTo(2.25 / 4, 6);
    expect(Math.exp(parzen.logPdf(1))).toBeCloseTo(0.25 / 4, 6);
  });
});

describe('TpeSearcher', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
  const trials = 40;

  it('beats random search on a known mixed function, averaged over seeds', () => {
    const tpeBest = seeds.map((s) => best(runSequential(new TpeSearcher(MIXED_SPACE, LOSS_MIN, s, { nStartup: 10 }), trials, knownLoss)));
    const randomBest = seeds.map((s) => best(runSequential(new RandomSearcher(MIXED_SPACE, s), trials, knownLoss)));
    // Measured: 0.65 vs 0.81. Univariate TPE sometimes settles on a wrong category early (its known
    // weakness with categoricals), so it wins on average rather than on every seed.
    expect(mean(tpeBest)).toBeLessThan(mean(randomBest));
  });

  it('wins on almost every seed when the space is continuous', () => {
    const { ['loss.kind']: _kind, ...rest } = MIXED_SPACE;
    const space = SearchSpace.parse(rest);
    const loss = (p: Params) => knownLoss({ ...p, 'loss.kind': 'lsgan' });
    const tpeBest = seeds.map((s) => best(runSequential(new TpeSearcher(space, LOSS_MIN, s, { nStartup: 10 }), trials, loss)));
    const randomBest = seeds.map((s) => best(runSequential(new RandomSearcher(space, s), trials, loss)));
    // Measured: TPE wins 19 of 20, mean best 0.07 vs 0.43.
    expect(seeds.filter((_, i) => tpeBest[i] < randomBest[i]).length).toBeGreaterThanOrEqual(16);
    expect(mean(tpeBest)).toBeLessThan(0.5 * mean(randomBest));
  });

  it('concentrates its proposals after the random start-up', () => {
    const tpe = new TpeSearcher(MIXED_SPACE, LOSS_MIN, 11, { nStartup: 10 });
    const losses = runSequential(tpe, 50, knownLoss);
    expect(mean(losses.slice(30))).toBeLessThan(mean(losses.slice(0, 10)));
  });

  it('maximises when the mode is max', () => {
    const space = SearchSpace.parse({ 'optimizer.beta1': { type: 'uniform', min: 0, max: 0.9 } });
    const tpe = new TpeSearcher(space, { metric: 'score', mode: 'max' }, 3, { nStartup: 5 });
    const xs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const p = tpe.suggest(`t${i}`);
      const x = p['optimizer.beta1'] as number;
      xs.push(x);
      tpe.onTrialComplete(`t${i}`, { step: 1, metrics: { score: x } }); // best at the top end
    }
    expect(mean(xs.slice(20))).toBeGreaterThan(0.6);
  });

  it('learns from intermediate results, ranks diverged trials last and ignores crashed ones', () => {
    const tpe = new TpeSearcher(MIXED_SPACE, LOSS_MIN, 2, { nStartup: 2 });
    tpe.suggest('a');
    tpe.onTrialResult('a', { step: 5, metrics: { loss: 0.3 } });
    tpe.onTrialResult('a', { step: 6, metrics: { other: 1 } }); // no objective: keeps 0.3
    tpe.onTrialComplete('a');
    tpe.suggest('b');
    tpe.onTrialComplete('b', { step: 5, metrics: { loss: null } });
    tpe.suggest('c');
    tpe.onTrialComplete('c', { step: 5, metrics: { loss: 0.1 } }, true);
    expect(tpe.observationCount).toBe(2);
    const state = JSON.parse(JSON.stringify(tpe.getState()));
    expect(state.observations.map((o: { score: number | null }) => o.score)).toEqual([-0.3, null]);
  });

  it('continues identically after a JSON state round trip mid-search', () => {
    const a = new TpeSearcher(MIXED_SPACE, LOSS_MIN, 4, { nStartup: 5 });
    runSequential(a, 12, knownLoss);
    a.suggest('live'); // one trial still out
    const b = new TpeSearcher(MIXED_SPACE, LOSS_MIN, 999, { nStartup: 5 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.suggest('live')).toEqual(a.suggest('live'));
    for (let i = 0; i < 3; i++) expect(b.suggest(`n${i}`)).toEqual(a.suggest(`n${i}`));
  });
});
