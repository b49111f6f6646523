/**
 * Named errors of the data pipeline. Each carries a stable `code`, so callers (the CLI, the
 * worker) can branch on it, and a message that names the file, row and column at fault.
 */

/** Stable codes of {@link DataError}. */
export const DataErrorCode = {
  /** The file could not be read. */
  FileUnreadable: 'DATA_FILE_UNREADABLE',
  /** The CSV has no header or no data rows. */
  EmptyCsv: 'DATA_EMPTY_CSV',
  /** A requested column is not in the header. */
  UnknownColumn: 'DATA_UNKNOWN_COLUMN',
  /** A cell is empty or the row is short. */
  MissingValue: 'DATA_MISSING_VALUE',
  /** A cell is not a finite number. */
  NotNumeric: 'DATA_NOT_NUMERIC',
  /** Fewer rows than one window needs, or a split that leaves a side empty. */
  TooShort: 'DATA_TOO_SHORT',
  /** The data config names neither a built-in data set nor a file. */
  NoSource: 'DATA_NO_SOURCE',
  /** A conditioning label is not one of `data.conditioning.values`. */
  UnknownLabel: 'DATA_UNKNOWN_LABEL',
} as const;
export type DataErrorCode = (typeof DataErrorCode)[keyof typeof DataErrorCode];

/** Bad input data: the message says exactly where (file, 1-based row, column name). */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    /** Stable machine-readable reason. */
    readonly code: DataErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
