/**
 * The grugan checkpoint container, one self-describing byte string:
 *
 *   magic "GRUGANCK" (8 bytes) | format version (u32 LE) | header length (u32 LE)
 *   | JSON header (UTF-8, zero-padded to 4 bytes) | float32 LE blobs | sha256 of all before (32 bytes)
 *
 * The header (schema `CheckpointHeader` in @grugan/protocol) holds config, step, RNG streams,
 * scaler and an index of the blobs (weights and Adam moments). Binary blobs keep the file small
 * and exact; the trailing checksum rejects truncated or altered bytes before anything is parsed.
 * Bytes, not only files, because the coordinator keeps checkpoints in a NATS Object Store.
 */
import { createHash } from 'node:crypto';
import {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointHeader,
  TrialConfig,
  formatZodError,
  CheckpointSection,
  type CheckpointTensor,
} from '@grugan/protocol';
import type { NamedArrays, ScalerState, TrainerState } from '../types.js';
import { CheckpointError, CheckpointErrorCode } from './errors.js';

/** Everything one checkpoint holds. */
export interface Checkpoint {
  /** The trial config (defaults filled in). */
  config: TrialConfig;
  /** Weights, Adam state, RNG streams (including the batch sampler's), step and status. */
  trainer: TrainerState;
  /** Maps generated samples back to the data's original units. */
  scaler: ScalerState;
  /** Feature names, in order. */
  columns: string[];
  /** Where the data came from (`sines` or a CSV path). */
  source: string;
  /** ISO-8601 time it was taken. */
  createdAt: string;
}

const MAGIC = new TextEncoder().encode('GRUGANCK');
const PREFIX_BYTES = MAGIC.length + 8;
const CHECKSUM_BYTES = 32;

/** TimeGAN's optimizer roles beyond 'd' and 'g'. */
const TIMEGAN_EXTRA_ROLES = ['autoencoder', 'supervisor', 'embedder'] as const;

/** The named-array map of each blob section. */
function sections(t: TrainerState): [CheckpointSection, NamedArrays][] {
  return [
    ['weights', t.weights],
    ['d.m', t.optimizer.d.m],
    ['d.v', t.optimizer.d.v],
    ['g.m', t.optimizer.g.m],
    ['g.v', t.optimizer.g.v],
    // TimeGAN's other Adam states, present only for model.kind 'timegan'.
    ...TIMEGAN_EXTRA_ROLES.flatMap((r): [CheckpointSection, NamedArrays][] => {
      const a = t.optimizer[r];
      return a ? [[`${r}.m`, a.m], [`${r}.v`, a.v]] : [];
    }),
    ...(t.average ? [['average', t.average.weights] as [CheckpointSection, NamedArrays]] : []),
  ];
}

/** Encodes a checkpoint as bytes (see the file comment for the layout). */
export function serializeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const tensors: CheckpointTensor[] = [];
  const blobs: Float32Array[] = [];
  let blobBytes = 0;
  for (const [section, arrays] of sections(ckpt.trainer)) {
    for (const [name, a] of Object.entries(arrays)) {
      tensors.push({ section, name, shape: [...a.shape], offset: blobBytes });
      blobs.push(a.data);
      blobBytes += a.data.length * 4;
    }
  }
  const t = ckpt.trainer;
  const header: CheckpointHeader = {
    format: 'grugan-checkpoint',
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    createdAt: ckpt.createdAt,
    config: ckpt.config,
    step: t.step,
    status: t.status,
    rng: t.rng,
    optimizer: {
      d: { iterations: t.optimizer.d.iterations },
      g: { iterations: t.optimizer.g.iterations },
      ...Object.fromEntries(TIMEGAN_EXTRA_ROLES.flatMap((r) => { const a = t.optimizer[r]; return a ? [[r, { iterations: a.iterations }]] : []; })),
    },
    ...(t.average ? { average: { decay: t.average.decay, updates: t.average.updates } } : {}),
    scaler: ckpt.scaler,
    columns: ckpt.columns,
    source: ckpt.source,
    tensors,
    blobBytes,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 4) * 4; // pad so blobs start 4-byte aligned
  const total = PREFIX_BYTES + headerBytes + blobBytes + CHECKSUM_BYTES;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(MAGIC.length, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(MAGIC.length + 4, headerBytes, true);
  out.fill(0x20, PREFIX_BYTES, PREFIX_BYTES + headerBytes); // spaces: valid trailing JSON whitespace
  out.set(json, PREFIX_BYTES);
  const blobStart = PREFIX_BYTES + headerBytes;
  // Float32Array is little-endian on every platform Node and TF.js run on.
  const floats = new Float32Array(out.buffer, blobStart, blobBytes / 4);
  let at = 0;
  for (const b of blobs) {
    floats.set(b, at);
    at += b.length;
  }
  const digest = createHash('sha256').update(out.subarray(0, total - CHECKSUM_BYTES)).digest();
  out.set(digest, total - CHECKSUM_BYTES);
  return out;
}

/** Decodes and verifies bytes from `serializeCheckpoint`; throws {@link CheckpointError} on any defect. */
export function deserializeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  const fail = (code: CheckpointErrorCode, why: string): never => {
    throw new CheckpointError(code, `${source}: ${why}`);
  };
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(CheckpointErrorCode.BadMagic, 'not a grugan checkpoint (bad magic bytes)');
  }
  if (bytes.length < PREFIX_BYTES + CHECKSUM_BYTES) fail(CheckpointErrorCode.Truncated, `truncated: only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  const headerBytes = view.getUint32(MAGIC.length + 4, true);
  if (PREFIX_BYTES + headerBytes + CHECKSUM_BYTES > bytes.length) {
    fail(CheckpointErrorCode.Truncated, `truncated: header says ${headerBytes} header bytes, file has ${bytes.length} bytes in all`);
  }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const digest = createHash('sha256').update(body).digest();
  const stored = bytes.subarray(bytes.length - CHECKSUM_BYTES);
  if (!digest.equals(stored)) {
    fail(CheckpointErrorCode.ChecksumMismatch, 'checksum mismatch: the file is truncated or was altered');
  }
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    fail(CheckpointErrorCode.UnsupportedVersion, `format version ${version} is not supported (this build reads ${CHECKPOINT_FORMAT_VERSION})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes)));
  } catch (err) {
    throw new CheckpointError(CheckpointErrorCode.InvalidHeader, `${source}: header is not valid JSON`, { cause: err });
  }
  const parsed = CheckpointHeader.safeParse(raw);
  if (!parsed.success) fail(CheckpointErrorCode.InvalidHeader, `invalid header: ${formatZodError(parsed.error!)}`);
  const h = parsed.data!;
  const blobStart = PREFIX_BYTES + headerBytes;
  if (blobStart + h.blobBytes !== body.length) {
    fail(CheckpointErrorCode.InvalidHeader, `header says ${h.blobBytes} blob bytes, file holds ${body.length - blobStart}`);
  }
  const out = Object.fromEntries(CheckpointSection.options.map((s) => [s, {}])) as Record<CheckpointSection, NamedArrays>;
  for (const t of h.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset + n * 4 > h.blobBytes) fail(CheckpointErrorCode.InvalidHeader, `tensor ${t.section}/${t.name} runs past the blob area`);
    // Copy into a fresh buffer: aligned, and independent of the input (a Node Buffer's slice() is a view).
    const chunk = new Uint8Array(n * 4);
    chunk.set(bytes.subarray(blobStart + t.offset, blobStart + t.offset + n * 4));
    const data = new Float32Array(chunk.buffer);
    out[t.section][t.name] = { shape: t.shape, data };
  }
  return {
    config: h.config,
    trainer: {
      step: h.step,
      status: h.status,
      rng: h.rng,
      weights: out.weights,
      optimizer: {
        d: { iterations: h.optimizer.d.iterations, m: out['d.m'], v: out['d.v'] },
        g: { iterations: h.optimizer.g.iterations, m: out['g.m'], v: out['g.v'] },
        ...Object.fromEntries(TIMEGAN_EXTRA_ROLES.flatMap((r) => {
          const it = h.optimizer[r]?.iterations;
          return it === undefined ? [] : [[r, { iterations: it, m: out[`${r}.m`], v: out[`${r}.v`] }]];
        })),
      },
      ...(h.average ? { average: { ...h.average, weights: out.average } } : {}),
    },
    scaler: h.scaler,
    columns: h.columns,
    source: h.source,
    createdAt: h.createdAt,
  };
}
