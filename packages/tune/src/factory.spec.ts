import { describe, expect, it } from 'vitest';
import { SweepSpec } from '@grugan/protocol';
import {
  AshaScheduler,
  FifoScheduler,
  GridSearcher,
  PbtScheduler,
  RandomSearcher,
  TpeSearcher,
  TuneError,
  createScheduler,
  createSearcher,
} from './index.js';

const spec = (searcher: object, scheduler: object) =>
  SweepSpec.parse({
    name: 'f',
    base: { training: { steps: 900 } },
    space: {
      'optimizer.lrG': { type: 'loguniform', min: 1e-4, max: 1e-2 },
      'model.layers': { type: 'int', min: 1, max: 3 },
    },
    searcher,
    scheduler,
    objective: { metric: 'loss_g', mode: 'min' },
  });

describe('createSearcher / createScheduler', () => {
  it('builds each searcher from its spec', () => {
    for (const [type, cls] of [
      ['grid', GridSearcher],
      ['random', RandomSearcher],
      ['tpe', TpeSearcher],
    ] as const) {
      const s = spec({ type }, { type: 'fifo' });
      expect(createSearcher(s.searcher, s.space, s.seed, s.objective)).toBeInstanceOf(cls);
    }
    const grid = spec({ type: 'grid', gridPoints: 2 }, { type: 'fifo' });
    expect((createSearcher(grid.searcher, grid.space) as GridSearcher).size).toBe(2 * 2);
  });

  it('builds each scheduler, taking ASHA’s budget from the base config when the spec omits it', () => {
    const fifo = spec({ type: 'random' }, { type: 'fifo' });
    expect(createScheduler(fifo.scheduler, fifo.objective)).toBeInstanceOf(FifoScheduler);
    const asha = spec({ type: 'random' }, { type: 'asha', gracePeriod: 100 });
    const built = createScheduler(asha.scheduler, asha.objective, { defaultMaxSteps: asha.base.training.steps });
    expect(built).toBeInstanceOf(AshaScheduler);
    expect((built as AshaScheduler).milestones).toEqual([100, 300, 900]);
    expect(() => createScheduler(asha.scheduler, asha.objective)).toThrow(TuneError);
    const pbt = spec({ type: 'random' }, { type: 'pbt', perturbationInterval: 50 });
    expect(createScheduler(pbt.scheduler, pbt.objective, { space: pbt.space, seed: 1 })).toBeInstanceOf(PbtScheduler);
  });

  it('round-trips every searcher and scheduler state through JSON and continues identically', () => {
    for (const type of ['grid', 'random', 'tpe'] as const) {
      const s = spec({ type, nStartup: 2 }, { type: 'fifo' });
      const a = createSearcher(s.searcher, s.space, 3, s.objective);
      for (let i = 0; i < 4; i++) {
        const p = a.suggest(`t${i}`);
        if (typeof p === 'object' && p) a.onTrialComplete(`t${i}`, { step: 1, metrics: { loss_g: (p['optimizer.lrG'] as number) * 100 } });
      }
      const b = createSearcher(s.searcher, s.space, 3, s.objective);
      b.setState!(JSON.parse(JSON.stringify(a.getState!())));
      expect(b.suggest('next')).toEqual(a.suggest('next'));
    }
    const s = spec({ type: 'random' }, { type: 'asha', gracePeriod: 100 });
    const a = createScheduler(s.scheduler, s.objective, { defaultMaxSteps: 900 });
    a.onTrialResult('x', { step: 100, metrics: { loss_g: 1 } });
    const b = createScheduler(s.scheduler, s.objective, { defaultMaxSteps: 900 });
    b.setState!(JSON.parse(JSON.stringify(a.getState!())));
    expect(b.onTrialResult('y', { step: 100, metrics: { loss_g: 2 } })).toEqual(a.onTrialResult('y', { step: 100, metrics: { loss_g: 2 } }));
  });

  it('rejects malformed state with a named error', () => {
    const s = spec({ type: 'tpe' }, { type: 'fifo' });
    const tpe = createSearcher(s.searcher, s.space, 0, s.objective);
    try {
      tpe.setState!({ nope: 1 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TuneError);
      expect((err as TuneError).code).toBe('ERR_TUNE_STATE');
    }
  });
});
