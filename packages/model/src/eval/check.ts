/** Shape checks shared by every metric: both sets must be windows of the same `[seqLen, features]`. */
import type { WindowedData } from '../types.js';
import { EvalError, EvalErrorCode } from './errors.js';

/** Throws {@link EvalError} unless `real` and `synthetic` are well-formed windows of one shape, `minCount` or more each. */
export function checkComparable(real: WindowedData, synthetic: WindowedData, minCount = 1): void {
  for (const [label, d] of [['real', real], ['synthetic', synthetic]] as const) {
    if (d.windows.length !== d.count * d.seqLen * d.features) {
      throw new EvalError(
        EvalErrorCode.ShapeMismatch,
        `${label} windows hold ${d.windows.length} values, expected count·seqLen·features = ${d.count * d.seqLen * d.features}`,
      );
    }
    if (d.count < minCount) {
      throw new EvalError(EvalErrorCode.TooFewWindows, `${label} data has ${d.count} window(s); at least ${minCount} are needed`);
    }
  }
  if (real.seqLen !== synthetic.seqLen || real.features !== synthetic.features) {
    throw new EvalError(
      EvalErrorCode.ShapeMismatch,
      `real windows are ${real.seqLen} steps x ${real.features} features, synthetic ${synthetic.seqLen} x ${synthetic.features}`,
    );
  }
}
