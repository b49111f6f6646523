/**
 * Listens for the coordinator's `TrialControl` orders on the trial's control subject and keeps
 * the newest pending one. Orders are only *noted* here: ranks act on them together, at a step
 * they agree on through the gradient all-reduce (see `consensus.ts`), because a rank that
 * stopped or swapped weights on its own would leave the others blocked in the collective.
 * Messages that do not parse, or name another trial, are counted and logged, never thrown.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { TrialControl, formatZodError, type StateNames } from '@grugan/protocol';
import type { Logger } from './logger.js';

type ExploitOrder = Extract<TrialControl, { action: 'exploit' }>;

/** What the ranks must do at the next agreed step. */
export type PendingOrder =
  | { action: 'stop'; reason?: string }
  | { action: 'pause' }
  | ExploitOrder;

export class ControlListener {
  private sub?: Subscription;
  private order?: PendingOrder;
  private exploitWaiters: Array<(o: ExploitOrder) => void> = [];
  /** Control messages rejected so far. */
  rejected = 0;

  constructor(
    private readonly trialId: string,
    private readonly log: Logger,
    private readonly onRejected: () => void = () => {},
  ) {}

  /** Subscribes; call `flush()` on the connection afterwards to be sure the server knows. */
  start(nc: NatsConnection, names: StateNames): void {
    this.sub = nc.subscribe(names.controlSubject(this.trialId), {
      callback: (err, msg) => {
        if (err) {
          this.log.warn({ err }, 'control subscription error');
          return;
        }
        this.accept(msg.data);
      },
    });
  }

  /** Parses one raw control message and records it; returns whether it was accepted. */
  accept(raw: Uint8Array): boolean {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      return this.reject('control message is not JSON');
    }
    const parsed = TrialControl.safeParse(json);
    if (!parsed.success) return this.reject(`bad control message: ${formatZodError(parsed.error)}`);
    const order = parsed.data;
    if (order.trialId !== this.trialId) return this.reject(`control message for trial ${order.trialId}`);
    this.log.info({ order }, 'control order received');
    // Stop outranks everything; otherwise the newest order wins.
    if (this.order?.action !== 'stop') {
      this.order = order.action === 'stop' ? { action: 'stop', reason: order.reason } : order;
    }
    if (order.action === 'exploit') {
      for (const w of this.exploitWaiters.splice(0)) w(order);
    }
    return true;
  }

  private reject(message: string): boolean {
    this.rejected++;
    this.onRejected();
    this.log.warn(message);
    return false;
  }

  /** Requests a stop from inside the process (SIGTERM). */
  requestStop(reason: string): void {
    this.order = { action: 'stop', reason };
  }

  /** The order waiting to be acted on, if any. */
  pending(): PendingOrder | undefined {
    return this.order;
  }

  /** Forgets the pending order once the ranks have acted on it. */
  clear(): void {
    this.order = undefined;
  }

  /**
   * The exploit order this rank has (or will shortly have) received: another rank may have
   * seen the message a moment earlier and proposed it in the all-reduce.
   */
  waitForExploit(timeoutMs: number): Promise<ExploitOrder | undefined> {
    if (this.order?.action === 'exploit') return Promise.resolve(this.order);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.exploitWaiters.push((o) => {
        clearTimeout(timer);
        resolve(o);
      });
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}
