/**
 * The message transport the collective runs on: subject-addressed publish/subscribe of raw
 * bytes with string headers. NATS is the real one; the in-process one lets `worker_threads`
 * ranks of one process talk without a server. Shaped after nats.js's injected `Transport`.
 */
import { randomBytes } from 'node:crypto';

/** One delivered message. */
export interface TransportMessage {
  /** Subject it was published to. */
  subject: string;
  /** Payload bytes; owned by the receiver (safe to keep). */
  data: Uint8Array;
  /** Headers (first value of each key); empty when none were sent. */
  headers: Record<string, string>;
  /** Reply subject, for requests. */
  reply?: string;
}

/** What `subscribe` returns. */
export interface TransportSubscription {
  /** Stops delivery to this handler. */
  unsubscribe(): void;
}

/** Connection-level events the collective reacts to. */
export type TransportEvent = 'disconnected' | 'reconnected' | 'closed';

export interface Transport {
  /**
   * Largest payload (headers included) the transport accepts, in bytes. For NATS this is the
   * server's `max_payload`, read from the connection.
   */
  readonly maxPayload: number;
  /** Whether the transport is connected right now (a disconnected NATS client buffers). */
  readonly connected: boolean;
  /**
   * Publishes `data` to `subject`. The transport may keep a reference to `data` until it has
   * flushed, so callers must not change it before the operation it belongs to completes.
   */
  publish(subject: string, data: Uint8Array, headers?: Record<string, string>): void;
  /** Calls `handler` for every message on `subject` (exact subject, no wildcards). */
  subscribe(subject: string, handler: (msg: TransportMessage) => void): TransportSubscription;
  /** Sends a request and waits for the first reply, rejecting after `timeoutMs`. */
  request(subject: string, data: Uint8Array, opts: { timeoutMs: number; headers?: Record<string, string> }): Promise<TransportMessage>;
  /** Resolves when everything published so far has reached the server (or peers). */
  flush(): Promise<void>;
  /** Registers a listener for connection events; returns a function that removes it. */
  onEvent(listener: (event: TransportEvent) => void): () => void;
  /** Closes the transport; subscriptions stop, pending requests reject. */
  close(): Promise<void>;
}

/** Ids unique enough for inboxes and member ids: time prefix (for first-come order) + random. */
export function uniqueId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
}
