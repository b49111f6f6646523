/** Named errors of checkpoint (de)serialisation, each with a stable `code`. */

export const CheckpointErrorCode = {
  /** The bytes do not start with the checkpoint magic: not a grugan checkpoint. */
  BadMagic: 'CHECKPOINT_BAD_MAGIC',
  /** The file is shorter than its own header says (cut off while copying or writing). */
  Truncated: 'CHECKPOINT_TRUNCATED',
  /** The sha256 at the end does not match the content: altered or corrupted. */
  ChecksumMismatch: 'CHECKPOINT_CHECKSUM_MISMATCH',
  /** Written by another format version. */
  UnsupportedVersion: 'CHECKPOINT_UNSUPPORTED_VERSION',
  /** The JSON header does not parse or fails its schema. */
  InvalidHeader: 'CHECKPOINT_INVALID_HEADER',
  /** The file could not be read or written. */
  Io: 'CHECKPOINT_IO',
  /** Two checkpoints do not hold the same parameters (diff). */
  Mismatch: 'CHECKPOINT_MISMATCH',
} as const;
export type CheckpointErrorCode = (typeof CheckpointErrorCode)[keyof typeof CheckpointErrorCode];

/** A checkpoint that cannot be used; the message says why, the code says what. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    /** Stable machine-readable reason. */
    readonly code: CheckpointErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
