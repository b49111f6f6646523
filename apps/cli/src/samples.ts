/**
 * Generated samples in the data's original units: noise → generator → inverse scaler → CSV
 * with one row per time step (`sequence,step,<feature names>`). Also reads such CSVs back.
 */
import { writeFile } from 'node:fs/promises';
import { Rng, invertScaler, type GanTrainer, type ScalerState } from '@grugan/model';

/** Samples `[n, seqLen, features]` in original units, row-major. */
export interface Samples {
  values: Float64Array;
  n: number;
  seqLen: number;
  columns: string[];
}

/**
 * Draws `n` sequences: uniform [0, 1) noise (as TimeGAN and the batch sampler draw it) from a
 * seeded stream, generated in chunks to bound memory, then mapped back through the scaler.
 */
export function generateSamples(trainer: GanTrainer, opts: { n: number; seqLen: number; seed: number; scaler: ScalerState; columns: string[] }): Samples {
  const { n, seqLen, columns } = opts;
  const z = trainer.noiseDim;
  const F = columns.length;
  const rng = new Rng(opts.seed, 'samples');
  const scaled = new Float32Array(n * seqLen * F); // [n, T, F]
  const chunk = 256;
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const noise = new Float32Array(m * seqLen * z); // [m, T, z]
    for (let i = 0; i < noise.length; i++) noise[i] = rng.uniform();
    scaled.set(trainer.generate(noise, m), start * seqLen * F);
  }
  return { values: invertScaler(opts.scaler, scaled), n, seqLen, columns };
}

/** Formats samples as CSV text, one row per time step. */
export function samplesToCsv(s: Samples): string {
  const F = s.columns.length;
  const lines = [['sequence', 'step', ...s.columns].join(',')];
  for (let i = 0; i < s.n; i++) {
    for (let t = 0; t < s.seqLen; t++) {
      const row = [String(i), String(t)];
      const base = (i * s.seqLen + t) * F;
      for (let k = 0; k < F; k++) row.push(String(Number(s.values[base + k].toPrecision(7))));
      lines.push(row.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function writeSamplesCsv(path: string, s: Samples): Promise<void> {
  await writeFile(path, samplesToCsv(s));
}
