import { describe, expect, it } from 'vitest';
import { CHECKPOINTS_BUCKET, REPORTS_STREAM, TRIALS_BUCKET, subjects } from './trial.js';
import { STATE_PREFIX_ENV, stateNames, stateNamesFromEnv } from './state-names.js';

describe('stateNames', () => {
  it('reproduces the fixed names of trial.ts for the default prefix', () => {
    const n = stateNames();
    expect(n.trialsBucket).toBe(TRIALS_BUCKET);
    expect(n.checkpointsBucket).toBe(CHECKPOINTS_BUCKET);
    expect(n.reportsStream).toBe(REPORTS_STREAM);
    expect(n.reportSubject('t1')).toBe(subjects.report('t1'));
    expect(n.controlSubject('t1')).toBe(subjects.control('t1'));
    expect(n.allReports).toBe(subjects.allReports);
  });

  it('moves buckets, stream and subjects together under another prefix', () => {
    const n = stateNames('test-a1');
    expect([n.trialsBucket, n.sweepsBucket, n.checkpointsBucket, n.reportsStream]).toEqual([
      'test-a1-trials',
      'test-a1-sweeps',
      'test-a1-checkpoints',
      'TEST_A1_REPORTS',
    ]);
    expect(n.reportSubject('x')).toBe('test-a1.trial.x.report');
    expect(n.allReports).toBe('test-a1.trial.*.report');
  });

  it('reads the prefix from the environment and rejects bad ones', () => {
    expect(stateNamesFromEnv({ [STATE_PREFIX_ENV]: 'abc' }).prefix).toBe('abc');
    expect(stateNamesFromEnv({ [STATE_PREFIX_ENV]: '' }).prefix).toBe('grugan');
    expect(() => stateNames('Bad.Prefix')).toThrow();
  });
});
