/**
 * Helpers for specs: open W exchanges of one group in this process (each with its own
 * transport, as separate processes would have), and a float64 reference mean.
 */
import { connectNatsTransport, GradientExchange, InProcessTransport, type ExchangeOptions, type Transport } from '../src/index.js';

let groupCounter = 0;
/** A group id no other run uses. */
export function freshGroup(prefix = 't'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${groupCounter++}`;
}

export interface Ranks {
  exchanges: GradientExchange[];
  transports: Transport[];
  close(): Promise<void>;
}

type Extra = Partial<Omit<ExchangeOptions, 'transport' | 'worldSize' | 'rank' | 'group'>> & { group?: string; worldSize?: number };

/** Opens ranks 0..count−1 of a group of `extra.worldSize ?? count` ranks. */
export async function openRanks(count: number, transportFor: () => Promise<Transport>, extra: Extra = {}): Promise<Ranks> {
  const group = extra.group ?? freshGroup();
  const worldSize = extra.worldSize ?? count;
  const transports = await Promise.all(Array.from({ length: count }, () => transportFor()));
  const exchanges = await Promise.all(
    transports.map((transport, rank) =>
      GradientExchange.open({ heartbeatMs: 100, peerTimeoutMs: 3000, joinTimeoutMs: 15_000, ...extra, transport, group, worldSize, rank }),
    ),
  );
  return {
    exchanges,
    transports,
    close: async () => {
      await Promise.all(exchanges.map((e) => e.close()));
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}

export function natsTransportFor(url: string): () => Promise<Transport> {
  return () => connectNatsTransport({ servers: url });
}

export function inProcessTransportFor(namespace: string, maxPayload?: number): () => Promise<Transport> {
  return async () => new InProcessTransport({ namespace, maxPayload });
}

/** Deterministic pseudo-random vector (mulberry32), values spread over several magnitudes. */
export function vector(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = (u - 0.5) * 10 ** ((i % 7) - 3);
  }
  return out;
}

/** Float64 mean of the inputs, element-wise. */
export function referenceMean(inputs: Float32Array[]): Float64Array {
  const n = inputs[0].length;
  const out = new Float64Array(n);
  for (const v of inputs) for (let i = 0; i < n; i++) out[i] += v[i];
  for (let i = 0; i < n; i++) out[i] /= inputs.length;
  return out;
}

/** Largest |a − b| / max(|b|, floor). */
export function maxRelError(a: Float32Array, b: Float64Array, floor = 1e-30): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return worst;
}

export function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
