/**
 * Builds searchers and schedulers from the protocol's `SearcherSpec` / `SchedulerSpec`, so the
 * coordinator never names an implementation class.
 */
import type { Objective, SchedulerSpec, SearchSpace, SearcherSpec } from '@grugan/protocol';
import { AshaScheduler } from './asha-scheduler.js';
import { FifoScheduler } from './fifo-scheduler.js';
import { GridSearcher } from './grid-searcher.js';
import { DEFAULT_OBJECTIVE } from './objective.js';
import { PbtScheduler } from './pbt-scheduler.js';
import { RandomSearcher } from './random-searcher.js';
import { TpeSearcher } from './tpe-searcher.js';
import { TuneError, type Searcher, type TrialScheduler } from './types.js';

/** A searcher for `spec` over `space`; TPE needs the `objective` to read results. */
export function createSearcher(
  spec: SearcherSpec,
  space: SearchSpace,
  seed = 0,
  objective: Objective = DEFAULT_OBJECTIVE,
): Searcher {
  switch (spec.type) {
    case 'grid':
      return new GridSearcher(space, { gridPoints: spec.gridPoints });
    case 'random':
      return new RandomSearcher(space, seed);
    case 'tpe':
      return new TpeSearcher(space, objective, seed, spec);
  }
}

export interface SchedulerContext {
  /** The search space (PBT's explore needs it). */
  space?: SearchSpace;
  /** Seed of PBT's draws. */
  seed?: number;
  /** ASHA's budget when the spec leaves `maxSteps` out: the base config's `training.steps`. */
  defaultMaxSteps?: number;
}

export function createScheduler(
  spec: SchedulerSpec,
  objective: Objective = DEFAULT_OBJECTIVE,
  context: SchedulerContext = {},
): TrialScheduler {
  switch (spec.type) {
    case 'fifo':
      return new FifoScheduler();
    case 'asha': {
      const maxSteps = spec.maxSteps ?? context.defaultMaxSteps;
      if (maxSteps === undefined) throw new TuneError('ASHA needs maxSteps (or defaultMaxSteps)', 'ERR_TUNE_OPTION');
      return new AshaScheduler(
        { maxSteps, gracePeriod: spec.gracePeriod, reductionFactor: spec.reductionFactor },
        objective,
      );
    }
    case 'pbt':
      return new PbtScheduler(context.space ?? {}, spec, objective, context.seed ?? 0);
  }
}
