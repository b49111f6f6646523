/**
 * How one worker report changes a trial's record. Pure, so the state machine is tested without
 * NATS: stale attempts (a relaunched trial's old workers) and redelivered messages (same stream
 * sequence) are ignored, progress moves `pending → running`, and a `final` report ends the trial.
 */
import { TERMINAL_TRIAL_STATES, type TrialRecord, type TrialReport, type TrialResult } from '@grugan/protocol';

export type ReportOutcome =
  | { kind: 'ignored'; reason: 'stale-attempt' | 'duplicate' | 'terminal' | 'not-rank-0' }
  | { kind: 'hello'; trial: TrialRecord }
  | { kind: 'progress'; trial: TrialRecord; result: TrialResult }
  | { kind: 'checkpoint'; trial: TrialRecord }
  | { kind: 'final'; trial: TrialRecord; status: NonNullable<TrialReport['status']> };

export function isTerminal(trial: Pick<TrialRecord, 'state'>): boolean {
  return TERMINAL_TRIAL_STATES.includes(trial.state);
}

/** Applies `report` (stream sequence `seq`, received at ISO time `now`) to a copy of `trial`. */
export function applyReport(trial: TrialRecord, report: TrialReport, seq: number, now: string): ReportOutcome {
  if (report.attempt !== trial.attempt) return { kind: 'ignored', reason: 'stale-attempt' };
  if (trial.reportSeq !== undefined && seq <= trial.reportSeq) return { kind: 'ignored', reason: 'duplicate' };
  if (isTerminal(trial)) return { kind: 'ignored', reason: 'terminal' };

  const next: TrialRecord = {
    ...trial,
    reportSeq: seq,
    lastReportAt: now,
    updatedAt: now,
    state: trial.state === 'pending' ? 'running' : trial.state,
  };
  switch (report.kind) {
    case 'hello':
      if (report.metricsAddress !== undefined) {
        next.metricsAddresses = { ...next.metricsAddresses, [String(report.rank)]: report.metricsAddress };
      }
      return { kind: 'hello', trial: next };
    case 'checkpoint':
      next.checkpointStep = Math.max(next.checkpointStep ?? 0, report.step);
      return { kind: 'checkpoint', trial: next };
    case 'metrics': {
      next.step = Math.max(next.step, report.step);
      const metrics = { ...next.metrics };
      // Nulls are NaNs on the wire; the record keeps only numbers, the scheduler sees the nulls.
      for (const [k, v] of Object.entries(report.metrics)) {
        if (v === null) delete metrics[k];
        else metrics[k] = v;
      }
      next.metrics = metrics;
      return { kind: 'progress', trial: next, result: { step: report.step, metrics: report.metrics } };
    }
    case 'final': {
      const status = report.status ?? 'succeeded';
      // Every rank says goodbye, but rank 0 reports metrics: its final comes after its last
      // metrics, so only it may end the trial normally. Another rank's failure ends it at once.
      if (report.rank !== 0 && (status === 'succeeded' || status === 'stopped')) {
        return { kind: 'ignored', reason: 'not-rank-0' };
      }
      next.step = Math.max(next.step, report.step);
      for (const [k, v] of Object.entries(report.metrics)) if (v !== null) next.metrics[k] = v;
      next.state = status;
      if (report.message !== undefined) next.message = report.message;
      return { kind: 'final', trial: next, status };
    }
  }
}

/** The trial's latest result as searchers and schedulers see it. */
export function latestResult(trial: TrialRecord): TrialResult {
  return { step: trial.step, metrics: { ...trial.metrics }, diverged: trial.state === 'diverged' || undefined };
}

/** Whether a failed trial may be relaunched: attempts are 0-based, retries count relaunches. */
export function canRetry(trial: Pick<TrialRecord, 'attempt'>, retriesPerTrial: number): boolean {
  return trial.attempt < retriesPerTrial;
}
