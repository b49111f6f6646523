/** Public API of the worker app: one data-parallel rank of one trial. */
export { runWorkerProcess, exitCodeOf } from './main.js';
export { runWorker, type WorkerOutcome, type RunWorkerOptions } from './worker.js';
export { readWorkerIdentity, type WorkerIdentity } from './identity.js';
export { createWorkerLogger } from './logger.js';
export { createWorkerMetrics, startMetricsServer, type WorkerMetrics, type MetricsServer } from './metrics.js';
export { ControlListener, type PendingOrder } from './control.js';
export { ControlConsensus, VOTE_KEY, type AgreedAction, type Reduce } from './consensus.js';
export { TrialReporter, type ReportBody } from './reporter.js';
export { TrialStore } from './trial-store.js';
export { applyExploitParams } from './config-params.js';
export * from './errors.js';
export { openExchange, groupId, type TrialExchange } from './exchange.js';
