/**
 * A typed view of one JetStream KV bucket whose values are JSON documents checked by a zod
 * schema. Updates are compare-and-set on the entry's revision (NATS `update(key, value,
 * revision)`), so two writers cannot clobber each other: the loser re-reads, re-applies its
 * change to the winner's value and tries again (optimistic concurrency, as Kubernetes'
 * `resourceVersion`).
 */
import type { KV } from '@nats-io/kv';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { z } from 'zod';
import { formatZodError } from '@grugan/protocol';
import { CasConflictError, CorruptStateError } from '../errors.js';

/** A value with the KV revision it was read at. */
export interface Versioned<T> {
  /** The parsed value. */
  value: T;
  /** KV revision (stream sequence) of this value; pass it back to update. */
  revision: number;
}

/** True when a write lost a compare-and-set race. */
export function isRevisionConflict(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

export class JsonKvStore<S extends z.ZodType> {
  /** Entries that failed to parse when listed; skipped, never fatal. */
  corruptEntries = 0;

  constructor(
    private readonly kv: KV,
    /** Bucket name, for error messages. */
    readonly bucket: string,
    private readonly schema: S,
    /** Tries of one `update` before `CasConflictError`. */
    private readonly maxTries = 20,
  ) {}

  /** Reads and validates `key`; null if absent or deleted. Throws `CorruptStateError` on bad data. */
  async get(key: string): Promise<Versioned<z.infer<S>> | null> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return null;
    return { value: this.decode(key, entry.value), revision: entry.revision };
  }

  /** Writes a new key; fails with a revision conflict if it already exists. Returns the revision. */
  async create(key: string, value: z.infer<S>): Promise<number> {
    return this.kv.create(key, this.encode(value));
  }

  /**
   * Read-modify-write with CAS: `change` gets the current value and returns the new one (or
   * undefined to leave it alone). Retried from a fresh read on every conflict.
   * Returns the stored value, or null if the key does not exist.
   */
  async update(
    key: string,
    change: (current: z.infer<S>) => z.infer<S> | undefined,
  ): Promise<Versioned<z.infer<S>> | null> {
    let lastErr: unknown;
    for (let attempt = 1; attempt <= this.maxTries; attempt++) {
      const current = await this.get(key);
      if (!current) return null;
      const next = change(structuredClone(current.value));
      if (next === undefined) return current;
      try {
        const revision = await this.kv.update(key, this.encode(next), current.revision);
        return { value: next, revision };
      } catch (err) {
        if (!isRevisionConflict(err)) throw err;
        lastErr = err;
        // Back off a little, with jitter, so two writers do not keep colliding in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
    throw new CasConflictError(this.bucket, key, this.maxTries, { cause: lastErr });
  }

  /** Removes `key` (and its history). */
  async delete(key: string): Promise<void> {
    await this.kv.purge(key);
  }

  /** Every valid value in the bucket; corrupt entries are skipped and counted. */
  async list(): Promise<Array<Versioned<z.infer<S>> & { key: string }>> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    const out: Array<Versioned<z.infer<S>> & { key: string }> = [];
    for (const key of keys.sort()) {
      try {
        const v = await this.get(key);
        if (v) out.push({ key, ...v });
      } catch (err) {
        if (!(err instanceof CorruptStateError)) throw err;
        this.corruptEntries++;
      }
    }
    return out;
  }

  private encode(value: z.infer<S>): string {
    // Validate on the way out too: a bug must not write a record the next reader rejects.
    return JSON.stringify(this.schema.parse(value));
  }

  private decode(key: string, bytes: Uint8Array): z.infer<S> {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (cause) {
      throw new CorruptStateError(`${this.bucket}/${key}`, 'not JSON', { cause });
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) throw new CorruptStateError(`${this.bucket}/${key}`, formatZodError(parsed.error));
    return parsed.data;
  }
}
