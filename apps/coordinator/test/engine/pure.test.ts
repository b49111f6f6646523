/** The engine's pure parts: leaderboard order, report → trial transitions, liveness verdicts, ids. */
import { describe, expect, it } from 'vitest';
import { TrialConfig, ResourceId, type TrialRecord, type TrialReport } from '@grugan/protocol';
import { bestTrial, leaderboard } from '../../src/engine/leaderboard.js';
import { applyReport, canRetry } from '../../src/engine/trial-updates.js';
import { judgeLiveness } from '../../src/engine/reconcile.js';
import { newSweepId, trialId } from '../../src/engine/ids.js';

function trial(id: string, state: TrialRecord['state'], metrics: Record<string, number>, createdAt = '2026-01-01T00:00:00Z'): TrialRecord {
  return {
    id,
    sweepId: 's',
    config: TrialConfig.parse({}),
    params: {},
    state,
    worldSize: 1,
    attempt: 0,
    step: 0,
    metrics,
    createdAt,
    updatedAt: createdAt,
  };
}

function report(kind: TrialReport['kind'], step: number, extra: Partial<TrialReport> = {}): TrialReport {
  return { trialId: 'a', attempt: 0, rank: 0, kind, step, metrics: {}, time: '2026-01-01T00:00:01Z', ...extra };
}

describe('leaderboard', () => {
  const trials = [
    trial('a', 'succeeded', { score: 0.3 }),
    trial('b', 'diverged', { score: 0.01 }),
    trial('c', 'running', {}),
    trial('d', 'stopped', { score: 0.1 }),
    trial('e', 'failed', { score: 0.0 }),
    trial('f', 'succeeded', { score: 0.3 }, '2026-01-02T00:00:00Z'),
  ];

  it('puts the lowest first for mode min; unranked (diverged, failed, unreported) last', () => {
    const rows = leaderboard(trials, { metric: 'score', mode: 'min' });
    expect(rows.map((r) => r.trial.id)).toEqual(['d', 'a', 'f', 'b', 'c', 'e']);
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, null, null, null]);
    expect(rows.map((r) => r.objective)).toEqual([0.1, 0.3, 0.3, null, null, null]);
  });

  it('puts the highest first for mode max', () => {
    const rows = leaderboard(trials, { metric: 'score', mode: 'max' });
    expect(rows.slice(0, 3).map((r) => r.trial.id)).toEqual(['a', 'f', 'd']);
  });

  it('names the best trial, or none without values', () => {
    expect(bestTrial(trials, { metric: 'score', mode: 'min' })).toEqual({ trialId: 'd', objective: 0.1 });
    expect(bestTrial(trials, { metric: 'other', mode: 'min' })).toBeUndefined();
  });
});

describe('applyReport', () => {
  const base = trial('a', 'pending', {});

  it('moves pending to running and merges metrics, dropping NaNs (nulls)', () => {
    const out = applyReport({ ...base, metrics: { score: 1, loss_d: 2 } }, report('metrics', 10, { metrics: { score: 0.5, loss_d: null } }), 7, 'now');
    expect(out.kind).toBe('progress');
    if (out.kind !== 'progress') return;
    expect(out.trial.state).toBe('running');
    expect(out.trial.step).toBe(10);
    expect(out.trial.metrics).toEqual({ score: 0.5 });
    expect(out.trial.reportSeq).toBe(7);
    expect(out.result).toEqual({ step: 10, metrics: { score: 0.5, loss_d: null } });
  });

  it('ignores stale attempts, redelivered messages and finished trials', () => {
    expect(applyReport({ ...base, attempt: 1 }, report('metrics', 10), 1, 'now')).toEqual({ kind: 'ignored', reason: 'stale-attempt' });
    expect(applyReport({ ...base, reportSeq: 9 }, report('metrics', 10), 9, 'now')).toEqual({ kind: 'ignored', reason: 'duplicate' });
    expect(applyReport({ ...base, state: 'stopped' }, report('metrics', 10), 1, 'now')).toEqual({ kind: 'ignored', reason: 'terminal' });
  });

  it('ends the trial on a final report with its status and message', () => {
    const out = applyReport({ ...base, state: 'running', step: 40 }, report('final', 50, { status: 'diverged', message: 'NaN in loss_g' }), 3, 'now');
    expect(out).toMatchObject({ kind: 'final', status: 'diverged', trial: { state: 'diverged', step: 50, message: 'NaN in loss_g' } });
  });

  it("lets only rank 0 end a trial normally, but any rank's failure ends it", () => {
    const running = { ...base, state: 'running' as const };
    expect(applyReport(running, report('final', 50, { rank: 1, status: 'succeeded' }), 3, 'now')).toEqual({ kind: 'ignored', reason: 'not-rank-0' });
    expect(applyReport(running, report('final', 50, { rank: 1, status: 'failed' }), 3, 'now')).toMatchObject({ kind: 'final', status: 'failed' });
    expect(applyReport(running, report('final', 50, { rank: 0 }), 3, 'now')).toMatchObject({ kind: 'final', status: 'succeeded' });
  });

  it('records checkpoints and never moves the step backwards', () => {
    const out = applyReport({ ...base, state: 'running', checkpointStep: 40 }, report('checkpoint', 20), 3, 'now');
    expect(out).toMatchObject({ kind: 'checkpoint', trial: { checkpointStep: 40 } });
  });

  it("keeps each rank's metrics address from hello reports", () => {
    const one = applyReport(base, report('hello', 0, { rank: 1, metricsAddress: 'h:9001' }), 1, 'now');
    if (one.kind !== 'hello') throw new Error(one.kind);
    const two = applyReport(one.trial, report('hello', 0, { rank: 0, metricsAddress: 'h:9000' }), 2, 'now');
    expect(two).toMatchObject({ kind: 'hello', trial: { state: 'running', metricsAddresses: { '0': 'h:9000', '1': 'h:9001' } } });
  });

  it('counts retries from attempt 0', () => {
    expect(canRetry({ attempt: 0 }, 1)).toBe(true);
    expect(canRetry({ attempt: 1 }, 1)).toBe(false);
    expect(canRetry({ attempt: 0 }, 0)).toBe(false);
  });
});

describe('judgeLiveness', () => {
  const limits = { reportTimeoutMs: 10_000, exitGraceMs: 1000 };
  const cond = (type: 'Running' | 'Failed' | 'Succeeded' | 'Unknown') => ({ type, reason: 'r', message: 'm' });
  it('gives running workers the report timeout and exited ones the exit grace', () => {
    expect(judgeLiveness(cond('Running'), 5000, limits)).toBe('alive');
    expect(judgeLiveness(cond('Running'), 10_001, limits)).toBe('lost');
    expect(judgeLiveness(cond('Unknown'), 5000, limits)).toBe('alive');
    expect(judgeLiveness(cond('Failed'), 500, limits)).toBe('alive');
    expect(judgeLiveness(cond('Failed'), 1001, limits)).toBe('lost');
    expect(judgeLiveness(cond('Succeeded'), 1001, limits)).toBe('lost');
  });
});

describe('ids', () => {
  it('makes resource-safe sweep and trial ids', () => {
    for (const name of ['My Sweep!', '---', 'x'.repeat(100), 'sines ASHA 2x']) {
      const id = newSweepId(name);
      expect(ResourceId.safeParse(id).success, id).toBe(true);
      expect(ResourceId.safeParse(trialId(id, 9999)).success).toBe(true);
    }
    expect(newSweepId('My Sweep!')).toMatch(/^my-sweep-[a-z0-9]{6}$/);
    expect(trialId('s', 7)).toBe('s-t0007');
  });
});
