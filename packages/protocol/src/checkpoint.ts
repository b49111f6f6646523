/**
 * The JSON header of a grugan checkpoint file: everything but the float32 blobs it indexes.
 * The binary container (magic, version, header length, header, blobs, sha256) is written and
 * read by `@grugan/model`'s checkpoint module; this schema validates the header once the
 * checksum has matched, so a file from a newer or foreign writer is rejected by field path.
 */
import { z } from 'zod';
import { TrialConfig } from './trial-config.js';

/** Current checkpoint format version; readers reject other versions. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Which part of the trainer state a blob belongs to: the weights, one Adam moment, or the weight average. */
export const CheckpointSection = z.enum([
  'weights', 'd.m', 'd.v', 'g.m', 'g.v',
  // TimeGAN's other Adam states (model.kind 'timegan').
  'autoencoder.m', 'autoencoder.v', 'supervisor.m', 'supervisor.v', 'embedder.m', 'embedder.v',
  // The exponential moving average of the weights that samples are drawn with (training.emaDecay > 0).
  'average',
]);
export type CheckpointSection = z.infer<typeof CheckpointSection>;

/** One float32 blob in the file. */
export const CheckpointTensor = z.object({
  /** Which part of the state it belongs to. */
  section: CheckpointSection,
  /** Variable name, e.g. `g/gru0/kernel`. */
  name: z.string().min(1),
  /** Tensor shape; the product is the element count. */
  shape: z.array(z.number().int().min(0)),
  /** Byte offset from the start of the blob area (a multiple of 4). */
  offset: z.number().int().min(0).multipleOf(4),
});
export type CheckpointTensor = z.infer<typeof CheckpointTensor>;

export const CheckpointHeader = z.object({
  /** Identifies the file kind in the header too, for tools that read only the JSON. */
  format: z.literal('grugan-checkpoint'),
  /** Format version; see `CHECKPOINT_FORMAT_VERSION`. */
  formatVersion: z.literal(CHECKPOINT_FORMAT_VERSION),
  /** ISO-8601 time the checkpoint was taken. */
  createdAt: z.string().min(1),
  /** The full trial config the run was trained with (defaults filled in). */
  config: TrialConfig,
  /** Generator steps completed. */
  step: z.number().int().min(0),
  /** Training status when saved. */
  status: z.enum(['running', 'succeeded', 'diverged']),
  /** Named random streams (noise, batches, ...), enough to continue them exactly. */
  rng: z.record(z.string(), z.array(z.number())),
  /** Adam update counts per network (the moments are blobs). */
  optimizer: z.object({
    d: z.object({ iterations: z.number().int().min(0) }),
    g: z.object({ iterations: z.number().int().min(0) }),
    // TimeGAN only.
    autoencoder: z.object({ iterations: z.number().int().min(0) }).optional(),
    supervisor: z.object({ iterations: z.number().int().min(0) }).optional(),
    embedder: z.object({ iterations: z.number().int().min(0) }).optional(),
  }),
  /** The weight average's decay and update count (its values are the `average` blobs); absent when there is none yet. */
  average: z.object({ decay: z.number().min(0).lt(1), updates: z.number().int().min(0) }).optional(),
  /** Per-column scaler that maps samples back to original units. */
  scaler: z.object({ kind: z.enum(['minmax', 'none']), min: z.array(z.number()), max: z.array(z.number()) }),
  /** Feature (column) names, in order. */
  columns: z.array(z.string()),
  /** Where the data came from (`sines` or a CSV path). */
  source: z.string(),
  /** Every float32 blob, in file order. */
  tensors: z.array(CheckpointTensor),
  /** Length of the blob area in bytes. */
  blobBytes: z.number().int().min(0),
});
export type CheckpointHeader = z.infer<typeof CheckpointHeader>;
