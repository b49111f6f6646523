/**
 * Generated samples in the data's original units: noise → generator → inverse scaler → CSV
 * with one row per time step (`sequence,step,<feature names>`). Also reads such CSVs back.
 */
import { writeFile } from 'node:fs/promises';
import { Rng, generateWindows, invertScaler, type ScalerState, type Trainer } from '@grugan/model';
import type { TrialConfig } from '@grugan/protocol';
import { CliError } from './cli-error.js';

/** The label each sequence of a conditional model was generated for. */
export interface SampleLabels {
  /** The conditioning column's name (the CSV column the labels are written to). */
  column: string;
  /** Label values, in one-hot order. */
  values: string[];
  /** Class index of each sequence, [n]. */
  classes: Int32Array;
}

/** Samples `[n, seqLen, features]` in original units, row-major. */
export interface Samples {
  values: Float64Array;
  n: number;
  seqLen: number;
  columns: string[];
  /** Conditional models: each sequence's label (written as a column after `step`). */
  labels?: SampleLabels;
}

/**
 * Labels for `n` sequences of a conditional model (undefined for an unconditional one): all
 * `condition` ("column=value") when given; else those of random training windows when
 * `trainLabels` is given (the data's label mix); else uniform over the classes. Seeded.
 */
export function sampleLabels(config: TrialConfig, n: number, seed: number, opts: { condition?: string; trainLabels?: Int32Array } = {}): SampleLabels | undefined {
  const cond = config.data.conditioning;
  if (cond === undefined) {
    if (opts.condition !== undefined) throw new CliError('--condition: this model was trained without data.conditioning');
    return undefined;
  }
  const classes = new Int32Array(n);
  if (opts.condition !== undefined) {
    const eq = opts.condition.indexOf('=');
    const [column, value] = eq < 0 ? ['', opts.condition] : [opts.condition.slice(0, eq), opts.condition.slice(eq + 1)];
    if (column !== cond.column) throw new CliError(`--condition must be ${cond.column}=VALUE (the model is conditioned on "${cond.column}"), got "${opts.condition}"`);
    const k = cond.values.indexOf(value);
    if (k < 0) throw new CliError(`--condition: "${value}" is not a label of ${cond.column} (labels: ${cond.values.join(', ')})`);
    classes.fill(k);
  } else {
    const rng = new Rng(seed, 'sample-labels');
    const from = opts.trainLabels;
    for (let i = 0; i < n; i++) classes[i] = from && from.length > 0 ? from[rng.int(from.length)] : rng.int(cond.values.length);
  }
  return { column: cond.column, values: [...cond.values], classes };
}

/**
 * Draws `n` sequences: uniform [0, 1) noise (as TimeGAN and the batch sampler draw it) from a
 * seeded stream, generated in chunks to bound memory, then mapped back through the scaler.
 */
export function generateSamples(
  trainer: Pick<Trainer, 'features' | 'generate' | 'sampleNoise'>,
  opts: { n: number; seqLen: number; seed: number; scaler: ScalerState; columns: string[]; labels?: SampleLabels },
): Samples {
  const { n, seqLen, columns } = opts;
  const scaled = generateWindows(trainer, new Rng(opts.seed, 'samples'), n, seqLen, opts.labels?.classes); // [n, T, F]
  return { values: invertScaler(opts.scaler, scaled), n, seqLen, columns, ...(opts.labels ? { labels: opts.labels } : {}) };
}

/** Formats samples as CSV text, one row per time step. */
export function samplesToCsv(s: Samples): string {
  const F = s.columns.length;
  const lab = s.labels;
  const lines = [['sequence', 'step', ...(lab ? [lab.column] : []), ...s.columns].join(',')];
  for (let i = 0; i < s.n; i++) {
    for (let t = 0; t < s.seqLen; t++) {
      const row = [String(i), String(t)];
      if (lab) row.push(lab.values[lab.classes[i]]);
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
