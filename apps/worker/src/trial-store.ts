/**
 * The worker's view of the coordinator's durable state in NATS JetStream: its `TrialRecord`
 * in the KV bucket, and the trial checkpoints in the Object Store (object name = trial id).
 * Bucket names come from the deployment's state prefix (`stateNames`). Buckets are opened,
 * not created, except the Object Store, which is created on first use
 * with the same name the coordinator uses, so a worker started before any checkpoint exists
 * still works.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { TrialRecord, formatZodError, type StateNames } from '@grugan/protocol';
import { TrialRecordError } from './errors.js';

export class TrialStore {
  private kv?: KV;
  private objects?: ObjectStore;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: StateNames,
  ) {}

  private async trials(): Promise<KV> {
    this.kv ??= await new Kvm(this.nc).open(this.names.trialsBucket);
    return this.kv;
  }

  private async checkpoints(): Promise<ObjectStore> {
    this.objects ??= await new Objm(this.nc).create(this.names.checkpointsBucket);
    return this.objects;
  }

  /** Reads and validates a trial's record; throws `TrialRecordError` if absent or malformed. */
  async loadTrial(trialId: string): Promise<TrialRecord> {
    const entry = await (await this.trials()).get(trialId);
    if (!entry || entry.operation !== 'PUT') throw new TrialRecordError(trialId, `no record in KV bucket ${this.names.trialsBucket}`);
    let json: unknown;
    try {
      json = entry.json();
    } catch (cause) {
      throw new TrialRecordError(trialId, 'record is not JSON', { cause });
    }
    const parsed = TrialRecord.safeParse(json);
    if (!parsed.success) throw new TrialRecordError(trialId, formatZodError(parsed.error));
    return parsed.data;
  }

  /** The latest checkpoint bytes of `trialId`, or null when it has none. */
  async getCheckpoint(trialId: string): Promise<Uint8Array | null> {
    return (await this.checkpoints()).getBlob(trialId);
  }

  /** Replaces `trialId`'s checkpoint; the Object Store keeps only the newest revision. */
  async putCheckpoint(trialId: string, bytes: Uint8Array, step: number): Promise<void> {
    await (await this.checkpoints()).putBlob(
      { name: trialId, description: `checkpoint at step ${step}`, metadata: { step: String(step) } },
      bytes,
    );
  }
}
