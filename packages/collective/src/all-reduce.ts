/**
 * `GradientExchange`: the element-wise mean of one Float32Array over every rank of a group.
 *
 * Bandwidth-optimal two-phase all-reduce (Patarasuk & Yuan 2009; the reduce-scatter +
 * all-gather split of Horovod/NCCL), mapped onto pub/sub: rank r owns segment r (1/W of the
 * vector). Reduce-scatter: every rank publishes its slice of segment o to `rs.<o>`. The owner
 * sums the W slices in RANK order (never arrival order, so results are bit-identical run to
 * run), divides by W, and publishes the mean once to `ag`, which the server fans out. Each
 * rank thus sends 2·(W−1)/W of the vector's bytes in all. Messages are chunked under the
 * transport's `maxPayload`; buffers are kept and reused across calls.
 *
 * The two phases overlap chunk by chunk: as soon as every rank's slice of one chunk of my
 * segment is in, that chunk is reduced and its mean published, while the rest of the
 * reduce-scatter is still on the wire (the sum per element is the same rank-order sum, so
 * results stay bit-identical). A chunk that does not fall on this rank's chunk grid (a peer with
 * another chunk size) turns this off for the operation: the segment is then reduced whole.
 */
import { CollectiveChunkHeaders, collectiveSubjects, type WireFormat } from '@grugan/protocol';
import {
  CollectiveClosedError,
  CollectiveConfigError,
  CollectiveMismatchError,
  CollectiveTimeoutError,
  TransportDisconnectedError,
  type CollectiveError,
} from './errors.js';
import { Group, type GroupOptions } from './group.js';
import { decode16, encode16 } from './half-precision.js';
import { flattenInto, flatLength, unflattenViews, type NamedArrays } from './named-arrays.js';
import type { Transport, TransportMessage, TransportSubscription } from './transport.js';

/** Room kept for headers inside `maxPayload` (ours take about 200 bytes). */
const HEADER_RESERVE = 1024;
/** Early messages (for the next operation) kept at most, in bytes, before dropping. */
const MAX_PENDING_BYTES = 512 * 1024 * 1024;

export interface ExchangeOptions extends GroupOptions {
  /** Wire format of gradient values; 16-bit formats halve the bytes. Default `f32`. */
  wireFormat?: WireFormat;
  /** One all-reduce fails with `CollectiveTimeoutError` after this long, ms. Default 300 000. */
  opTimeoutMs?: number;
  /** Cap on chunk payload bytes below `maxPayload` (tests, tuning). */
  maxChunkBytes?: number;
}

/** Counters of one member's traffic; drops are by reason. */
export interface ExchangeStats {
  /** All-reduces completed. */
  ops: number;
  /** Data chunks sent and their payload bytes. */
  chunksSent: number;
  bytesSent: number;
  /** Data chunks accepted and their payload bytes. */
  chunksReceived: number;
  bytesReceived: number;
  /** Dropped: headers or payload not a valid chunk (data and control subjects). */
  malformed: number;
  /** Dropped: addressed to another group or world size. */
  foreign: number;
  /** Dropped: from an older generation or an already finished operation. */
  stale: number;
  /** Dropped: same chunk received twice (e.g. a retried step). */
  duplicate: number;
}

interface Chunk {
  h: CollectiveChunkHeaders;
  data: Uint8Array;
}

/** State of the all-reduce in flight. */
interface Op {
  gen: number;
  seq: number;
  n: number;
  input: Float32Array;
  out: Float32Array;
  segStart: number;
  segLen: number;
  /** Per source rank, elements of my segment received. */
  rsCount: Int32Array;
  /** Elements of other owners' segments received. */
  agCount: number;
  agNeeded: number;
  seen: Set<string>;
  /** Elements per chunk (the same on every rank for the same server and wire format). */
  chunkElems: number;
  /** Per chunk of my segment: ranks whose slice of it is in (my own from the start). */
  chunkRanks: Int32Array;
  /** Per chunk of my segment: 1 once reduced and its mean published. */
  chunkReduced: Uint8Array;
  /** Chunks are reduced as they complete (see the file comment). */
  pipelined: boolean;
  reduced: boolean;
  resolve: (out: Float32Array) => void;
  reject: (err: Error) => void;
}

export class GradientExchange {
  readonly group: Group;
  readonly wireFormat: WireFormat;
  private readonly transport: Transport;
  private readonly opTimeoutMs: number;
  private readonly maxChunkBytes?: number;
  private readonly counts: ExchangeStats = {
    ops: 0, chunksSent: 0, bytesSent: 0, chunksReceived: 0, bytesReceived: 0, malformed: 0, foreign: 0, stale: 0, duplicate: 0,
  };
  private rsSub?: TransportSubscription;
  private agSub?: TransportSubscription;
  private offFailure?: () => void;
  private seq = 0;
  private seqGen = -1;
  private op?: Op;
  private pending: Chunk[] = [];
  private pendingBytes = 0;
  // Reused buffers: W rows of my segment, 16-bit send/receive scratch, the all-gather copy.
  private rsRows = new Float32Array(0);
  private wire16 = new Uint16Array(0);
  private agSend = new Float32Array(0);
  private agSend16 = new Uint16Array(0);
  private scratch16 = new Uint16Array(0);
  private readonly flatByKeys = new Map<string, Float32Array>();
  private readonly barrierBuf = new Float32Array(1);
  private closed = false;

  private constructor(group: Group, transport: Transport, opts: ExchangeOptions) {
    this.group = group;
    this.transport = transport;
    this.wireFormat = opts.wireFormat ?? 'f32';
    this.opTimeoutMs = opts.opTimeoutMs ?? 300_000;
    this.maxChunkBytes = opts.maxChunkBytes;
  }

  /** Joins the group and subscribes to its data subjects. */
  static async open(opts: ExchangeOptions): Promise<GradientExchange> {
    let ex: GradientExchange | undefined;
    let pre: { rank: number; subs: TransportSubscription[] } | undefined;
    const early: TransportMessage[] = [];
    // Subscribe as soon as the rank is known, before the group says it is ready: no peer can
    // send to `rs.<rank>` before then. Messages arriving before the exchange exists are queued.
    const onRank = (rank: number) => {
      pre?.subs.forEach((s) => s.unsubscribe());
      const handler = (m: TransportMessage) => (ex ? ex.onData(m) : early.push(m));
      pre = {
        rank,
        subs: [
          opts.transport.subscribe(collectiveSubjects.reduceScatter(opts.group, rank), handler),
          opts.transport.subscribe(collectiveSubjects.allGather(opts.group), handler),
        ],
      };
      opts.onRank?.(rank);
    };
    let group: Group;
    try {
      group = await Group.join({ ...opts, onRank });
    } catch (err) {
      pre?.subs.forEach((s) => s.unsubscribe());
      throw err;
    }
    ex = new GradientExchange(group, opts.transport, opts);
    [ex.rsSub, ex.agSub] = pre!.subs;
    ex.offFailure = group.onFailure((err) => ex!.failOp(err));
    for (const m of early) ex.onData(m);
    return ex;
  }

  /** This member's rank. */
  get rank(): number {
    return this.group.rank;
  }

  /** Number of ranks. */
  get worldSize(): number {
    return this.group.worldSize;
  }

  /** Traffic and drop counters (data and control messages together). */
  stats(): ExchangeStats {
    const g = this.group.counters;
    return { ...this.counts, malformed: this.counts.malformed + g.malformed, foreign: this.counts.foreign + g.foreign, stale: this.counts.stale + g.stale };
  }

  /**
   * Element-wise mean of `data` over all ranks, written to `out` (default: `data`, in place).
   * Every rank must call it with the same length, in the same order. Rejects with
   * `PeerLostError`, `TransportDisconnectedError` or `CollectiveTimeoutError`; after a
   * disconnect the same call can be retried once reconnected (it keeps its sequence number).
   */
  allReduce(data: Float32Array, out: Float32Array = data): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new CollectiveClosedError());
    if (this.op) return Promise.reject(new CollectiveConfigError('allReduce: another all-reduce is still in flight'));
    if (out.length !== data.length) return Promise.reject(new CollectiveConfigError(`out: length ${out.length} differs from data length ${data.length}`));
    const failure = this.group.failed;
    if (failure) return Promise.reject(failure);
    if (!this.transport.connected) return Promise.reject(new TransportDisconnectedError());
    const W = this.worldSize;
    const gen = this.group.generation;
    if (gen !== this.seqGen) {
      this.seqGen = gen;
      this.seq = 0;
    }
    const n = data.length;
    const [segStart, segLen] = segment(n, W, this.rank);
    const chunkElems = this.chunkElems();
    const chunks = Math.ceil(segLen / chunkElems);
    return new Promise<Float32Array>((resolve, reject) => {
      const timer = setTimeout(() => this.failOp(new CollectiveTimeoutError(`allReduce #${this.seq} of ${n} values`, this.opTimeoutMs)), this.opTimeoutMs);
      const op: Op = {
        gen, seq: this.seq, n, input: data, out, segStart, segLen,
        rsCount: new Int32Array(W), agCount: 0, agNeeded: n - segLen, seen: new Set(),
        chunkElems, chunkRanks: new Int32Array(chunks).fill(1), chunkReduced: new Uint8Array(chunks), pipelined: true, reduced: false,
        resolve: (r) => {
          clearTimeout(timer);
          this.op = undefined;
          this.seq++;
          this.counts.ops++;
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          this.op = undefined;
          reject(e);
        },
      };
      this.op = op;
      if (this.rsRows.length < W * segLen) this.rsRows = new Float32Array(W * segLen);
      try {
        this.sendReduceScatter(op);
        // Chunks that came early (peers already on this operation) are applied now.
        const early = this.pending;
        this.pending = [];
        this.pendingBytes = 0;
        for (const c of early) this.accept(c);
        this.maybeReduce(op);
      } catch (err) {
        op.reject(err as Error);
      }
    });
  }

  /**
   * All-reduces a set of named arrays as ONE vector, flattened in sorted-key order. Returns
   * views into a buffer kept per key set: valid until the next call with the same keys.
   */
  async allReduceNamed(arrays: NamedArrays): Promise<NamedArrays> {
    const keys = Object.keys(arrays).sort();
    const signature = keys.map((k) => `${k}:${arrays[k].data.length}`).join('|');
    let flat = this.flatByKeys.get(signature);
    if (!flat) {
      flat = new Float32Array(flatLength(arrays, keys));
      this.flatByKeys.set(signature, flat);
    }
    flattenInto(arrays, keys, flat);
    await this.allReduce(flat);
    return unflattenViews(arrays, keys, flat);
  }

  /** Resolves once every rank has reached it (a one-value all-reduce). */
  async barrier(): Promise<void> {
    this.barrierBuf[0] = 0;
    await this.allReduce(this.barrierBuf);
  }

  /** Leaves the group; an operation in flight rejects with `CollectiveClosedError`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failOp(new CollectiveClosedError('the exchange was closed'));
    this.offFailure?.();
    this.rsSub?.unsubscribe();
    this.agSub?.unsubscribe();
    await this.group.close();
  }

  private chunkElems(): number {
    const bytes = Math.min(this.transport.maxPayload - HEADER_RESERVE, this.maxChunkBytes ?? Infinity);
    const elems = Math.floor(bytes / (this.wireFormat === 'f32' ? 4 : 2));
    if (elems < 1) throw new CollectiveConfigError(`maxPayload ${this.transport.maxPayload} leaves no room for data`);
    return elems;
  }

  private headers(op: Op, phase: 'rs' | 'ag', off: number): Record<string, string> {
    return {
      'grugan-group': this.group.groupId,
      'grugan-gen': String(op.gen),
      'grugan-rank': String(this.rank),
      'grugan-seq': String(op.seq),
      'grugan-phase': phase,
      'grugan-len': String(op.n),
      'grugan-off': String(off),
      'grugan-enc': this.wireFormat,
    };
  }

  /** Publishes `values[start, start+len)` (global offsets) in chunks to `subject`. */
  private sendRange(op: Op, phase: 'rs' | 'ag', subject: string, source: Float32Array | Uint16Array, start: number, len: number, sourceBase: number): void {
    const step = this.chunkElems();
    const bytesPer = source.BYTES_PER_ELEMENT;
    for (let off = start; off < start + len; off += step) {
      const count = Math.min(step, start + len - off);
      const bytes = new Uint8Array(source.buffer, source.byteOffset + (off - sourceBase) * bytesPer, count * bytesPer);
      this.transport.publish(subject, bytes, this.headers(op, phase, off));
      this.counts.chunksSent++;
      this.counts.bytesSent += bytes.byteLength;
    }
  }

  private sendReduceScatter(op: Op): void {
    const W = this.worldSize;
    const rank = this.rank;
    let source: Float32Array | Uint16Array = op.input;
    if (this.wireFormat !== 'f32') {
      if (this.wire16.length < op.n) this.wire16 = new Uint16Array(op.n);
      encode16(this.wireFormat, op.input, this.wire16.subarray(0, op.n));
      source = this.wire16;
      // My own slice goes through the same rounding, as if sent to myself.
      decode16(this.wireFormat, this.wire16.subarray(op.segStart, op.segStart + op.segLen), this.rsRows.subarray(rank * op.segLen, (rank + 1) * op.segLen));
    } else {
      this.rsRows.set(op.input.subarray(op.segStart, op.segStart + op.segLen), rank * op.segLen);
    }
    op.rsCount[rank] = op.segLen;
    // Start with the next rank's segment so that owners are not all hit at once.
    for (let k = 1; k < W; k++) {
      const owner = (rank + k) % W;
      const [start, len] = segment(op.n, W, owner);
      this.sendRange(op, 'rs', collectiveSubjects.reduceScatter(this.group.groupId, owner), source, start, len, 0);
    }
  }

  /** Counts a reduce-scatter chunk towards its chunk of my segment; reduces the chunk once complete. */
  private noteChunk(op: Op, off: number, count: number): void {
    if (!op.pipelined) return;
    const rel = off - op.segStart;
    const i = rel / op.chunkElems;
    if (!Number.isInteger(i) || count !== Math.min(op.chunkElems, op.segLen - rel)) {
      op.pipelined = false;
      return;
    }
    if (++op.chunkRanks[i] === this.worldSize) this.reduceChunk(op, i);
  }

  /** When all slices of my segment are in: reduce what is left of it, then finish if all came back. */
  private maybeReduce(op: Op): void {
    if (op.reduced || this.op !== op) return;
    for (let r = 0; r < this.worldSize; r++) if (op.rsCount[r] < op.segLen) return;
    op.reduced = true;
    for (let i = 0; i < op.chunkReduced.length; i++) if (!op.chunkReduced[i]) this.reduceChunk(op, i);
    this.maybeFinish(op);
  }

  /** Chunk i of my segment: sum the W slices in rank order, average, publish the mean. */
  private reduceChunk(op: Op, i: number): void {
    if (op.chunkReduced[i]) return;
    op.chunkReduced[i] = 1;
    const W = this.worldSize;
    const L = op.segLen;
    const from = i * op.chunkElems;
    const to = Math.min(L, from + op.chunkElems);
    const rows = this.rsRows;
    const out = op.out;
    for (let k = from; k < to; k++) {
      let s = 0; // float64 accumulator, rank 0 first: the order is fixed, so the result is too
      for (let r = 0; r < W; r++) s += rows[r * L + k];
      out[op.segStart + k] = s / W;
    }
    const subject = collectiveSubjects.allGather(this.group.groupId);
    if (this.wireFormat === 'f32') {
      // Send a copy: the caller may reuse `out` before the transport has flushed it.
      if (this.agSend.length < L) this.agSend = new Float32Array(L);
      this.agSend.set(out.subarray(op.segStart + from, op.segStart + to), from);
      this.sendRange(op, 'ag', subject, this.agSend, op.segStart + from, to - from, op.segStart);
    } else {
      if (this.agSend16.length < L) this.agSend16 = new Uint16Array(L);
      const mine = out.subarray(op.segStart + from, op.segStart + to);
      encode16(this.wireFormat, mine, this.agSend16.subarray(from, to));
      // Keep what the others will decode, so every rank holds bit-identical values.
      decode16(this.wireFormat, this.agSend16.subarray(from, to), mine);
      this.sendRange(op, 'ag', subject, this.agSend16, op.segStart + from, to - from, op.segStart);
    }
  }

  private maybeFinish(op: Op): void {
    if (this.op === op && op.reduced && op.agCount >= op.agNeeded) op.resolve(op.out);
  }

  /** Entry point for every message on our data subjects. */
  private onData(m: TransportMessage): void {
    const parsed = CollectiveChunkHeaders.safeParse(m.headers);
    if (!parsed.success) {
      this.counts.malformed++;
      return;
    }
    const h = parsed.data;
    if (h['grugan-group'] !== this.group.groupId) {
      this.counts.foreign++;
      return;
    }
    // Our own all-gather comes back when the transport echoes (NATS without noEcho,
    // BroadcastChannel within a thread): not an error, just not news.
    if (h['grugan-rank'] === this.rank) return;
    this.group.notePeerAlive(h['grugan-rank']);
    const bytesPer = h['grugan-enc'] === 'f32' ? 4 : 2;
    if (h['grugan-rank'] >= this.worldSize || m.data.byteLength === 0 || m.data.byteLength % bytesPer !== 0) {
      this.counts.malformed++;
      return;
    }
    const c: Chunk = { h, data: m.data };
    const op = this.op;
    const gen = this.group.generation;
    const seq = this.seqGen === gen ? this.seq : 0;
    if (h['grugan-gen'] < gen || (h['grugan-gen'] === gen && h['grugan-seq'] < seq)) {
      this.counts.stale++;
      return;
    }
    if (!op || h['grugan-gen'] !== op.gen || h['grugan-seq'] !== op.seq) {
      // For an operation this rank has not started yet: keep a copy until it does.
      if (this.pendingBytes + m.data.byteLength > MAX_PENDING_BYTES) {
        this.counts.stale++;
        return;
      }
      this.pending.push({ h, data: m.data.slice() });
      this.pendingBytes += m.data.byteLength;
      return;
    }
    this.accept(c);
  }

  /** Applies a chunk of the operation in flight, after checking it fits. */
  private accept(c: Chunk): void {
    const op = this.op;
    if (!op) return;
    const h = c.h;
    if (h['grugan-gen'] !== op.gen || h['grugan-seq'] !== op.seq) {
      if (h['grugan-gen'] < op.gen || (h['grugan-gen'] === op.gen && h['grugan-seq'] < op.seq)) this.counts.stale++;
      else this.pending.push(c);
      return;
    }
    if (h['grugan-len'] !== op.n) {
      op.reject(new CollectiveMismatchError(`rank ${h['grugan-rank']} reduces ${h['grugan-len']} values, this rank ${op.n}`));
      return;
    }
    if (h['grugan-enc'] !== this.wireFormat) {
      op.reject(new CollectiveMismatchError(`rank ${h['grugan-rank']} sends ${h['grugan-enc']}, this rank ${this.wireFormat}`));
      return;
    }
    const src = h['grugan-rank'];
    const off = h['grugan-off'];
    const count = c.data.byteLength / (this.wireFormat === 'f32' ? 4 : 2);
    const W = this.worldSize;
    const key = `${h['grugan-phase']}:${src}:${off}`;
    if (h['grugan-phase'] === 'rs') {
      if (src === this.rank || off < op.segStart || off + count > op.segStart + op.segLen) {
        this.counts.malformed++;
        return;
      }
      if (op.seen.has(key)) {
        this.counts.duplicate++;
        return;
      }
      op.seen.add(key);
      this.decodeInto(c.data, this.rsRows, src * op.segLen + (off - op.segStart), count);
      op.rsCount[src] += count;
      this.received(c);
      this.noteChunk(op, off, count);
      this.maybeReduce(op);
    } else {
      const [start, len] = segment(op.n, W, src);
      if (src === this.rank || off < start || off + count > start + len) {
        this.counts.malformed++;
        return;
      }
      if (op.seen.has(key)) {
        this.counts.duplicate++;
        return;
      }
      op.seen.add(key);
      this.decodeInto(c.data, op.out, off, count);
      op.agCount += count;
      this.received(c);
      this.maybeFinish(op);
    }
  }

  private received(c: Chunk): void {
    this.counts.chunksReceived++;
    this.counts.bytesReceived += c.data.byteLength;
  }

  /** Decodes wire bytes into `target[at, at+count)`; payloads need not be aligned. */
  private decodeInto(bytes: Uint8Array, target: Float32Array, at: number, count: number): void {
    if (this.wireFormat === 'f32') {
      new Uint8Array(target.buffer, target.byteOffset + at * 4, count * 4).set(bytes);
      return;
    }
    let words: Uint16Array;
    if (bytes.byteOffset % 2 === 0) words = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
    else {
      if (this.scratch16.length < count) this.scratch16 = new Uint16Array(count);
      new Uint8Array(this.scratch16.buffer, 0, count * 2).set(bytes);
      words = this.scratch16.subarray(0, count);
    }
    decode16(this.wireFormat as 'f16' | 'bf16', words, target.subarray(at, at + count));
  }

  private failOp(err: CollectiveError): void {
    this.op?.reject(err);
  }
}

/** Segment `[start, length)` of rank `r`: balanced split of `n` over `w` (first `n % w` get one more). */
export function segment(n: number, w: number, r: number): [number, number] {
  const base = Math.floor(n / w);
  const rem = n % w;
  return [r * base + Math.min(r, rem), base + (r < rem ? 1 : 0)];
}
