/**
 * A cheap in-training evaluation the worker runs every `evalEvery` steps, so a dashboard can
 * follow sample quality while a trial trains: the moment distance between generated sequences
 * and held-out real windows, in the scaled [0, 1] units the model sees, and the model package's
 * distribution metrics on the same windows (marginal W1, autocorrelation and cross-correlation
 * distances, MMD²: `marginal_w1`, `autocorrelation`, `cross_correlation`, `mmd2`). For each feature it
 * compares the mean and the standard deviation over all sequences and time steps, plus the
 * mean lag-1 autocorrelation (which a generator ignoring time would miss), and averages the
 * absolute differences. 0 means identical moments; it is a sanity signal, not the TimeGAN
 * discriminative / predictive scores (those train post-hoc classifiers and are too slow to
 * run inside a training loop).
 */
import { distributionMetrics, generateLike, type Trainer, type WindowedData } from '@grugan/model';

/** Named scores of one evaluation (lower is better). */
export type EvalScores = Record<string, number>;

/** Per-feature mean, standard deviation and lag-1 autocorrelation of `[n, T, F]` windows. */
export function featureMoments(data: Float32Array, n: number, seqLen: number, features: number): { mean: number[]; std: number[]; autocorr: number[] } {
  const mean: number[] = [];
  const std: number[] = [];
  const autocorr: number[] = [];
  for (let f = 0; f < features; f++) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n * seqLen; i++) {
      const v = data[i * features + f];
      sum += v;
      sq += v * v;
    }
    const count = n * seqLen;
    const mu = sum / count;
    const variance = Math.max(0, sq / count - mu * mu);
    let lagged = 0;
    for (let s = 0; s < n; s++) {
      for (let t = 1; t < seqLen; t++) {
        const base = s * seqLen * features;
        lagged += (data[base + t * features + f] - mu) * (data[base + (t - 1) * features + f] - mu);
      }
    }
    const pairs = n * (seqLen - 1);
    mean.push(mu);
    std.push(Math.sqrt(variance));
    autocorr.push(variance > 1e-12 && pairs > 0 ? lagged / pairs / variance : 0);
  }
  return { mean, std, autocorr };
}

/** Mean absolute difference of the moments of two window sets with the same shape per window. */
export function momentDistance(real: ReturnType<typeof featureMoments>, fake: ReturnType<typeof featureMoments>): number {
  let total = 0;
  const features = real.mean.length;
  for (let f = 0; f < features; f++) {
    total += Math.abs(real.mean[f] - fake.mean[f]) + Math.abs(real.std[f] - fake.std[f]) + Math.abs(real.autocorr[f] - fake.autocorr[f]);
  }
  return total / (3 * features);
}

/**
 * Generates up to `maxSamples` sequences (a fixed noise seed, so successive evaluations differ
 * only by the weights) and scores them against the held-out windows (the training windows
 * when the data has no test split).
 */
export function evaluateMoments(trainer: Pick<Trainer, 'features' | 'generate' | 'sampleNoise' | 'conditionDim'>, test: WindowedData, fallback: WindowedData, seed: number, maxSamples = 256): EvalScores {
  const real = test.count > 0 ? test : fallback;
  if (Math.min(maxSamples, real.count) === 0) return {};
  const synthetic = generateLike(trainer, real, { seed, maxSamples });
  const n = synthetic.count;
  const realMoments = featureMoments(real.windows, real.count, real.seqLen, real.features);
  const fakeMoments = featureMoments(synthetic.windows, n, real.seqLen, real.features);
  const scores: EvalScores = { moment_distance: momentDistance(realMoments, fakeMoments) };
  if (n < 2) return scores; // the distribution metrics compare at least two windows a side
  const d = distributionMetrics(real, synthetic, { mmd: { seed } });
  return { ...scores, marginal_w1: d.marginalW1, autocorrelation: d.autocorrelation, cross_correlation: d.crossCorrelation, mmd2: d.mmd2 };
}
