/**
 * The post-hoc scores repeated and summarised, as TimeGAN reports them: mean ± standard
 * deviation over independent repetitions (new split, initial weights and batches each time).
 * The standard deviation is the population one (numpy's default `np.std`, which the reference
 * code's result tables use).
 */
import type { WindowedData } from '../types.js';
import { discriminativeScore, type DiscriminativeOptions } from './discriminative.js';
import { EvalError, EvalErrorCode } from './errors.js';
import { predictiveScore, type PredictiveOptions } from './predictive.js';

/** Mean ± std of repeated measurements, and the measurements. */
export interface ScoreSummary {
  mean: number;
  /** Population standard deviation. */
  std: number;
  values: number[];
  /** Wall time of all repetitions, seconds. */
  seconds: number;
}

/** Mean and population standard deviation of `values`. */
export function meanStd(values: number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** `value` when it is a positive integer; otherwise an EvalError naming the option. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new EvalError(EvalErrorCode.BadOption, `${name} must be a positive integer, got ${value}`);
  return value;
}

/** Runs `measure(seed)` for seeds seed, seed + 1, ... `repetitions` times and summarises. */
export function repeatScore(repetitions: number, seed: number, measure: (seed: number) => number): ScoreSummary {
  positiveInteger('repetitions', repetitions);
  const started = performance.now();
  const values: number[] = [];
  for (let r = 0; r < repetitions; r++) values.push(measure(seed + r));
  return { ...meanStd(values), values, seconds: (performance.now() - started) / 1000 };
}

export interface PostHocOptions {
  /** Independent repetitions of each score; default 5. */
  repetitions?: number;
  /** Seed of the first repetition; default 0. */
  seed?: number;
  /** Discriminative score settings (its seed comes from the repetition); `false` skips it. */
  discriminative?: Omit<DiscriminativeOptions, 'seed'> | false;
  /** Predictive score settings (its seed comes from the repetition); `false` skips it. */
  predictive?: Omit<PredictiveOptions, 'seed'> | false;
  /** Called after each repetition (progress reporting); `index` counts from 0. */
  onRepetition?: (score: 'discriminative' | 'predictive', index: number, value: number) => void;
}

export interface PostHocScores {
  /** |accuracy − 0.5| of the post-hoc classifier (lower is better); absent when skipped. */
  discriminative?: ScoreSummary;
  /** MAE on real data of a predictor trained on synthetic data (lower is better); absent when skipped. */
  predictive?: ScoreSummary;
}

/** TimeGAN's discriminative and predictive scores of `synthetic` against `real`, mean ± std over repetitions. */
export function postHocScores(real: WindowedData, synthetic: WindowedData, opts: PostHocOptions = {}): PostHocScores {
  const repetitions = opts.repetitions ?? 5;
  const seed = opts.seed ?? 0;
  const out: PostHocScores = {};
  if (opts.discriminative !== false) {
    const d = opts.discriminative ?? {};
    out.discriminative = repeatScore(repetitions, seed, (s) => {
      const value = discriminativeScore(real, synthetic, { ...d, seed: s }).score;
      opts.onRepetition?.('discriminative', s - seed, value);
      return value;
    });
  }
  if (opts.predictive !== false) {
    const p = opts.predictive ?? {};
    out.predictive = repeatScore(repetitions, seed, (s) => {
      const value = predictiveScore(synthetic, real, { ...p, seed: s }).mae;
      opts.onRepetition?.('predictive', s - seed, value);
      return value;
    });
  }
  return out;
}
