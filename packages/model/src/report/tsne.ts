/**
 * t-SNE (van der Maaten & Hinton 2008) of real and synthetic points TOGETHER, as TimeGAN's
 * picture does it (one embedding of the concatenated sets, perplexity 40, 300 iterations), so
 * that distance between the two clouds means something. The optimiser is `druidjs`' exact
 * O(N²) t-SNE (squared Euclidean input distances like scikit-learn's, seeded initialisation,
 * early exaggeration for the first 100 iterations): seconds for ~1000 points, which is why the
 * report subsamples.
 */
import { TSNE } from '@saehrimnir/druidjs';
import { EvalError, EvalErrorCode } from '../eval/errors.js';

export interface TsneOptions {
  /** Effective number of neighbours; default 40 (TimeGAN), lowered to (N − 1) / 3 for small N. */
  perplexity?: number;
  /** Gradient steps; default 300 (TimeGAN's `n_iter`). */
  iterations?: number;
  /** Seed of the initial layout; the same seed and points give the same embedding. */
  seed?: number;
}

/** Real and synthetic points in the same 2-D t-SNE layout. */
export interface TsneEmbedding {
  real: number[][];
  synthetic: number[][];
  /** The perplexity used (after clamping to the number of points). */
  perplexity: number;
}

/** Smallest number of points worth embedding: below it perplexity cannot reach 2. */
export const MIN_TSNE_POINTS = 7;

/** Embeds `real` and `synthetic` (rows are points of one dimension) jointly in 2-D. */
export function tsneEmbedding(real: number[][], synthetic: number[][], opts: TsneOptions = {}): TsneEmbedding {
  const points = [...real, ...synthetic];
  const n = points.length;
  if (n < MIN_TSNE_POINTS) throw new EvalError(EvalErrorCode.TooFewWindows, `t-SNE needs at least ${MIN_TSNE_POINTS} points, got ${n}`);
  if (points.some((p) => p.some((v) => !Number.isFinite(v)))) throw new EvalError(EvalErrorCode.NonFinite, 't-SNE input holds NaN or infinite values');
  // scikit-learn requires perplexity < N; (N − 1) / 3 keeps each point's 3σ neighbourhood inside the set.
  const perplexity = Math.max(2, Math.min(opts.perplexity ?? 40, (n - 1) / 3));
  const iterations = opts.iterations ?? 300;
  if (!Number.isInteger(iterations) || iterations < 1) throw new EvalError(EvalErrorCode.BadOption, `t-SNE iterations must be a positive integer, got ${iterations}`);
  const layout = new TSNE(points, { d: 2, perplexity, seed: opts.seed ?? 0 }).transform(iterations) as number[][];
  // The optimiser divides by sums of kernel values; degenerate inputs (all points equal) can end in NaN.
  if (layout.some((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) {
    throw new EvalError(EvalErrorCode.NonFinite, 't-SNE did not converge to finite coordinates (are all points identical?)');
  }
  return { real: layout.slice(0, real.length), synthetic: layout.slice(real.length), perplexity };
}
