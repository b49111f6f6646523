/**
 * The no-op scheduler, as Ray's `FIFOScheduler`: every trial runs to the end of its budget.
 */
import type { Params, SchedulerDecision, TrialResult, TrialScheduler } from './types.js';

export class FifoScheduler implements TrialScheduler {
  onTrialAdd(_trialId: string, _params: Params): void {}
  onTrialResult(_trialId: string, _result: TrialResult): SchedulerDecision {
    return { action: 'continue' };
  }
  onTrialComplete(_trialId: string, _result?: TrialResult): void {}
  onTrialError(_trialId: string): void {}
  onTrialRemove(_trialId: string): void {}
  getState(): null {
    return null;
  }
  setState(_state: unknown): void {}
}
