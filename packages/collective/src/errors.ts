/**
 * Typed failures of the collective. Every wait in this package ends in one of these (or a
 * result), never in a hang. Named classes with a stable `code`, following nats.js `errors.ts`.
 */

/** Base class: `code` is stable and safe to branch on; `name` is the class name. */
export class CollectiveError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A peer stopped sending heartbeats, left, or was replaced by a new member. */
export class PeerLostError extends CollectiveError {
  /** Rank of the peer that was lost. */
  readonly rank: number;
  constructor(rank: number, reason: string) {
    super('COLLECTIVE_PEER_LOST', `rank ${rank} was lost: ${reason}`);
    this.rank = rank;
  }
}

/** The connection to the server dropped; the operation can be retried after reconnecting. */
export class TransportDisconnectedError extends CollectiveError {
  constructor(message = 'the transport disconnected') {
    super('COLLECTIVE_DISCONNECTED', message);
  }
}

/** The group or transport was closed while an operation waited. */
export class CollectiveClosedError extends CollectiveError {
  constructor(message = 'the collective was closed') {
    super('COLLECTIVE_CLOSED', message);
  }
}

/** An operation did not complete within its time limit (all peers still alive). */
export class CollectiveTimeoutError extends CollectiveError {
  constructor(what: string, ms: number) {
    super('COLLECTIVE_TIMEOUT', `${what} did not complete within ${ms} ms`);
  }
}

/** Ranks disagree about the operation (vector lengths, world size, rank numbers). */
export class CollectiveMismatchError extends CollectiveError {
  constructor(message: string) {
    super('COLLECTIVE_MISMATCH', message);
  }
}

/** Bad arguments or options, named by field. */
export class CollectiveConfigError extends CollectiveError {
  constructor(message: string) {
    super('COLLECTIVE_CONFIG', message);
  }
}
