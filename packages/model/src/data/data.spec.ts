import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataConfig } from '@grugan/protocol';
import {
  DataError,
  findSharedDataset,
  applyScaler,
  fitMinMax,
  generateSines,
  invertScaler,
  loadNumericCsv,
  parseNumericCsv,
  prepareData,
  seededPermutation,
  shuffleWindows,
  slidingWindows,
  splitWindows,
} from './index.js';

/** The shared stock data, found from this file's folder upwards (or GRUGAN_DATASETS_DIR). */
const stockCsv = () => findSharedDataset('stock_data.csv', { from: fileURLToPath(new URL('.', import.meta.url)) });

describe('generateSines', () => {
  it('follows TimeGAN: sin(f t + p) with f, p in [0, 0.1), mapped to [0, 1]', () => {
    const d = generateSines({ numSequences: 50, seqLen: 24, features: 5, seed: 1 });
    expect(d.windows.length).toBe(50 * 24 * 5);
    for (let i = 0; i < 50; i++) {
      for (let k = 0; k < 5; k++) {
        const x = (t: number) => d.windows[(i * 24 + t) * 5 + k] * 2 - 1; // back to sin values
        // Recover phase and frequency from the first two steps: p = asin(x0), f = asin(x1) - p.
        const p = Math.asin(x(0));
        const f = Math.asin(x(1)) - p;
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(0.1 + 1e-6);
        expect(f).toBeGreaterThanOrEqual(-1e-6);
        expect(f).toBeLessThan(0.1 + 1e-6);
        for (let t = 0; t < 24; t++) expect(x(t)).toBeCloseTo(Math.sin(f * t + p), 5);
      }
    }
  });

  it('is seeded: same seed same data, other seed other data', () => {
    const a = generateSines({ numSequences: 3, seqLen: 8, features: 2, seed: 7 });
    const b = generateSines({ numSequences: 3, seqLen: 8, features: 2, seed: 7 });
    const c = generateSines({ numSequences: 3, seqLen: 8, features: 2, seed: 8 });
    expect(a.windows).toEqual(b.windows);
    expect(a.windows).not.toEqual(c.windows);
  });
});

describe('parseNumericCsv', () => {
  const text = 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n';

  it('keeps chosen columns in the given order and can reverse rows', () => {
    const t = parseNumericCsv(text, { columns: ['c', 'a'], reverse: true });
    expect(t.columns).toEqual(['c', 'a']);
    expect(t.rows).toBe(3);
    expect(Array.from(t.values)).toEqual([9, 7, 6, 4, 3, 1]);
  });

  it('names row and column of a missing value', () => {
    expect(() => parseNumericCsv('a,b\n1,2\n3,\n', { source: 'x.csv' })).toThrow('x.csv: row 3, column "b": missing value');
    expect(() => parseNumericCsv('a,b\n1,2\n3\n')).toThrow(/row 3, column "b": missing value/);
  });

  it('names row and column of a non-numeric value', () => {
    try {
      parseNumericCsv('a,b\n1,2\n3,4\n5,abc\n');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).code).toBe('DATA_NOT_NUMERIC');
      expect((err as DataError).message).toContain('row 4, column "b": "abc" is not a finite number');
    }
  });

  it('rejects unknown columns and empty files', () => {
    expect(() => parseNumericCsv(text, { columns: ['zz'] })).toThrow(/column "zz" is not in the header \(columns: a, b, c\)/);
    expect(() => parseNumericCsv('')).toThrow(DataError);
    expect(() => parseNumericCsv('a,b\n')).toThrow(/no data rows/);
  });
});

describe('min-max scaler', () => {
  it('maps each column to [0, 1] and inverts exactly', () => {
    const values = [10, -1, 20, 1, 15, 0, 30, 3]; // [4 rows, 2 columns]
    const s = fitMinMax(values, 2);
    expect(s.min).toEqual([10, -1]);
    expect(s.max).toEqual([30, 3]);
    const scaled = applyScaler(s, values);
    expect(Array.from(scaled)).toEqual([0, 0, 0.5, 0.5, 0.25, 0.25, 1, 1]);
    const back = invertScaler(s, scaled);
    back.forEach((v, i) => expect(v).toBeCloseTo(values[i], 5));
  });

  it('keeps a constant column finite', () => {
    const s = fitMinMax([5, 5, 5], 1);
    expect(Array.from(applyScaler(s, [5, 5]))).toEqual([0, 0]);
    expect(Array.from(invertScaler(s, [0]))).toEqual([5]);
  });
});

describe('windows, shuffle, split', () => {
  it('slides windows with a stride', () => {
    const values = Array.from({ length: 10 * 2 }, (_, i) => i); // [10 rows, 2 cols]
    const w = slidingWindows(values, 10, ['x', 'y'], 4, 3);
    expect(w.count).toBe(3); // starts 0, 3, 6
    expect(Array.from(w.windows.subarray(8, 16))).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    expect(() => slidingWindows(values, 10, ['x', 'y'], 11)).toThrow(DataError);
  });

  it('shuffles with a seeded permutation and splits without overlap', () => {
    const p = seededPermutation(100, 3);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(seededPermutation(100, 3)).toEqual(p);

    const values = Array.from({ length: 50 }, (_, i) => i); // one feature, 50 rows
    const w = shuffleWindows(slidingWindows(values, 50, ['v'], 1), 9);
    const { train, test } = splitWindows(w, 0.2);
    expect(train.count).toBe(40);
    expect(test.count).toBe(10);
    const all = [...train.windows, ...test.windows].sort((a, b) => a - b);
    expect(all).toEqual(values);
  });
});

describe('prepareData', () => {
  it('prepares sines deterministically, scaled to [0, 1] per column', async () => {
    const cfg = DataConfig.parse({ dataset: 'sines', numSequences: 200 });
    const a = await prepareData(cfg, 5);
    const b = await prepareData(cfg, 5);
    expect(a.train.count).toBe(160);
    expect(a.test.count).toBe(40);
    expect(a.train.windows).toEqual(b.train.windows);
    expect(a.train.windows.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(a.test.windows.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(a.scaler.min.every((m, k) => m >= 0.5 - 1e-6 && m < a.scaler.max[k])).toBe(true);
  });

  it('loads stock_data.csv chronologically, min-max scaled, with its price range in the scaler', async () => {
    const cfg = DataConfig.parse({ path: stockCsv(), reverse: true, columns: ['Open', 'Close'] });
    const d = await prepareData(cfg, 1);
    const table = await loadNumericCsv(stockCsv(), { columns: ['Open'] });
    expect(d.train.count + d.test.count).toBe(table.rows - 24 + 1);
    expect(d.train.columns).toEqual(['Open', 'Close']);
    expect(d.scaler.min[0]).toBe(table.values.reduce((a, b) => Math.min(a, b)));
    expect(d.scaler.max[0]).toBe(table.values.reduce((a, b) => Math.max(a, b)));
    expect(d.train.windows.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Chronological: a window's steps are consecutive rows, so neighbouring steps are close.
    const reversed = await loadNumericCsv(stockCsv(), { columns: ['Open'], reverse: true });
    expect(reversed.values[0]).toBe(table.values[table.rows - 1]);
  });

  it('rejects a missing file with a named error', async () => {
    const cfg = DataConfig.parse({ path: 'no/such/file.csv' });
    await expect(prepareData(cfg, 1)).rejects.toThrow('no/such/file.csv: cannot read data file (no such file)');
  });
});

describe('findSharedDataset', () => {
  it('finds shared/datasets/<name> in the start folder or above, else says where it looked', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const root = await mkdtemp(join(tmpdir(), 'grugan-shared-'));
    try {
      await mkdir(join(root, 'shared', 'datasets'), { recursive: true });
      await writeFile(join(root, 'shared', 'datasets', 'x.csv'), 'a\n1\n');
      await mkdir(join(root, 'repo', 'packages'), { recursive: true });
      expect(findSharedDataset('x.csv', { from: join(root, 'repo', 'packages'), env: {} })).toBe(join(root, 'shared', 'datasets', 'x.csv'));
      expect(() => findSharedDataset('y.csv', { from: join(root, 'repo'), env: {} })).toThrow(/y\.csv not found.*GRUGAN_DATASETS_DIR/);
      expect(findSharedDataset('x.csv', { from: '/', env: { GRUGAN_DATASETS_DIR: join(root, 'shared', 'datasets') } })).toBe(join(root, 'shared', 'datasets', 'x.csv'));
      expect(() => findSharedDataset('x.csv', { env: { GRUGAN_DATASETS_DIR: root } })).toThrow(DataError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
