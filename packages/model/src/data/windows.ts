/**
 * Sliding windows over a time-ordered table, seeded shuffling of windows, and the train/test
 * split — TimeGAN's `real_data_loading` (windows of `seq_len` at every start, then a random
 * permutation), with a stride option added.
 */
import type { WindowedData } from '../types.js';
import { DataError, DataErrorCode } from './errors.js';
import { createDataRandom } from './random.js';

/** Cuts `[rows, features]` into windows `[count, seqLen, features]` starting every `stride` rows. */
export function slidingWindows(
  values: ArrayLike<number>,
  rows: number,
  columns: string[],
  seqLen: number,
  stride = 1,
): WindowedData {
  const features = columns.length;
  if (rows < seqLen) {
    throw new DataError(DataErrorCode.TooShort, `data has ${rows} rows, fewer than one window of ${seqLen}`);
  }
  const count = Math.floor((rows - seqLen) / stride) + 1;
  const windows = new Float32Array(count * seqLen * features); // [count, T, F]
  const span = seqLen * features;
  for (let w = 0; w < count; w++) {
    const start = w * stride * features;
    for (let j = 0; j < span; j++) windows[w * span + j] = values[start + j];
  }
  return { windows, count, seqLen, features, columns: [...columns] };
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const rand = createDataRandom(seed);
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

/** Picks windows by index, in the given order (new arrays). */
export function selectWindows(data: WindowedData, indices: ArrayLike<number>): WindowedData {
  const span = data.seqLen * data.features;
  const windows = new Float32Array(indices.length * span);
  for (let i = 0; i < indices.length; i++) {
    windows.set(data.windows.subarray(indices[i] * span, (indices[i] + 1) * span), i * span);
  }
  const picked = { ...data, windows, count: indices.length, columns: [...data.columns] };
  if (data.labels) picked.labels = Int32Array.from(indices, (i) => data.labels![i]); // labels follow their windows
  return picked;
}

/** Shuffles windows with a seeded permutation. */
export function shuffleWindows(data: WindowedData, seed: number): WindowedData {
  return selectWindows(data, seededPermutation(data.count, seed));
}

/**
 * Splits windows into train (first part) and test (the last `testFraction`, rounded down).
 * Shuffle first: the split keeps the given order. A zero fraction gives an empty test set.
 */
export function splitWindows(data: WindowedData, testFraction: number): { train: WindowedData; test: WindowedData } {
  const testCount = Math.floor(data.count * testFraction);
  const trainCount = data.count - testCount;
  if (trainCount < 1) {
    throw new DataError(DataErrorCode.TooShort, `a test fraction of ${testFraction} leaves no training windows`);
  }
  const idx = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return { train: selectWindows(data, idx(0, trainCount)), test: selectWindows(data, idx(trainCount, data.count)) };
}
