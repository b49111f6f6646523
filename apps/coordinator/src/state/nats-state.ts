/**
 * The coordinator's durable state in NATS JetStream, opened (and created on first start) in one
 * place: sweeps and trials in KV buckets, checkpoints in an Object Store, every trial report in a
 * stream that is also the metric history. Names come from `stateNames(prefix)`, so a deployment or
 * a test isolates itself on a shared server by choosing a prefix.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { SweepRecord, TrialControl, TrialRecord, stateNames, type StateNames } from '@grugan/protocol';
import { JsonKvStore } from './json-kv.js';
import { UnavailableError } from '../errors.js';

export interface NatsStateOptions {
  /** NATS server(s), comma-separated. */
  natsUrl: string;
  /** Prefix of every bucket, stream and subject. */
  statePrefix: string;
  /** Connection name shown by the server's monitoring. */
  name?: string;
}

export class NatsState {
  private constructor(
    /** The connection; reconnects forever, so a NATS restart is survived. */
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    /** Bucket, stream and subject names in use. */
    readonly names: StateNames,
    /** Sweep id → `SweepRecord`. */
    readonly sweeps: JsonKvStore<typeof SweepRecord>,
    /** Trial id → `TrialRecord`. */
    readonly trials: JsonKvStore<typeof TrialRecord>,
    /** Trial id → latest checkpoint bytes. */
    readonly checkpoints: ObjectStore,
  ) {}

  /** Connects and opens (creating if needed) every bucket and the reports stream. */
  static async open(options: NatsStateOptions): Promise<NatsState> {
    const names = stateNames(options.statePrefix);
    const nc = await connect({
      servers: options.natsUrl.split(','),
      name: options.name ?? 'grugan-coordinator',
      maxReconnectAttempts: -1,
    }).catch((cause: unknown) => {
      throw new UnavailableError(`cannot connect to NATS at ${options.natsUrl}: ${(cause as Error).message}`, { cause });
    });
    try {
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      await ensureStream(jsm, names);
      const kvm = new Kvm(nc);
      // History 1: CAS needs only the latest revision; the metric history lives in the stream.
      const sweepsKv = await kvm.create(names.sweepsBucket, { history: 1 });
      const trialsKv = await kvm.create(names.trialsBucket, { history: 1 });
      const checkpoints = await new Objm(nc).create(names.checkpointsBucket);
      return new NatsState(
        nc,
        js,
        jsm,
        names,
        new JsonKvStore(sweepsKv, names.sweepsBucket, SweepRecord),
        new JsonKvStore(trialsKv, names.trialsBucket, TrialRecord),
        checkpoints,
      );
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  /** True while the connection is up (not closed, not reconnecting). */
  get connected(): boolean {
    return !this.nc.isClosed() && this.reconnecting === false;
  }

  private reconnecting = false;

  /** Follows connection status so `/readyz` can report a NATS outage. */
  watchStatus(): void {
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnecting') this.reconnecting = true;
        if (s.type === 'reconnect') this.reconnecting = false;
      }
    })();
  }

  /** Publishes a control message to a trial's workers (plain NATS: workers listen live). */
  publishControl(control: TrialControl): void {
    this.nc.publish(this.names.controlSubject(control.trialId), JSON.stringify(TrialControl.parse(control)));
  }

  /** Durable consumer through which the coordinator applies reports. */
  get reportsConsumer(): string {
    return `${this.names.prefix}-coordinator`;
  }

  /** Stream sequence up to which the coordinator has handled (and acknowledged) every report. */
  async reportsHandledUpTo(): Promise<number> {
    return (await this.jsm.consumers.info(this.names.reportsStream, this.reportsConsumer)).ack_floor.stream_seq;
  }

  /** Stream sequence of the newest report any worker of `trialId` published, or 0 if none. */
  async lastReportSeq(trialId: string): Promise<number> {
    const m = await this.jsm.streams.getMessage(this.names.reportsStream, { last_by_subj: this.names.reportSubject(trialId) });
    return m?.seq ?? 0;
  }

  /** Drains the connection. */
  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  /**
   * Deletes every bucket and the stream of this prefix. For tests that isolate themselves by
   * prefix and must leave the shared server clean.
   */
  async destroy(): Promise<void> {
    const kvm = new Kvm(this.nc);
    for (const bucket of [this.names.sweepsBucket, this.names.trialsBucket]) {
      await (await kvm.open(bucket)).destroy().catch(() => undefined);
    }
    await this.checkpoints.destroy().catch(() => undefined);
    await this.jsm.streams.delete(this.names.reportsStream).catch(() => undefined);
  }
}

/** Creates the reports stream if missing. File storage: the metric history must survive restarts. */
async function ensureStream(jsm: JetStreamManager, names: StateNames): Promise<void> {
  try {
    await jsm.streams.info(names.reportsStream);
  } catch {
    await jsm.streams.add({
      name: names.reportsStream,
      subjects: [names.allReports],
      // Workers set a message id per (trial, attempt, rank, kind, step): retried publishes are de-duplicated.
      duplicate_window: 120_000_000_000,
    });
  }
}
