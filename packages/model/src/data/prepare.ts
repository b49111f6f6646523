/**
 * `prepareData`: the one entry from a trial's `data` config to training-ready windows.
 * Built-in `sines` or a CSV file → per-column min-max scaling (fitted over every row, as
 * TimeGAN does) → sliding windows → seeded shuffle → train/test split. The returned scaler
 * maps generated samples back to the data's original units.
 */
import type { DataConfig } from '@grugan/protocol';
import type { PreparedData, ScalerState, WindowedData } from '../types.js';
import { loadNumericCsv } from './csv.js';
import { loadLabelColumn, windowLabels } from './labels.js';
import { DataError, DataErrorCode } from './errors.js';
import { applyScaler, fitMinMax, identityScaler } from './scaler.js';
import { generateSines } from './sines.js';
import { shuffleWindows, slidingWindows, splitWindows } from './windows.js';

/** Derives the shuffle seed from the trial seed, so shuffling and sine draws use different streams. */
function shuffleSeed(seed: number): number {
  return (seed ^ 0x5bd1e995) >>> 0;
}

function scalerFor(kind: DataConfig['scaling'], values: ArrayLike<number>, columns: number): ScalerState {
  return kind === 'minmax' ? fitMinMax(values, columns) : identityScaler(columns);
}

/**
 * Loads or generates the data named by `data`, scales, windows, shuffles (seeded) and splits it.
 * Throws {@link DataError} naming the file, row and column of bad input.
 */
export async function prepareData(data: DataConfig, seed: number): Promise<PreparedData> {
  let scaled: WindowedData;
  let scaler: ScalerState;
  let source: string;
  if (data.dataset === 'sines') {
    const raw = generateSines({ numSequences: data.numSequences, seqLen: data.seqLen, features: data.features, seed });
    scaler = scalerFor(data.scaling, raw.windows, raw.features);
    scaled = { ...raw, windows: applyScaler(scaler, raw.windows) };
    source = 'sines';
  } else if (data.path !== undefined) {
    // A conditioning label column is read as text and is no feature (unless columns are listed, every other column is).
    const cond = data.conditioning;
    const labels = cond ? await loadLabelColumn(data.path, cond.column, data.reverse) : undefined;
    const columns = data.columns ?? labels?.header.filter((c) => c !== cond!.column);
    const table = await loadNumericCsv(data.path, { columns, reverse: data.reverse });
    scaler = scalerFor(data.scaling, table.values, table.columns.length);
    scaled = slidingWindows(applyScaler(scaler, table.values), table.rows, table.columns, data.seqLen, data.stride);
    if (cond && labels) scaled.labels = windowLabels(labels.rows, cond, data.seqLen, data.stride, data.path);
    source = data.path;
  } else {
    throw new DataError(DataErrorCode.NoSource, 'data: give data.dataset or data.path');
  }
  const { train, test } = splitWindows(shuffleWindows(scaled, shuffleSeed(seed)), data.testFraction);
  return { train, test, scaler, source };
}
