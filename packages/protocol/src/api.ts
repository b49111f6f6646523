/**
 * Bodies of the coordinator's HTTP API (`/v1/...`). Each is one zod schema with a type of the
 * same name; the coordinator's routes use them through fastify's zod type provider and the
 * OpenAPI document is generated from them, so the CLI, the server and the docs cannot drift.
 */
import { z } from 'zod';
import { ResourceId, TrialRecord } from './trial.js';
import { SweepSpec } from './sweep.js';

export const SweepState = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type SweepState = z.infer<typeof SweepState>;
export const TERMINAL_SWEEP_STATES: readonly SweepState[] = ['succeeded', 'failed', 'cancelled'];

/** Searcher and scheduler state, persisted with the sweep so a restarted coordinator resumes them. */
export const SweepEngineState = z.object({
  /** `Searcher.getState()` (JSON). */
  searcher: z.unknown().optional(),
  /** `TrialScheduler.getState()` (JSON). */
  scheduler: z.unknown().optional(),
  /** Trials created so far; the next trial's index. */
  trialsCreated: z.number().int().min(0).default(0),
  /** The searcher said it has nothing more to suggest (a finished grid). */
  searcherFinished: z.boolean().default(false),
});
export type SweepEngineState = z.infer<typeof SweepEngineState>;

/** What the coordinator keeps per sweep (KV value). */
export const SweepRecord = z.object({
  id: ResourceId,
  spec: SweepSpec,
  state: SweepState,
  /** Trials of this sweep in creation order. */
  trialIds: z.array(ResourceId).default([]),
  /** Best trial by the objective so far (diverged trials never count). */
  bestTrialId: z.string().optional(),
  /** The best trial's objective value. */
  bestObjective: z.number().optional(),
  /** Why the sweep failed or was cancelled. */
  message: z.string().optional(),
  engine: SweepEngineState.prefault({}),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SweepRecord = z.infer<typeof SweepRecord>;

/** A sweep as the API shows it: the record without the engine's internals. */
export const SweepView = SweepRecord.omit({ engine: true });
export type SweepView = z.infer<typeof SweepView>;

export const SweepIdParams = z.object({ id: ResourceId });
export const TrialIdParams = z.object({ id: ResourceId });

export const SweepList = z.object({ sweeps: z.array(SweepView) });
export type SweepList = z.infer<typeof SweepList>;

/** One row of a sweep's leaderboard. */
export const LeaderboardEntry = z.object({
  /** 1-based place by the objective; trials without a value (or diverged) come last, unranked. */
  rank: z.number().int().min(1).nullable(),
  /** The objective's latest value, or null when not yet reported / diverged. */
  objective: z.number().nullable(),
  trial: TrialRecord,
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;

export const TrialList = z.object({
  objective: z.object({ metric: z.string(), mode: z.enum(['min', 'max']) }),
  trials: z.array(LeaderboardEntry),
});
export type TrialList = z.infer<typeof TrialList>;

/** One point of a trial's metric history, as read back from the reports stream. */
export const MetricPoint = z.object({
  /** Stream sequence: a total order across attempts. */
  seq: z.number().int().min(0),
  attempt: z.number().int().min(0),
  rank: z.number().int().min(0),
  kind: z.enum(['hello', 'metrics', 'checkpoint', 'final']),
  step: z.number().int().min(0),
  metrics: z.record(z.string(), z.number().nullable()),
  time: z.string(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

export const MetricHistory = z.object({ trialId: ResourceId, points: z.array(MetricPoint) });
export type MetricHistory = z.infer<typeof MetricHistory>;

export const SamplesQuery = z.object({
  /** Sequences to generate. */
  n: z.coerce.number().int().min(1).max(10000).default(100),
  /** Noise seed (default: the trial's seed). */
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
});
export type SamplesQuery = z.infer<typeof SamplesQuery>;

/** Prometheus HTTP service discovery: one target group. */
export const TargetGroup = z.object({
  targets: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
});
export const TargetGroups = z.array(TargetGroup);
export type TargetGroups = z.infer<typeof TargetGroups>;

/** Every error the API returns. */
export const ErrorBody = z.object({
  statusCode: z.number().int(),
  /** Stable machine-readable code, e.g. `ERR_NOT_FOUND`. */
  code: z.string(),
  /** Human-readable text; names the offending field for 400s, generic for 5xx. */
  message: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const HealthBody = z.object({
  status: z.enum(['ok', 'unavailable']),
  /** Per-check detail, e.g. `{ nats: true, state: true }`. */
  checks: z.record(z.string(), z.boolean()).optional(),
});
