/** @grugan/tune: pure hyper-parameter search (grid, random, TPE) and trial scheduling (FIFO, ASHA, PBT). */
export * from './types.js';
export { Rng } from './rng.js';
export { scoreOf, DIVERGED_SCORE, DEFAULT_OBJECTIVE } from './objective.js';
export { sampleDomain, sampleSpace, clampToDomain, numericScale, type NumericScale } from './domain.js';
export { GridSearcher, gridAxis, type GridSearcherOptions } from './grid-searcher.js';
export { RandomSearcher } from './random-searcher.js';
export { TpeSearcher, type TpeOptions } from './tpe-searcher.js';
export { ConcurrencyLimiter } from './concurrency-limiter.js';
export { FifoScheduler } from './fifo-scheduler.js';
export { AshaScheduler, type AshaOptions } from './asha-scheduler.js';
export { PbtScheduler, type PbtOptions } from './pbt-scheduler.js';
export { createSearcher, createScheduler, type SchedulerContext } from './factory.js';
