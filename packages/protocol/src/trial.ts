/**
 * Trials as the coordinator stores them and as workers and the coordinator talk about them.
 *
 * NATS subjects (one trial's traffic is isolated under its id):
 * - `grugan.trial.<trialId>.report`  worker → coordinator, `TrialReport` (JetStream stream
 *   `GRUGAN_REPORTS`, which is also the durable metric history)
 * - `grugan.trial.<trialId>.control` coordinator → workers, `TrialControl`
 * - KV bucket `grugan-trials`, key `<trialId>` → `TrialRecord`
 * - Object Store bucket `grugan-checkpoints`, object `<trialId>` → the latest checkpoint bytes
 *
 * Worker processes learn who they are from the environment the launcher sets:
 * `GRUGAN_TRIAL_ID`, `GRUGAN_RANK`, `GRUGAN_WORLD_SIZE`, `GRUGAN_ATTEMPT`, `NATS_URL`.
 */
import { z } from 'zod';
import { TrialConfig } from './trial-config.js';

export const SUBJECT_PREFIX = 'grugan.trial';
export const REPORTS_STREAM = 'GRUGAN_REPORTS';
export const TRIALS_BUCKET = 'grugan-trials';
export const CHECKPOINTS_BUCKET = 'grugan-checkpoints';

export const subjects = {
  report: (trialId: string) => `${SUBJECT_PREFIX}.${trialId}.report`,
  control: (trialId: string) => `${SUBJECT_PREFIX}.${trialId}.control`,
  /** Subject filter covering every trial's reports. */
  allReports: `${SUBJECT_PREFIX}.*.report`,
} as const;

/** Trial and sweep ids appear in NATS subjects and Kubernetes names: keep them tame. */
export const ResourceId = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and dashes, at most 63');

export const TrialState = z.enum([
  'pending',
  'running',
  'paused',
  'succeeded',
  'failed',
  'stopped',
  'diverged',
]);
export type TrialState = z.infer<typeof TrialState>;
export const TERMINAL_TRIAL_STATES: readonly TrialState[] = ['succeeded', 'failed', 'stopped', 'diverged'];

/** What the coordinator keeps per trial (KV value). */
export const TrialRecord = z.object({
  id: ResourceId,
  sweepId: ResourceId,
  /** Full, validated config the workers train. */
  config: TrialConfig,
  /** Searcher parameters that produced the config (dotted paths). */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  state: TrialState,
  /** Data-parallel ranks. */
  worldSize: z.number().int().min(1),
  /** Launch attempt, incremented on every relaunch. */
  attempt: z.number().int().min(0),
  /** Generator steps reported so far. */
  step: z.number().int().min(0).default(0),
  /** Latest reported metrics. */
  metrics: z.record(z.string(), z.number()).default({}),
  /** Step of the newest checkpoint in the Object Store, if any. */
  checkpointStep: z.number().int().min(0).optional(),
  /** Launcher handle id, to query or terminate the workers. */
  launchId: z.string().optional(),
  /** Why a trial failed or stopped. */
  message: z.string().optional(),
  /** Launcher that started the workers (`local`, `kubernetes`), to query them after a restart. */
  launcher: z.string().optional(),
  /** When the coordinator last heard from the trial's workers (reconciliation's liveness clock). */
  lastReportAt: z.string().optional(),
  /** Stream sequence of the last report applied, so a redelivered report is applied once. */
  reportSeq: z.number().int().min(0).optional(),
  /** Rank → `host:port` of that worker's Prometheus endpoint (from `hello` reports), for service discovery. */
  metricsAddresses: z.record(z.string(), z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TrialRecord = z.infer<typeof TrialRecord>;

/** Worker → coordinator. Rank 0 reports metrics; every rank says hello and goodbye. */
export const TrialReport = z.object({
  trialId: ResourceId,
  attempt: z.number().int().min(0),
  rank: z.number().int().min(0),
  kind: z.enum(['hello', 'metrics', 'checkpoint', 'final']),
  step: z.number().int().min(0),
  /** Metric name → value; NaN is sent as null by JSON, so nulls mean "not a number". */
  metrics: z.record(z.string(), z.number().nullable()).default({}),
  /** Final status of the trial's training, with `kind: 'final'`. */
  status: z.enum(['succeeded', 'failed', 'diverged', 'stopped']).optional(),
  /** `host:port` of the worker's Prometheus endpoint, with `kind: 'hello'`. */
  metricsAddress: z.string().optional(),
  message: z.string().optional(),
  time: z.string(),
});
export type TrialReport = z.infer<typeof TrialReport>;

/** Coordinator → workers. */
export const TrialControl = z.discriminatedUnion('action', [
  z.object({ action: z.literal('stop'), trialId: ResourceId, reason: z.string().optional() }),
  z.object({ action: z.literal('pause'), trialId: ResourceId }),
  /** PBT: load `sourceTrialId`'s checkpoint, apply perturbed params, continue. */
  z.object({
    action: z.literal('exploit'),
    trialId: ResourceId,
    sourceTrialId: ResourceId,
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  }),
]);
export type TrialControl = z.infer<typeof TrialControl>;
