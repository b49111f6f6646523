/**
 * Named errors of the evaluation suite: windows that cannot be compared (different shapes),
 * too few windows for a train/test split, or data the predictive score cannot use.
 */

/** Stable codes of {@link EvalError}. */
export const EvalErrorCode = {
  /** Real and synthetic windows differ in sequence length or feature count. */
  ShapeMismatch: 'EVAL_SHAPE_MISMATCH',
  /** Too few windows to train and test a post-hoc model (or to compute a statistic). */
  TooFewWindows: 'EVAL_TOO_FEW_WINDOWS',
  /** The predictive score needs at least two features (inputs and a target) and two steps. */
  TooFewFeatures: 'EVAL_TOO_FEW_FEATURES',
  /** An option is out of range (zero iterations, a negative lag, ...). */
  BadOption: 'EVAL_BAD_OPTION',
  /** A samples table is not grouped into equal-length sequences. */
  BadSequences: 'EVAL_BAD_SEQUENCES',
  /** A value is NaN or infinite (a diverged generator): no embedding of it means anything. */
  NonFinite: 'EVAL_NON_FINITE',
} as const;
export type EvalErrorCode = (typeof EvalErrorCode)[keyof typeof EvalErrorCode];

/** Evaluation input that cannot be scored; the message says what and why. */
export class EvalError extends Error {
  override readonly name = 'EvalError';
  constructor(
    /** Stable machine-readable reason. */
    readonly code: EvalErrorCode,
    message: string,
  ) {
    super(message);
  }
}
