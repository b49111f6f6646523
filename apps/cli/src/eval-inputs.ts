/**
 * The two sides of a comparison as windows in ONE scale: the real data (a CSV, or a run
 * directory's data prepared exactly as training prepared it) min-max scaled by its own scaler,
 * and a synthetic file (a samples CSV or a plain series) scaled by that same real scaler. Shared
 * by `grugan eval` and `grugan report`.
 */
import { readFile } from 'node:fs/promises';
import {
  DataError,
  DataErrorCode,
  applyScaler,
  fitMinMax,
  groupSequences,
  loadNumericCsv,
  parseNumericCsv,
  prepareData,
  slidingWindows,
  type PreparedData,
  type ScalerState,
  type WindowedData,
} from '@grugan/model';
import type { TrialConfig } from '@grugan/protocol';
import { CliError } from './cli-error.js';
import { readProblem, readRunConfig } from './run-files.js';

/** The real data before windowing: scaled rows, or ready windows (built-in sines). */
export interface RealSource {
  /** Path or `sines (seed S)`, for messages and the report. */
  source: string;
  columns: string[];
  scaler: ScalerState;
  /** Whether the columns were chosen explicitly (then extra synthetic columns are ignored). */
  explicitColumns: boolean;
  /** Synthetic columns that are no features (a conditional model's label column). */
  ignore: string[];
  /** Cuts windows of `seqLen` from the scaled real data. */
  windows: (seqLen: number) => WindowedData;
  /** Fixed window length (run directories), if any. */
  seqLen?: number;
}

/** Bad input data: exit 1 with one line. */
export function inputError(message: string): CliError {
  return new CliError(message, 'CLI_EVAL_INPUT', 1);
}

/** Sliding windows with the file named in the "too short" message. */
function windowsOf(values: Float32Array, rows: number, columns: string[], seqLen: number, stride: number, source: string): WindowedData {
  try {
    return slidingWindows(values, rows, columns, seqLen, stride);
  } catch (err) {
    if (err instanceof DataError && err.code === DataErrorCode.TooShort) throw inputError(`${source}: ${err.message}`);
    throw err;
  }
}

/** A plain real CSV: chosen columns, optionally reversed, min-max scaled over all rows. */
export async function realFromCsv(path: string, flags: { columns?: string; reverse?: boolean }): Promise<RealSource> {
  const columns = flags.columns?.split(',').map((c) => c.trim());
  const table = await loadNumericCsv(path, { columns, reverse: flags.reverse });
  const scaler = fitMinMax(table.values, table.columns.length);
  const scaled = applyScaler(scaler, table.values);
  return {
    source: path,
    columns: table.columns,
    scaler,
    explicitColumns: columns !== undefined,
    ignore: [],
    windows: (seqLen) => windowsOf(scaled, table.rows, table.columns, seqLen, 1, path),
  };
}

/** The real data of a `grugan train` run directory, prepared as training prepared it. */
export async function realFromRun(dir: string): Promise<RealSource> {
  return realFromRunConfig(await readRunConfig(dir));
}

/** The real data a run's (validated) config names, prepared as training prepared it. */
export async function realFromRunConfig(config: TrialConfig): Promise<RealSource> {
  const { data, seed } = config;
  // Training's own pipeline (same seed: the same sines; same columns, reversal, stride, scaler),
  // keeping every window: the whole data set is the real side.
  let prepared: PreparedData;
  try {
    prepared = await prepareData({ ...data, testFraction: 0 }, seed);
  } catch (err) {
    if (err instanceof DataError && err.code === DataErrorCode.TooShort) throw inputError(`${data.path ?? 'sines'}: ${err.message}`);
    throw err;
  }
  const real = prepared.train;
  return {
    source: data.dataset === 'sines' ? `sines (seed ${seed})` : prepared.source,
    columns: real.columns,
    scaler: prepared.scaler,
    explicitColumns: data.dataset === 'sines' || data.columns !== undefined,
    ignore: data.conditioning ? [data.conditioning.column] : [],
    windows: () => real,
    seqLen: data.seqLen,
  };
}

/**
 * The synthetic file as windows of the real columns, scaled by the real scaler. A samples CSV is
 * grouped by its `sequence` column; a plain series is cut into windows of `seqLen` (default 24).
 */
export async function syntheticWindows(path: string, real: RealSource, seqLen: number | undefined): Promise<WindowedData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw inputError(`${path}: cannot read data file (${readProblem(err)})`);
  }
  const header = (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').split(',').map((c) => c.trim());
  const ids = ['sequence', 'step'].filter((c) => header.includes(c));
  const features = header.filter((c) => c !== 'sequence' && c !== 'step' && !real.ignore.includes(c));
  const missing = real.columns.filter((c) => !features.includes(c));
  if (missing.length > 0) {
    throw inputError(`column mismatch: ${path} has no column ${missing.map((c) => `"${c}"`).join(', ')} of the real data (its columns: ${features.join(', ')})`);
  }
  const extra = features.filter((c) => !real.columns.includes(c));
  if (extra.length > 0 && !real.explicitColumns) {
    throw inputError(`column mismatch: ${path} has column(s) ${extra.join(', ')} that the real data (${real.source}) lacks; pick columns with --columns`);
  }
  // Only the id and feature columns are parsed: anything else (labels, extras) may be text.
  const table = parseNumericCsv(text, { columns: [...ids, ...real.columns], source: path });
  const C = table.columns.length;
  const sequenceCol = table.columns.indexOf('sequence');
  const stepCol = table.columns.indexOf('step');
  const pick = real.columns.map((c) => table.columns.indexOf(c));
  const values = new Float64Array(table.rows * pick.length); // [rows, F] in the real column order
  for (let r = 0; r < table.rows; r++) pick.forEach((i, k) => (values[r * pick.length + k] = table.values[r * C + i]));
  const scaled = applyScaler(real.scaler, values);
  if (sequenceCol < 0) return windowsOf(scaled, table.rows, real.columns, seqLen ?? 24, 1, path);
  const column = (i: number) => Float64Array.from({ length: table.rows }, (_, r) => table.values[r * C + i]);
  const windows = groupSequences(scaled, real.columns, { sequence: column(sequenceCol), step: stepCol >= 0 ? column(stepCol) : undefined, source: path });
  if (seqLen !== undefined && windows.seqLen !== seqLen) {
    throw inputError(`${path}: its sequences have ${windows.seqLen} steps, but the windows to compare have ${seqLen}`);
  }
  return windows;
}
