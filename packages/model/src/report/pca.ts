/**
 * Two-dimensional PCA as TimeGAN draws it: the principal axes are fitted on the REAL points only
 * (centred, not scaled, like scikit-learn's `PCA`), and both sets are projected onto them, so the
 * synthetic cloud is seen in the real data's coordinates. The decomposition is `ml-pca`'s
 * (exact SVD, deterministic).
 */
import { PCA } from 'ml-pca';
import { EvalError, EvalErrorCode } from '../eval/errors.js';

/** Both point sets in the real data's first principal components. */
export interface PcaProjection {
  /** Real points projected, `[n][components]`. */
  real: number[][];
  /** Synthetic points projected, `[m][components]`. */
  synthetic: number[][];
  /** Fraction of the real data's variance on each returned component. */
  explainedVariance: number[];
}

/** Fits PCA on `real` (rows are points) and projects `real` and `synthetic` on its first `components` axes. */
export function pcaProjection(real: number[][], synthetic: number[][], components = 2): PcaProjection {
  if (real.length < 2) throw new EvalError(EvalErrorCode.TooFewWindows, `PCA needs at least 2 real points, got ${real.length}`);
  const dims = real[0].length;
  if (components > dims) throw new EvalError(EvalErrorCode.BadOption, `PCA: ${components} components asked of ${dims}-dimensional points`);
  const pca = new PCA(real, { center: true, scale: false });
  const project = (rows: number[][]) => (rows.length === 0 ? [] : pca.predict(rows, { nComponents: components }).to2DArray());
  return {
    real: project(real),
    synthetic: project(synthetic),
    explainedVariance: pca.getExplainedVariance().slice(0, components),
  };
}
