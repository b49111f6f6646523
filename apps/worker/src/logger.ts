/**
 * Structured JSON logs (pino) on stderr, every line tagged with the trial, rank and attempt,
 * so the interleaved output of W workers stays attributable. stdout is left free.
 */
import { pino, destination, type Logger } from 'pino';
import type { WorkerIdentity } from './identity.js';

export type { Logger };

/** A pino logger for one worker; level from `LOG_LEVEL` (default `info`). */
export function createWorkerLogger(identity: Pick<WorkerIdentity, 'trialId' | 'rank' | 'attempt'>): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { app: 'grugan-worker', trial: identity.trialId, rank: identity.rank, attempt: identity.attempt },
    },
    destination(2),
  );
}
