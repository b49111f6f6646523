/**
 * Many windows from a trainer's sampling weights, a chunk at a time: one generator pass over
 * 10 000 windows would hold every layer's states for all of them at once. Noise is drawn from
 * `rng` in window order, so the result does not depend on the chunk size.
 */
import type { Rng } from '../rng.js';
import type { Trainer } from './trainer.js';

/** Windows per generator pass. */
export const GENERATE_CHUNK = 1024;

/** `n` windows [n, T, F] (scaled units); `labels` [n] for conditional models. */
export function generateWindows(
  trainer: Pick<Trainer, 'features' | 'generate' | 'sampleNoise'>,
  rng: Rng,
  n: number,
  seqLen: number,
  labels?: Int32Array,
): Float32Array {
  const span = seqLen * trainer.features;
  const out = new Float32Array(n * span);
  for (let start = 0; start < n; start += GENERATE_CHUNK) {
    const m = Math.min(GENERATE_CHUNK, n - start);
    out.set(trainer.generate(trainer.sampleNoise(rng, m, seqLen), m, labels?.subarray(start, start + m)), start * span);
  }
  return out;
}
