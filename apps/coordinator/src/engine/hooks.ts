/**
 * What the engine tells the outside world about, besides state: metrics and logs. The engine
 * calls these hooks; `CoordinatorMetrics` implements them (and may grow, see the metrics module).
 */
import type { SchedulerDecision } from '@grugan/tune';

export interface EngineHooks {
  /** The scheduler decided about a trial's result. */
  schedulerDecision?(sweepId: string, decision: SchedulerDecision['action']): void;
  /** A launcher call finished; `ok` false when it threw. */
  launcherOperation?(operation: 'launch' | 'status' | 'terminate', ok: boolean): void;
  /** A report message was rejected (not JSON, not a valid report, unknown trial). */
  reportRejected?(reason: 'corrupt' | 'unknown-trial'): void;
  /** A sweep's best objective changed. */
  bestObjectiveChanged?(sweepId: string, value: number): void;
  /** A trial was relaunched after its workers were lost or failed. */
  trialRelaunched?(sweepId: string): void;
}

/** The subset of pino's logger the engine uses. */
export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
