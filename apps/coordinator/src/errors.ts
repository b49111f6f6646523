/**
 * Named errors of the coordinator, each with a stable `code` and the HTTP status the one error
 * handler maps it to (nats.js `errors.ts` and fastify's `FST_ERR_*` catalogue style). Messages of
 * 5xx errors never reach clients; codes always do.
 */

export class CoordinatorError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** HTTP status this error maps to. */
  readonly statusCode: number;
  constructor(code: string, statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoordinatorError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** A request body, query or parameter failed validation; the message names the field. */
export class InvalidRequestError extends CoordinatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_REQUEST', 400, message, options);
    this.name = 'InvalidRequestError';
  }
}

/** Missing or wrong bearer token. */
export class UnauthorizedError extends CoordinatorError {
  constructor(message = 'missing or invalid bearer token') {
    super('ERR_UNAUTHORIZED', 401, message);
    this.name = 'UnauthorizedError';
  }
}

export class NotFoundError extends CoordinatorError {
  constructor(kind: 'sweep' | 'trial' | 'checkpoint' | 'route', id: string) {
    super('ERR_NOT_FOUND', 404, `${kind} '${id}' not found`);
    this.name = 'NotFoundError';
  }
}

/** The request conflicts with the resource's state (e.g. cancelling a finished sweep is fine, but this is not). */
export class ConflictError extends CoordinatorError {
  constructor(message: string) {
    super('ERR_CONFLICT', 409, message);
    this.name = 'ConflictError';
  }
}

/** A compare-and-set update lost to other writers more times than the retry budget allows. */
export class CasConflictError extends CoordinatorError {
  constructor(bucket: string, key: string, tries: number, options?: { cause?: unknown }) {
    super('ERR_CAS_CONFLICT', 409, `${bucket}/${key}: update lost to concurrent writers ${tries} times`, options);
    this.name = 'CasConflictError';
  }
}

/** The coordinator is not ready (NATS down, state not loaded). */
export class UnavailableError extends CoordinatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNAVAILABLE', 503, message, options);
    this.name = 'UnavailableError';
  }
}

/** A feature that needs a part not available in this build (e.g. sample generation without the model). */
export class NotImplementedError extends CoordinatorError {
  constructor(message: string) {
    super('ERR_NOT_IMPLEMENTED', 501, message);
    this.name = 'NotImplementedError';
  }
}

/** A stored value (KV entry, report message) did not parse; it is skipped and counted. */
export class CorruptStateError extends CoordinatorError {
  constructor(where: string, message: string, options?: { cause?: unknown }) {
    super('ERR_CORRUPT_STATE', 500, `${where}: ${message}`, options);
    this.name = 'CorruptStateError';
  }
}

/** No launcher of that name is registered. */
export class UnknownLauncherError extends CoordinatorError {
  constructor(name: string, known: string[]) {
    super('ERR_UNKNOWN_LAUNCHER', 500, `unknown launcher '${name}' (known: ${known.join(', ')})`);
    this.name = 'UnknownLauncherError';
  }
}

/** Configuration from environment or flags is invalid; the message names the setting. */
export class ConfigError extends CoordinatorError {
  constructor(message: string) {
    super('ERR_CONFIG', 500, message);
    this.name = 'ConfigError';
  }
}

/** A stored checkpoint could not be read back (corrupt, or from an incompatible version). */
export class CheckpointUnreadableError extends CoordinatorError {
  constructor(trialId: string, message: string, options?: { cause?: unknown }) {
    super('ERR_CHECKPOINT_UNREADABLE', 422, `checkpoint of trial '${trialId}' is unreadable: ${message}`, options);
    this.name = 'CheckpointUnreadableError';
  }
}
