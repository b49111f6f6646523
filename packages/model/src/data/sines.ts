/**
 * TimeGAN's `sines` data set (Yoon, Jarrett & van der Schaar, NeurIPS 2019;
 * `sine_data_generation` in github.com/jsyoon0823/TimeGAN, data_loading.py): for every
 * sequence and every feature draw f, p ~ U(0, 0.1), set x_t = sin(f·t + p) for t = 0..T-1,
 * and map to [0, 1] with (x + 1) / 2.
 */
import type { WindowedData } from '../types.js';
import { createDataRandom } from './random.js';

/** How many sines to generate. TimeGAN: 10 000 sequences, length 24, 5 features. */
export interface SinesOptions {
  numSequences: number;
  seqLen: number;
  features: number;
  /** Seed of the frequency and phase draws. */
  seed: number;
}

/** Generates sines as windows `[numSequences, seqLen, features]`, values in [0, 1]. */
export function generateSines(opts: SinesOptions): WindowedData {
  const { numSequences, seqLen, features } = opts;
  const rand = createDataRandom(opts.seed);
  const windows = new Float32Array(numSequences * seqLen * features); // [n, T, F]
  for (let i = 0; i < numSequences; i++) {
    // Same draw order as TimeGAN: per feature, frequency then phase.
    for (let k = 0; k < features; k++) {
      const freq = rand() * 0.1;
      const phase = rand() * 0.1;
      for (let t = 0; t < seqLen; t++) {
        windows[(i * seqLen + t) * features + k] = (Math.sin(freq * t + phase) + 1) * 0.5;
      }
    }
  }
  const columns = Array.from({ length: features }, (_, k) => `feature${k}`);
  return { windows, count: numSequences, seqLen, features, columns };
}
