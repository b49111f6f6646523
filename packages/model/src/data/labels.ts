/**
 * Conditioning labels from a CSV column (`data.conditioning`): each row's label as text, then one
 * label per sliding window — the window's most frequent value, or its first row's for a static
 * attribute — as an index into the configured `values` (the one-hot order).
 */
import { readFile } from 'node:fs/promises';
import type { ConditioningConfig } from '@grugan/protocol';
import { DataError, DataErrorCode } from './errors.js';

/** One CSV column as text, plus the header (to pick the other columns as features). */
export interface LabelColumn {
  header: string[];
  /** Label of each data row, in the same row order as the numeric table (reversed if asked). */
  rows: string[];
}

/** Reads column `column` of CSV text; rows reversed when `reverse` (as `parseNumericCsv` does). */
export function parseLabelColumn(text: string, column: string, opts: { reverse?: boolean; source?: string } = {}): LabelColumn {
  const source = opts.source ?? 'CSV';
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, lineNo: i + 1 })).filter((l) => l.line.trim() !== '');
  if (lines.length < 2) throw new DataError(DataErrorCode.EmptyCsv, `${source}: no header or no data rows`);
  const header = lines[0].line.split(',').map((h) => h.trim());
  const idx = header.indexOf(column);
  if (idx < 0) throw new DataError(DataErrorCode.UnknownColumn, `${source}: label column "${column}" is not in the header (columns: ${header.join(', ')})`);
  const rows = lines.slice(1).map(({ line, lineNo }) => {
    const cell = line.split(',')[idx]?.trim() ?? '';
    if (cell === '') throw new DataError(DataErrorCode.MissingValue, `${source}: row ${lineNo}, column "${column}": missing label`);
    return cell;
  });
  if (opts.reverse) rows.reverse();
  return { header, rows };
}

/** Reads the label column of a CSV file. */
export async function loadLabelColumn(path: string, column: string, reverse = false): Promise<LabelColumn> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DataError(DataErrorCode.FileUnreadable, `${path}: cannot read data file (${(err as Error).message})`, { cause: err });
  }
  return parseLabelColumn(text, column, { reverse, source: path });
}

/**
 * The label of each window [count] (windows of `seqLen` rows every `stride` rows, as
 * `slidingWindows` cuts them), as an index into `cond.values`.
 */
export function windowLabels(rows: readonly string[], cond: Pick<ConditioningConfig, 'values' | 'reduce' | 'column'>, seqLen: number, stride = 1, source = 'CSV'): Int32Array {
  const classOf = new Map(cond.values.map((v, i) => [v, i]));
  const classes = rows.map((label, r) => {
    const k = classOf.get(label);
    if (k === undefined) {
      throw new DataError(DataErrorCode.UnknownLabel, `${source}: data row ${r + 1}, column "${cond.column}": label "${label}" is not one of ${cond.values.join(', ')}`);
    }
    return k;
  });
  const count = Math.max(0, Math.floor((rows.length - seqLen) / stride) + 1);
  const out = new Int32Array(count);
  const votes = new Int32Array(cond.values.length);
  for (let w = 0; w < count; w++) {
    const start = w * stride;
    if (cond.reduce === 'first') {
      out[w] = classes[start];
      continue;
    }
    votes.fill(0);
    for (let t = start; t < start + seqLen; t++) votes[classes[t]] += 1;
    let best = 0;
    for (let k = 1; k < votes.length; k++) if (votes[k] > votes[best]) best = k; // ties: the earlier value
    out[w] = best;
  }
  return out;
}
