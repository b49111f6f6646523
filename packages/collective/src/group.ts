/**
 * Group membership for one trial's ranks: rendezvous by group id, ranks (given by the launcher
 * or assigned first-come), a generation number agreed at every (re)join, heartbeats, and loss
 * detection. Follows the rendezvous of torch.distributed.elastic (a round closes when every
 * member has seen the same complete membership; a new round means a new generation), over
 * plain pub/sub on `grugan.coll.<group>.ctl` instead of a key-value store.
 */
import { CollectiveControl, CollectiveGroupId, collectiveSubjects, formatZodError } from '@grugan/protocol';
import {
  CollectiveClosedError,
  CollectiveConfigError,
  CollectiveMismatchError,
  CollectiveTimeoutError,
  PeerLostError,
  TransportDisconnectedError,
  type CollectiveError,
} from './errors.js';
import { uniqueId, type Transport, type TransportMessage, type TransportSubscription } from './transport.js';

export interface GroupOptions {
  /** Transport shared by every member. */
  transport: Transport;
  /** Group id, one subject token; usually `<trialId>-<attempt>`. */
  group: string;
  /** Number of ranks. */
  worldSize: number;
  /** Rank given by the launcher; omit on every member to assign ranks first-come. */
  rank?: number;
  /** Lowest generation to propose; the agreed one is the highest any member proposes. */
  generation?: number;
  /** Interval between heartbeats (and rendezvous announcements), ms. Default 250. */
  heartbeatMs?: number;
  /** A peer silent this long is lost, ms. Default 10 000. */
  peerTimeoutMs?: number;
  /** Rendezvous gives up after this long, ms. Default 120 000. */
  joinTimeoutMs?: number;
  /**
   * Called synchronously as soon as this member's rank is known, before it tells the others it
   * is ready, so that data subscriptions exist before any peer can send to them.
   */
  onRank?: (rank: number) => void;
}

/** Counts of control messages dropped, by reason. */
export interface GroupCounters {
  /** Not JSON or not a `CollectiveControl`. */
  malformed: number;
  /** For another group, or with another world size. */
  foreign: number;
  /** From a generation older than this member's. */
  stale: number;
}

interface Announcement {
  msg: CollectiveControl;
  at: number;
}

/** Why a joined group stopped being usable (delivered to `onFailure` listeners). */
export type GroupFailure = CollectiveError;

export class Group {
  readonly groupId: string;
  readonly worldSize: number;
  readonly memberId = uniqueId();
  readonly counters: GroupCounters = { malformed: 0, foreign: 0, stale: 0 };
  private readonly transport: Transport;
  private readonly heartbeatMs: number;
  private readonly peerTimeoutMs: number;
  private readonly joinTimeoutMs: number;
  private readonly givenRank?: number;
  private readonly onRank?: (rank: number) => void;
  private readonly announcements = new Map<string, Announcement>();
  private readonly failureListeners = new Set<(err: GroupFailure) => void>();
  private sub?: TransportSubscription;
  private offEvents?: () => void;
  private timer?: NodeJS.Timeout;
  private lastTick = Date.now();
  private proposal: number;
  private assignedRank = -1;
  private members: string[] = [];
  private joined = false;
  private failure?: GroupFailure;
  private closed = false;
  private paused = false;
  private settleJoin?: (err?: Error) => void;
  private readonly byeTimers = new Map<string, NodeJS.Timeout>();
  private readonly byeGraceMs: number;

  private constructor(opts: GroupOptions) {
    const id = CollectiveGroupId.safeParse(opts.group);
    if (!id.success) throw new CollectiveConfigError(formatZodError(id.error, 'group'));
    if (!Number.isInteger(opts.worldSize) || opts.worldSize < 1) {
      throw new CollectiveConfigError(`worldSize: must be a positive integer, got ${opts.worldSize}`);
    }
    if (opts.rank !== undefined && (!Number.isInteger(opts.rank) || opts.rank < 0 || opts.rank >= opts.worldSize)) {
      throw new CollectiveConfigError(`rank: must be an integer in [0, ${opts.worldSize}), got ${opts.rank}`);
    }
    this.transport = opts.transport;
    this.groupId = opts.group;
    this.worldSize = opts.worldSize;
    this.givenRank = opts.rank;
    this.proposal = opts.generation ?? 1;
    this.heartbeatMs = opts.heartbeatMs ?? 250;
    this.peerTimeoutMs = opts.peerTimeoutMs ?? 10_000;
    this.joinTimeoutMs = opts.joinTimeoutMs ?? 120_000;
    this.onRank = opts.onRank;
    this.byeGraceMs = Math.min(this.peerTimeoutMs, 2 * this.heartbeatMs + 250);
  }

  /** Joins the group: resolves once every rank is present and all agree on the generation. */
  static async join(opts: GroupOptions): Promise<Group> {
    const g = new Group(opts);
    g.sub = g.transport.subscribe(collectiveSubjects.control(g.groupId), (m) => g.onControl(m));
    g.offEvents = g.transport.onEvent((e) => g.onTransportEvent(e));
    try {
      await g.rendezvous();
    } catch (err) {
      await g.close();
      throw err;
    }
    return g;
  }

  /** This member's rank. */
  get rank(): number {
    return this.assignedRank;
  }

  /** The agreed generation; it changes whenever membership changes (a rejoin). */
  get generation(): number {
    return this.proposal;
  }

  /** Why the group is unusable, if it is (a lost peer); cleared by `rejoin`. */
  get failed(): GroupFailure | undefined {
    return this.failure;
  }

  /** Calls `listener` when a peer is lost or the group closes; returns a remover. */
  onFailure(listener: (err: GroupFailure) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** After a loss: rendezvous again under a higher generation (the survivors plus replacements). */
  async rejoin(): Promise<void> {
    if (this.closed) throw new CollectiveClosedError();
    this.proposal += 1;
    this.failure = undefined;
    for (const t of this.byeTimers.values()) clearTimeout(t);
    this.byeTimers.clear();
    this.joined = false;
    await this.rendezvous();
  }

  /** Leaves the group, telling the others (they see `PeerLostError` at once, not after a timeout). */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.joined && this.transport.connected) {
      try {
        this.announce('bye');
        await this.transport.flush();
      } catch {
        // Leaving anyway: peers will time out instead.
      }
    }
    this.closed = true;
    clearInterval(this.timer);
    for (const t of this.byeTimers.values()) clearTimeout(t);
    this.sub?.unsubscribe();
    this.offEvents?.();
    this.settleJoin?.(new CollectiveClosedError('the group was closed while joining'));
    this.fail(new CollectiveClosedError('the group was closed'));
  }

  private rendezvous(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => {
        this.settleJoin?.(new CollectiveTimeoutError(`joining group ${this.groupId} (${this.presentCount()}/${this.worldSize} present)`, this.joinTimeoutMs));
      }, this.joinTimeoutMs);
      this.settleJoin = (err) => {
        clearTimeout(deadline);
        this.settleJoin = undefined;
        if (err) reject(err);
        else resolve();
      };
      clearInterval(this.timer);
      this.timer = setInterval(() => this.tick(), this.heartbeatMs);
      this.lastTick = Date.now();
      this.tick();
    });
  }

  /** One period: while joining, re-evaluate and announce; once joined, heartbeat and check peers. */
  private tick(): void {
    const now = Date.now();
    const lagged = now - this.lastTick > 2 * this.heartbeatMs + 100;
    this.lastTick = now;
    if (this.closed || this.paused) return;
    if (!this.joined) {
      this.evaluateRendezvous();
      return;
    }
    this.announce('heartbeat');
    if (lagged) {
      // This thread was busy (a long synchronous compute): peers' heartbeats may sit unread in
      // the socket, so give everyone a fresh grace period rather than judge on stale data.
      this.touchPeers(now);
      return;
    }
    // Judge after the poll phase has read whatever arrived meanwhile.
    setImmediate(() => this.checkPeers());
  }

  private evaluateRendezvous(): void {
    const now = Date.now();
    for (const [id, a] of this.announcements) {
      if (now - a.at > this.peerTimeoutMs) this.announcements.delete(id);
      else if (a.msg.generation > this.proposal) this.proposal = a.msg.generation;
    }
    const current = [...this.announcements.values()].filter((a) => a.msg.generation === this.proposal && a.msg.memberId !== this.memberId);
    let members: string[] | undefined;
    if (this.givenRank !== undefined) {
      const byRank: (string | undefined)[] = new Array(this.worldSize).fill(undefined);
      byRank[this.givenRank] = this.memberId;
      // The latest announcement wins a rank (a replaced member's old hellos age out).
      for (const a of current.sort((x, y) => x.at - y.at)) {
        if (a.msg.rank >= 0 && a.msg.rank < this.worldSize && a.msg.rank !== this.givenRank) byRank[a.msg.rank] = a.msg.memberId;
      }
      if (byRank.every((m) => m !== undefined)) members = byRank as string[];
      this.setRank(this.givenRank);
    } else {
      // First-come: member ids start with their join time, so sorted order is arrival order.
      const ids = [this.memberId, ...current.map((a) => a.msg.memberId)].sort();
      if (ids.length >= this.worldSize) {
        members = ids.slice(0, this.worldSize);
        const mine = members.indexOf(this.memberId);
        if (mine < 0) {
          this.settleJoin?.(new CollectiveMismatchError(`group ${this.groupId} already has ${this.worldSize} members`));
          return;
        }
        this.setRank(mine);
      }
    }
    const seen = members ? this.worldSize : 1 + current.length;
    this.announce('hello', Math.min(seen, this.worldSize));
    if (!members) return;
    const ready = members.every((id) => {
      if (id === this.memberId) return true;
      const a = this.announcements.get(id);
      return a !== undefined && a.msg.generation === this.proposal && a.msg.seen >= this.worldSize;
    });
    if (ready) {
      this.members = members;
      this.joined = true;
      this.touchPeers(now);
      this.announce('heartbeat');
      this.settleJoin?.();
    }
  }

  /**
   * Any valid message from a peer proves it alive: bulk gradient traffic on the same connection
   * can delay its heartbeats past the timeout, so data counts as a heartbeat too.
   */
  notePeerAlive(rank: number): void {
    const id = this.members[rank];
    if (id !== undefined && this.joined) this.lastSeen.set(id, Date.now());
  }

  private setRank(rank: number): void {
    if (rank === this.assignedRank) return;
    this.assignedRank = rank;
    this.onRank?.(rank);
  }

  private readonly lastSeen = new Map<string, number>();

  private touchPeers(now: number): void {
    for (const id of this.members) this.lastSeen.set(id, now);
  }

  private checkPeers(): void {
    if (!this.joined || this.failure || this.paused || this.closed) return;
    const now = Date.now();
    this.members.forEach((id, rank) => {
      if (id === this.memberId) return;
      const silent = now - (this.lastSeen.get(id) ?? 0);
      if (silent > this.peerTimeoutMs) this.lose(rank, `no heartbeat for ${silent} ms`);
    });
  }

  private onControl(m: TransportMessage): void {
    let parsed: CollectiveControl;
    try {
      const r = CollectiveControl.safeParse(JSON.parse(new TextDecoder().decode(m.data)));
      if (!r.success) {
        this.counters.malformed++;
        return;
      }
      parsed = r.data;
    } catch {
      this.counters.malformed++;
      return;
    }
    if (parsed.group !== this.groupId || parsed.worldSize !== this.worldSize) {
      this.counters.foreign++;
      return;
    }
    if (parsed.memberId === this.memberId) return;
    const now = Date.now();
    if (!this.joined) {
      if (parsed.type === 'bye') this.announcements.delete(parsed.memberId);
      else this.announcements.set(parsed.memberId, { msg: parsed, at: now });
      if (parsed.seen >= this.worldSize) this.evaluateRendezvous();
      return;
    }
    const rank = this.members.indexOf(parsed.memberId);
    if (rank >= 0) {
      if (parsed.type === 'bye') {
        // Its last chunks may still be in flight on other subjects (no ordering across them
        // in-process), so the loss takes effect after a short grace, not on receipt.
        if (!this.byeTimers.has(parsed.memberId)) {
          this.byeTimers.set(parsed.memberId, setTimeout(() => this.lose(rank, 'it left the group'), this.byeGraceMs));
        }
      }
      else if (parsed.generation > this.proposal) this.lose(rank, `it moved on to generation ${parsed.generation}`);
      else this.lastSeen.set(parsed.memberId, now);
      return;
    }
    if (parsed.generation < this.proposal) {
      this.counters.stale++;
      return;
    }
    // A stranger claiming one of our ranks at our generation or later: membership changed.
    this.announcements.set(parsed.memberId, { msg: parsed, at: now });
    if (parsed.type === 'hello' && parsed.rank >= 0 && parsed.rank < this.worldSize && parsed.rank !== this.rank) {
      this.lose(parsed.rank, `a new member ${parsed.memberId} took its place`);
    }
  }

  private onTransportEvent(e: 'disconnected' | 'reconnected' | 'closed'): void {
    if (e === 'disconnected') {
      // Nobody can be heard while we are cut off; judging peers resumes after reconnecting.
      this.paused = true;
      this.emit(new TransportDisconnectedError());
    } else if (e === 'reconnected') {
      this.paused = false;
      this.touchPeers(Date.now());
    } else if (!this.closed) {
      this.settleJoin?.(new CollectiveClosedError('the transport closed while joining'));
      this.fail(new CollectiveClosedError('the transport closed'));
    }
  }

  private lose(rank: number, reason: string): void {
    this.fail(new PeerLostError(rank, reason));
  }

  private fail(err: GroupFailure): void {
    if (this.failure) return;
    this.failure = err;
    this.emit(err);
  }

  private emit(err: GroupFailure): void {
    for (const l of [...this.failureListeners]) l(err);
  }

  private presentCount(): number {
    return 1 + [...this.announcements.values()].filter((a) => a.msg.generation === this.proposal).length;
  }

  private announce(type: CollectiveControl['type'], seen = this.worldSize): void {
    if (!this.transport.connected) return;
    const msg: CollectiveControl = {
      type,
      group: this.groupId,
      memberId: this.memberId,
      rank: this.givenRank ?? -1,
      worldSize: this.worldSize,
      generation: this.proposal,
      seen,
    };
    try {
      this.transport.publish(collectiveSubjects.control(this.groupId), new TextEncoder().encode(JSON.stringify(msg)));
    } catch {
      // A closed transport surfaces through its 'closed' event.
    }
  }
}
