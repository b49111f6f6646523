/**
 * A small parser for numeric CSV files with a header row (for example TimeGAN's
 * `stock_data.csv`). Split-based: quoted fields and embedded commas are not supported, which
 * numeric data never needs. Every cell must be a finite number; the first bad cell is
 * reported by 1-based file line and column name.
 */
import { readFile } from 'node:fs/promises';
import { DataError, DataErrorCode } from './errors.js';

/** A numeric table: `rows × columns.length`, row-major. */
export interface NumericTable {
  /** Column names, in the order of `values`. */
  columns: string[];
  /** Row-major values `[rows, columns.length]`, float64 until scaling. */
  values: Float64Array;
  rows: number;
}

/** Which columns to keep and whether to reverse the rows. */
export interface CsvOptions {
  /** Column names to keep, in this order (default: all). */
  columns?: string[];
  /** Reverse the data rows, e.g. newest-first stock prices to chronological order. */
  reverse?: boolean;
  /** Name used in error messages (default `CSV`). */
  source?: string;
}

/** Parses CSV text into a numeric table. */
export function parseNumericCsv(text: string, opts: CsvOptions = {}): NumericTable {
  const source = opts.source ?? 'CSV';
  // Keep 1-based line numbers for messages; skip blank lines (a trailing newline is common).
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, lineNo: i + 1 })).filter((l) => l.line.trim() !== '');
  if (lines.length === 0) throw new DataError(DataErrorCode.EmptyCsv, `${source}: the file is empty (no header row)`);
  const header = lines[0].line.split(',').map((h) => h.trim());
  const wanted = opts.columns ?? header;
  const indices = wanted.map((name) => {
    const idx = header.indexOf(name);
    if (idx < 0) {
      throw new DataError(
        DataErrorCode.UnknownColumn,
        `${source}: column "${name}" is not in the header (columns: ${header.join(', ')})`,
      );
    }
    return idx;
  });
  const body = lines.slice(1);
  if (body.length === 0) throw new DataError(DataErrorCode.EmptyCsv, `${source}: the file has a header but no data rows`);
  const values = new Float64Array(body.length * wanted.length);
  body.forEach(({ line, lineNo }, r) => {
    const cells = line.split(',');
    indices.forEach((idx, c) => {
      const cell = cells[idx]?.trim() ?? '';
      if (cell === '') {
        throw new DataError(DataErrorCode.MissingValue, `${source}: row ${lineNo}, column "${wanted[c]}": missing value`);
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) {
        throw new DataError(
          DataErrorCode.NotNumeric,
          `${source}: row ${lineNo}, column "${wanted[c]}": "${cell}" is not a finite number`,
        );
      }
      const row = opts.reverse ? body.length - 1 - r : r;
      values[row * wanted.length + c] = v;
    });
  });
  return { columns: [...wanted], values, rows: body.length };
}

/** Reads and parses a numeric CSV file; an unreadable file is a {@link DataError}. */
export async function loadNumericCsv(path: string, opts: Omit<CsvOptions, 'source'> = {}): Promise<NumericTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((err as Error).message);
    throw new DataError(DataErrorCode.FileUnreadable, `${path}: cannot read data file (${reason})`, { cause: err });
  }
  return parseNumericCsv(text, { ...opts, source: path });
}
