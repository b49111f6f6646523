/**
 * Named errors of the worker, each with a stable `code` (nats.js `errors.ts` style), so logs,
 * the final report and tests can tell failures apart without matching message text.
 */

export class WorkerError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerError';
    this.code = code;
  }
}

/** The launcher's environment is missing or malformed. */
export class WorkerEnvError extends WorkerError {
  constructor(message: string) {
    super('WORKER_ENV_INVALID', `bad worker environment: ${message}`);
    this.name = 'WorkerEnvError';
  }
}

/** The trial's record is absent from the KV bucket or does not parse. */
export class TrialRecordError extends WorkerError {
  constructor(trialId: string, message: string, options?: { cause?: unknown }) {
    super('TRIAL_RECORD_INVALID', `trial ${trialId}: ${message}`, options);
    this.name = 'TrialRecordError';
  }
}

/** A checkpoint could not be read or applied. */
export class CheckpointError extends WorkerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CHECKPOINT_INVALID', message, options);
    this.name = 'CheckpointError';
  }
}

/** An exploit order names parameters that do not exist or would make the config invalid. */
export class ExploitError extends WorkerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EXPLOIT_INVALID', message, options);
    this.name = 'ExploitError';
  }
}
