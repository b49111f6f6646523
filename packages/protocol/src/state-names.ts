/**
 * Names of the coordinator's durable state in NATS JetStream, derived from one prefix.
 *
 * The default prefix `grugan` gives exactly the names in trial.ts (`grugan-trials`,
 * `grugan-checkpoints`, `GRUGAN_REPORTS`, `grugan.trial.<id>.report`). Another prefix isolates a
 * whole deployment (or one test) on a shared NATS server: JetStream refuses two streams whose
 * subjects overlap, so the subject prefix changes with the bucket names. The launcher passes the
 * prefix to workers in `GRUGAN_STATE_PREFIX`.
 */
import { z } from 'zod';

/** Environment variable carrying the state prefix from launcher to workers. */
export const STATE_PREFIX_ENV = 'GRUGAN_STATE_PREFIX';
export const DEFAULT_STATE_PREFIX = 'grugan';

/** A prefix must be usable in bucket, stream and subject names alike. */
export const StatePrefix = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes, starting with a letter, at most 31');

export interface StateNames {
  /** The prefix these names derive from. */
  prefix: string;
  /** KV bucket: trial id → `TrialRecord`. */
  trialsBucket: string;
  /** KV bucket: sweep id → `SweepRecord`. */
  sweepsBucket: string;
  /** Object Store bucket: trial id → latest checkpoint bytes. */
  checkpointsBucket: string;
  /** JetStream stream of every `TrialReport` (the durable metric history). */
  reportsStream: string;
  /** Subject of a trial's reports. */
  reportSubject(trialId: string): string;
  /** Subject of a trial's control messages. */
  controlSubject(trialId: string): string;
  /** Filter covering every trial's reports. */
  allReports: string;
}

/** The state names for `prefix` (default `grugan`). Throws a zod error on a malformed prefix. */
export function stateNames(prefix: string = DEFAULT_STATE_PREFIX): StateNames {
  StatePrefix.parse(prefix);
  const subjectPrefix = `${prefix}.trial`;
  const upper = prefix.toUpperCase().replaceAll('-', '_');
  return {
    prefix,
    trialsBucket: `${prefix}-trials`,
    sweepsBucket: `${prefix}-sweeps`,
    checkpointsBucket: `${prefix}-checkpoints`,
    reportsStream: `${upper}_REPORTS`,
    reportSubject: (trialId) => `${subjectPrefix}.${trialId}.report`,
    controlSubject: (trialId) => `${subjectPrefix}.${trialId}.control`,
    allReports: `${subjectPrefix}.*.report`,
  };
}

/** The state names a worker should use: from `GRUGAN_STATE_PREFIX`, else the defaults. */
export function stateNamesFromEnv(env: Record<string, string | undefined> = process.env): StateNames {
  const prefix = env[STATE_PREFIX_ENV];
  return stateNames(prefix === undefined || prefix === '' ? DEFAULT_STATE_PREFIX : prefix);
}
