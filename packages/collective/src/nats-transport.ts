/**
 * `Transport` over a NATS connection (`@nats-io/transport-node` v3). Connection options (URL,
 * token, user/password, credentials authenticator, TLS) pass through unchanged; `maxPayload`
 * is the server's `max_payload` from the connection's INFO, never assumed.
 */
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { CollectiveClosedError, CollectiveConfigError } from './errors.js';
import type { Transport, TransportEvent, TransportMessage, TransportSubscription } from './transport.js';

/** NATS connection options, as `connect` takes them (servers, token, user, pass, tls, ...). */
export type NatsTransportOptions = NodeConnectionOptions;

/**
 * Connects to NATS and wraps the connection; `close()` drains and closes it. Defaults: retry
 * reconnecting forever, and `noEcho` so the server does not send a rank's all-gather back to it.
 */
export async function connectNatsTransport(opts: NatsTransportOptions): Promise<NatsTransport> {
  const nc = await connect({ maxReconnectAttempts: -1, reconnectTimeWait: 250, noEcho: true, ...opts });
  return new NatsTransport(nc, { ownsConnection: true });
}

export class NatsTransport implements Transport {
  private readonly listeners = new Set<(e: TransportEvent) => void>();
  private readonly ownsConnection: boolean;
  private isConnected = true;

  /**
   * Wraps an open connection. With `ownsConnection: false` (the default), `close()` leaves the
   * connection open for its owner (e.g. a worker that also reports over it).
   */
  constructor(
    readonly nc: NatsConnection,
    opts: { ownsConnection?: boolean } = {},
  ) {
    this.ownsConnection = opts.ownsConnection ?? false;
    void this.watchStatus();
  }

  get maxPayload(): number {
    const max = this.nc.info?.max_payload;
    if (!max || max <= 0) throw new CollectiveConfigError('the NATS server did not report max_payload');
    return max;
  }

  get connected(): boolean {
    return this.isConnected && !this.nc.isClosed();
  }

  publish(subject: string, data: Uint8Array, headers?: Record<string, string>): void {
    this.nc.publish(subject, data, headers ? { headers: toNatsHeaders(headers) } : undefined);
  }

  subscribe(subject: string, handler: (msg: TransportMessage) => void): TransportSubscription {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        handler({ subject: msg.subject, data: msg.data, headers: fromNatsHeaders(msg.headers), reply: msg.reply });
      },
    });
    return { unsubscribe: () => sub.unsubscribe() };
  }

  async request(subject: string, data: Uint8Array, opts: { timeoutMs: number; headers?: Record<string, string> }): Promise<TransportMessage> {
    const msg = await this.nc.request(subject, data, {
      timeout: opts.timeoutMs,
      headers: opts.headers ? toNatsHeaders(opts.headers) : undefined,
    });
    return { subject: msg.subject, data: msg.data, headers: fromNatsHeaders(msg.headers) };
  }

  async flush(): Promise<void> {
    if (this.nc.isClosed()) throw new CollectiveClosedError('the NATS connection is closed');
    await this.nc.flush();
  }

  onEvent(listener: (event: TransportEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.ownsConnection && !this.nc.isClosed()) {
      await this.nc.drain().catch(() => this.nc.close());
    }
    this.emit('closed');
    this.listeners.clear();
  }

  private async watchStatus(): Promise<void> {
    const closed = this.nc.closed().then(() => {
      this.isConnected = false;
      this.emit('closed');
    });
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.isConnected = false;
        this.emit('disconnected');
      } else if (s.type === 'reconnect') {
        this.isConnected = true;
        this.emit('reconnected');
      }
    }
    await closed;
  }

  private emit(e: TransportEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
}

function toNatsHeaders(h: Record<string, string>): MsgHdrs {
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, v] of h) if (v.length > 0) out[k.toLowerCase()] = v[0];
  return out;
}
