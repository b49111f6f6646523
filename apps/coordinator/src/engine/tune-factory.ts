/**
 * The default `TuneFactory`: a sweep's searcher and scheduler built by `@grugan/tune` from the
 * sweep's spec. Deterministic in the spec (seeded), so a restarted coordinator rebuilds the same
 * objects and restores their persisted state into them.
 */
import { createScheduler, createSearcher } from '@grugan/tune';
import type { TuneFactory } from './sweep-engine.js';

export const defaultTuneFactory: TuneFactory = {
  searcher: (spec) => createSearcher(spec.searcher, spec.space, spec.seed, spec.objective),
  scheduler: (spec) =>
    createScheduler(spec.scheduler, spec.objective, {
      space: spec.space,
      seed: spec.seed,
      defaultMaxSteps: spec.base.training.steps,
    }),
};
