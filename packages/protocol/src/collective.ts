/**
 * Wire shapes of the data-parallel collective (`@grugan/collective`): the control messages of a
 * group (rendezvous, heartbeats, leave) and the headers that describe every gradient chunk.
 *
 * NATS subjects, all under one group (`<group>` is usually the trial id plus attempt):
 * - `grugan.coll.<group>.ctl`         every member → every member, JSON `CollectiveControl`
 * - `grugan.coll.<group>.rs.<rank>`   reduce-scatter: one rank's slice of the owner's segment
 * - `grugan.coll.<group>.ag`          all-gather: an owner's averaged segment, to everyone
 * Chunk payloads are raw little-endian float32 (or 16-bit) values; their meaning is in the
 * `CollectiveChunkHeaders` (string-valued, as NATS headers are).
 */
import { z } from 'zod';

export const COLLECTIVE_SUBJECT_PREFIX = 'grugan.coll';

/** A group id is one NATS subject token: no dots, wildcards or spaces. */
export const CollectiveGroupId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, "_" and "-", at most 128');
export type CollectiveGroupId = z.infer<typeof CollectiveGroupId>;

export const collectiveSubjects = {
  control: (group: string) => `${COLLECTIVE_SUBJECT_PREFIX}.${group}.ctl`,
  reduceScatter: (group: string, owner: number) => `${COLLECTIVE_SUBJECT_PREFIX}.${group}.rs.${owner}`,
  allGather: (group: string) => `${COLLECTIVE_SUBJECT_PREFIX}.${group}.ag`,
} as const;

/** Wire formats of gradient values: float32, IEEE half, or bfloat16. */
export const WireFormat = z.enum(['f32', 'f16', 'bf16']);
export type WireFormat = z.infer<typeof WireFormat>;

/** A message of the group protocol (JSON on the control subject). */
export const CollectiveControl = z.object({
  /** `hello` while rendezvousing, `heartbeat` once joined, `bye` when leaving on purpose. */
  type: z.enum(['hello', 'heartbeat', 'bye']),
  group: CollectiveGroupId,
  /** Unique per member process incarnation; a rank with a new member id has been replaced. */
  memberId: z.string().min(1).max(128),
  /** Rank given by the launcher, or -1 when ranks are assigned first-come. */
  rank: z.number().int().min(-1),
  worldSize: z.number().int().min(1),
  /** The generation this member proposes (hello) or belongs to (heartbeat, bye). */
  generation: z.number().int().min(0),
  /** How many members (itself included) this member has seen proposing `generation`. */
  seen: z.number().int().min(0),
});
export type CollectiveControl = z.infer<typeof CollectiveControl>;

const nonNegativeInt = z
  .string()
  .regex(/^\d{1,15}$/, 'a non-negative integer')
  .transform(Number);

/** Headers of one gradient chunk; every value is a string on the wire. */
export const CollectiveChunkHeaders = z.object({
  'grugan-group': CollectiveGroupId,
  /** Generation of the sender's group; chunks from older generations are stale. */
  'grugan-gen': nonNegativeInt,
  /** Sender's rank. */
  'grugan-rank': nonNegativeInt,
  /** Sequence number of the all-reduce within the generation. */
  'grugan-seq': nonNegativeInt,
  /** `rs` for reduce-scatter, `ag` for all-gather. */
  'grugan-phase': z.enum(['rs', 'ag']),
  /** Length of the whole vector being reduced, in elements. */
  'grugan-len': nonNegativeInt,
  /** Element offset of the chunk's first value within the whole vector. */
  'grugan-off': nonNegativeInt,
  'grugan-enc': WireFormat,
});
export type CollectiveChunkHeaders = z.infer<typeof CollectiveChunkHeaders>;
export type CollectiveChunkHeadersWire = z.input<typeof CollectiveChunkHeaders>;
