/**
 * Checkpoint files: written atomically (temp file in the same directory, fsync, rename), so a
 * crash mid-write leaves either the old file or the new one, never a torn one.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { CheckpointError, CheckpointErrorCode } from './errors.js';
import { deserializeCheckpoint, serializeCheckpoint, type Checkpoint } from './format.js';

/** Writes `ckpt` to `path` atomically; returns the bytes written. */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<number> {
  const bytes = serializeCheckpoint(ckpt);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new CheckpointError(CheckpointErrorCode.Io, `${path}: cannot write checkpoint (${(err as Error).message})`, { cause: err });
  }
  return bytes.length;
}

/** Reads and verifies a checkpoint file; throws {@link CheckpointError} naming the file. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CheckpointError(CheckpointErrorCode.Io, `${path}: cannot read checkpoint (${reason})`, { cause: err });
  }
  return deserializeCheckpoint(bytes, path);
}
