/**
 * Who this worker process is: trial id, rank, world size, launch attempt and NATS URL, read
 * from the environment the launcher sets (names fixed in `@grugan/protocol`'s trial.ts).
 * Parsed once at the edge with zod, so a bad launcher shows up as one clear error naming the
 * variable instead of a NaN rank deep inside training.
 */
import { z } from 'zod';
import { ResourceId, formatZodError } from '@grugan/protocol';
import { WorkerEnvError } from './errors.js';

/** Identity of one data-parallel rank of one trial launch. */
export interface WorkerIdentity {
  /** Trial this worker trains; its record is the KV key of the same name. */
  trialId: string;
  /** This process's rank, 0 ≤ rank < worldSize; rank 0 reports metrics and checkpoints. */
  rank: number;
  /** Number of data-parallel ranks of the trial. */
  worldSize: number;
  /** Launch attempt; > 0 means a relaunch, which resumes from the latest checkpoint. */
  attempt: number;
  /** NATS server(s), comma-separated. */
  natsUrl: string;
}

const intFromEnv = z.coerce.number().int().min(0);

const WorkerEnv = z
  .object({
    GRUGAN_TRIAL_ID: ResourceId,
    GRUGAN_RANK: intFromEnv,
    GRUGAN_WORLD_SIZE: intFromEnv.min(1),
    GRUGAN_ATTEMPT: intFromEnv.default(0),
    NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  })
  .refine((e) => e.GRUGAN_RANK < e.GRUGAN_WORLD_SIZE, {
    message: 'must be less than GRUGAN_WORLD_SIZE',
    path: ['GRUGAN_RANK'],
  });

/** Reads and validates the worker's identity; throws `WorkerEnvError` naming the variable. */
export function readWorkerIdentity(env: NodeJS.ProcessEnv = process.env): WorkerIdentity {
  // Empty strings count as unset, as shells and Kubernetes both produce them.
  const picked = Object.fromEntries(
    ['GRUGAN_TRIAL_ID', 'GRUGAN_RANK', 'GRUGAN_WORLD_SIZE', 'GRUGAN_ATTEMPT', 'NATS_URL']
      .map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = WorkerEnv.safeParse(picked);
  if (!parsed.success) throw new WorkerEnvError(formatZodError(parsed.error));
  const e = parsed.data;
  return {
    trialId: e.GRUGAN_TRIAL_ID,
    rank: e.GRUGAN_RANK,
    worldSize: e.GRUGAN_WORLD_SIZE,
    attempt: e.GRUGAN_ATTEMPT,
    natsUrl: e.NATS_URL,
  };
}
