/**
 * `Transport` inside one process, across `worker_threads`: one `BroadcastChannel` per subject
 * (node:worker_threads), so every thread that opens an in-process transport with the same
 * `namespace` sees the same subjects, with no server. Payloads are copied (structured clone).
 * `maxPayload` is configurable so the same chunking paths run as over NATS.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { CollectiveClosedError, CollectiveConfigError, CollectiveTimeoutError } from './errors.js';
import { uniqueId, type Transport, type TransportEvent, type TransportMessage, type TransportSubscription } from './transport.js';

export interface InProcessTransportOptions {
  /** Transports with the same namespace (in any thread of the process) reach each other. */
  namespace?: string;
  /** Largest payload in bytes; 1 MiB by default, NATS's default `max_payload`. */
  maxPayload?: number;
}

/** The shape posted on a channel (structured-cloned between threads). */
interface Envelope {
  data: Uint8Array;
  headers: Record<string, string>;
  reply?: string;
}

export class InProcessTransport implements Transport {
  readonly maxPayload: number;
  private readonly namespace: string;
  private readonly senders = new Map<string, BroadcastChannel>();
  private readonly receivers = new Set<BroadcastChannel>();
  private readonly listeners = new Set<(e: TransportEvent) => void>();
  private closed = false;

  constructor(opts: InProcessTransportOptions = {}) {
    this.namespace = opts.namespace ?? 'default';
    this.maxPayload = opts.maxPayload ?? 1024 * 1024;
    if (!Number.isInteger(this.maxPayload) || this.maxPayload < 1024) {
      throw new CollectiveConfigError(`maxPayload: must be an integer of at least 1024, got ${opts.maxPayload}`);
    }
  }

  get connected(): boolean {
    return !this.closed;
  }

  publish(subject: string, data: Uint8Array, headers: Record<string, string> = {}, reply?: string): void {
    if (this.closed) throw new CollectiveClosedError('the in-process transport is closed');
    let ch = this.senders.get(subject);
    if (!ch) {
      ch = new BroadcastChannel(this.channelName(subject));
      this.senders.set(subject, ch);
    }
    const env: Envelope = { data, headers, reply };
    ch.postMessage(env);
  }

  subscribe(subject: string, handler: (msg: TransportMessage) => void): TransportSubscription {
    if (this.closed) throw new CollectiveClosedError('the in-process transport is closed');
    if (/[*>]/.test(subject)) throw new CollectiveConfigError(`subject: wildcards are not supported in-process (${subject})`);
    const ch = new BroadcastChannel(this.channelName(subject));
    this.receivers.add(ch);
    ch.onmessage = (ev: unknown) => {
      const env = (ev as { data: Envelope }).data;
      // Anything that is not an envelope of bytes is dropped here, as NATS would never deliver it.
      if (!env || !(env.data instanceof Uint8Array)) return;
      handler({ subject, data: env.data, headers: env.headers ?? {}, reply: env.reply });
    };
    return {
      unsubscribe: () => {
        ch.close();
        this.receivers.delete(ch);
      },
    };
  }

  request(subject: string, data: Uint8Array, opts: { timeoutMs: number; headers?: Record<string, string> }): Promise<TransportMessage> {
    const inbox = `_INBOX.${uniqueId()}`;
    return new Promise((resolve, reject) => {
      const sub = this.subscribe(inbox, (msg) => {
        clearTimeout(timer);
        sub.unsubscribe();
        resolve(msg);
      });
      const timer = setTimeout(() => {
        sub.unsubscribe();
        reject(new CollectiveTimeoutError(`request on ${subject}`, opts.timeoutMs));
      }, opts.timeoutMs);
      this.publish(subject, data, opts.headers, inbox);
    });
  }

  async flush(): Promise<void> {
    // postMessage has already handed the message over; a macrotask lets it be delivered.
    await new Promise((r) => setImmediate(r));
  }

  onEvent(listener: (event: TransportEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ch of this.senders.values()) ch.close();
    for (const ch of this.receivers) ch.close();
    this.senders.clear();
    this.receivers.clear();
    for (const l of [...this.listeners]) l('closed');
    this.listeners.clear();
  }

  private channelName(subject: string): string {
    return `grugan-collective:${this.namespace}:${subject}`;
  }
}
