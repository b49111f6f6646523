/**
 * Rows of a long table grouped into windows by a sequence-id column, as `grugan train` and
 * `grugan sample` write generated samples (`sequence,step,<features>`, one row per time step,
 * the rows of a sequence consecutive and in step order). Every sequence must have the same
 * length; the result is a `WindowedData` like the real data's sliding windows.
 */
import type { WindowedData } from '../types.js';
import { EvalError, EvalErrorCode } from './errors.js';

export interface SequenceColumns {
  /** Sequence id of each row. */
  sequence: ArrayLike<number>;
  /** Step index of each row, checked to count 0, 1, ... within each sequence when given. */
  step?: ArrayLike<number>;
  /** Name for messages, e.g. the file path. */
  source?: string;
}

/** Groups row-major `values` `[rows, columns.length]` into windows `[sequences, seqLen, features]`. */
export function groupSequences(values: ArrayLike<number>, columns: string[], ids: SequenceColumns): WindowedData {
  const F = columns.length;
  const rows = ids.sequence.length;
  const source = ids.source ?? 'samples';
  if (rows === 0) throw new EvalError(EvalErrorCode.TooFewWindows, `${source}: no rows`);
  if (values.length !== rows * F) {
    throw new EvalError(EvalErrorCode.BadSequences, `${source}: ${values.length} values for ${rows} rows of ${F} features`);
  }
  // Sequence boundaries: where the id changes. A repeated id later on means the rows are not grouped.
  const starts: number[] = [0];
  const seen = new Set<number>([ids.sequence[0]]);
  for (let r = 1; r < rows; r++) {
    if (ids.sequence[r] === ids.sequence[r - 1]) continue;
    if (seen.has(ids.sequence[r])) {
      throw new EvalError(EvalErrorCode.BadSequences, `${source}: rows of sequence ${ids.sequence[r]} are not consecutive (again at data row ${r + 1})`);
    }
    seen.add(ids.sequence[r]);
    starts.push(r);
  }
  const seqLen = (starts[1] ?? rows) - starts[0];
  starts.forEach((start, i) => {
    const length = (starts[i + 1] ?? rows) - start;
    if (length !== seqLen) {
      throw new EvalError(
        EvalErrorCode.BadSequences,
        `${source}: sequence ${ids.sequence[start]} has ${length} steps, the first has ${seqLen}; all must be equally long`,
      );
    }
    if (ids.step) {
      for (let t = 0; t < length; t++) {
        if (ids.step[start + t] !== t) {
          throw new EvalError(EvalErrorCode.BadSequences, `${source}: data row ${start + t + 1}: step ${ids.step[start + t]} where ${t} was expected`);
        }
      }
    }
  });
  const windows = new Float32Array(rows * F); // [sequences, seqLen, F]: rows are already in this order
  for (let i = 0; i < windows.length; i++) windows[i] = values[i];
  return { windows, count: starts.length, seqLen, features: F, columns: [...columns] };
}
