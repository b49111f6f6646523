/**
 * The distribution metrics at a training evaluation tick: generate windows with a fixed noise
 * seed (so successive ticks differ only by the weights) and compare them with real windows —
 * marginal W1, autocorrelation and cross-correlation distances, MMD² — all in the scaled units
 * the model trains on. Cheap enough for every tick (no post-hoc network is trained).
 */
import { Rng } from '../rng.js';
import type { Trainer } from '../trainer/trainer.js';
import { generateWindows } from '../trainer/generate-windows.js';
import type { WindowedData } from '../types.js';
import { distributionMetrics, type DistributionMetrics } from './distribution-metrics.js';

export interface TrainingEvalOptions {
  /** Seed of the generator noise (and of MMD's subsample). */
  seed: number;
  /** Windows generated at most; default 500 (and never more than the real side has). */
  maxSamples?: number;
}

/**
 * Up to `maxSamples` generated windows shaped like `real`'s, from the seeded noise: the synthetic
 * side of a training evaluation (the worker scores its moment distance on the same windows).
 */
export function generateLike(
  trainer: Pick<Trainer, 'features' | 'generate' | 'sampleNoise' | 'conditionDim'>,
  real: WindowedData,
  opts: TrainingEvalOptions,
): WindowedData {
  const n = Math.min(opts.maxSamples ?? 500, real.count);
  // Conditional models generate for real windows' own labels, so both sides have the same mix.
  const labels = trainer.conditionDim > 0 && real.labels ? real.labels.subarray(0, n) : undefined;
  const windows = generateWindows(trainer, new Rng(opts.seed, 'evaluation'), n, real.seqLen, labels);
  return { windows, count: n, seqLen: real.seqLen, features: real.features, columns: real.columns };
}

/** Generates windows like `real`'s and scores them against `real` (e.g. the held-out split). */
export function evaluateGenerator(
  trainer: Pick<Trainer, 'features' | 'generate' | 'sampleNoise' | 'conditionDim'>,
  real: WindowedData,
  opts: TrainingEvalOptions,
): DistributionMetrics {
  return distributionMetrics(real, generateLike(trainer, real, opts), { mmd: { seed: opts.seed } });
}
