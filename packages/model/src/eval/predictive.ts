/**
 * TimeGAN's predictive score, "train on synthetic, test on real" (Yoon et al., NeurIPS 2019,
 * §5; `predictive_score_metrics` in github.com/jsyoon0823/TimeGAN, metrics/predictive_metrics.py):
 * a post-hoc GRU learns to predict the LAST feature one step ahead from the OTHER features,
 *
 *   input  x[0 .. T−2, 0 .. F−2]   (all features but the last, steps 0..T−2)
 *   target x[1 .. T−1, F−1]        (the last feature, steps 1..T−1),
 *
 * trained on the first set (synthetic) and scored by its mean absolute error on every window of
 * the second (real). Lower is better; a model trained on the real data itself gives the floor.
 *
 * The protocol, as the reference code runs it: `PostHocGru` with max(1, ⌊F/2⌋) units (F counts
 * all features), a linear head at every step followed by a sigmoid, 5000 iterations, each one
 * Adam step (lr 1e-3, β 0.9 / 0.999, ε 1e-8) on the MAE of 128 distinct training windows.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';
import type { WindowedData } from '../types.js';
import { checkComparable } from './check.js';
import { EvalError, EvalErrorCode } from './errors.js';
import { mapInChunks, PostHocGru, PostHocTrainer, postHocUnits } from './post-hoc-gru.js';
import { gatherRows, SubsetDrawer } from './sampling.js';

export interface PredictiveOptions {
  /** Adam steps; TimeGAN: 5000. */
  iterations?: number;
  /** Windows per step; TimeGAN: 128. */
  batchSize?: number;
  /** Adam learning rate; TimeGAN (TF 1's default): 1e-3. */
  learningRate?: number;
  /** GRU units; default max(1, ⌊features/2⌋) as TimeGAN. */
  units?: number;
  /** Seed of the initial weights and batch draws; default 0. */
  seed?: number;
}

export interface PredictiveResult {
  /** Mean absolute error of the next-step prediction on the test windows. */
  mae: number;
  /** Windows trained on and tested on. */
  windows: { train: number; test: number };
}

/** Inputs `[n, T−1, F−1]` and targets `[n, T−1]` of the next-step task, as contiguous arrays. */
export function nextStepTask(d: WindowedData): { x: Float32Array; y: Float32Array } {
  const { count: n, seqLen: T, features: F, windows } = d;
  const x = new Float32Array(n * (T - 1) * (F - 1));
  const y = new Float32Array(n * (T - 1));
  let xi = 0;
  let yi = 0;
  for (let w = 0; w < n; w++) {
    for (let t = 0; t < T - 1; t++) {
      const row = (w * T + t) * F;
      for (let f = 0; f < F - 1; f++) x[xi++] = windows[row + f];
      y[yi++] = windows[row + F + F - 1]; // step t + 1, last feature
    }
  }
  return { x, y };
}

/** Trains on `train` (synthetic) and returns the MAE on `test` (real): one repetition of the score. */
export function predictiveScore(train: WindowedData, test: WindowedData, opts: PredictiveOptions = {}): PredictiveResult {
  checkComparable(test, train, 1);
  const iterations = opts.iterations ?? 5000;
  const batchSize = opts.batchSize ?? 128;
  if (!Number.isInteger(iterations) || iterations < 1) throw new EvalError(EvalErrorCode.BadOption, `iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new EvalError(EvalErrorCode.BadOption, `batchSize must be a positive integer, got ${batchSize}`);
  const { seqLen: T, features: F } = train;
  if (F < 2 || T < 2) {
    throw new EvalError(EvalErrorCode.TooFewFeatures, `the predictive score needs ≥ 2 features and ≥ 2 steps (inputs and a next-step target), got ${F} x ${T}`);
  }
  const steps = T - 1;
  const inputs = F - 1;
  const trainTask = nextStepTask(train);
  const testTask = nextStepTask(test);

  const rng = new Rng(opts.seed ?? 0, 'predictive');
  const model = new PostHocGru(inputs, opts.units ?? postHocUnits(F), rng);
  const trainer = new PostHocTrainer(model, opts.learningRate ?? 1e-3);
  const b = Math.min(batchSize, train.count);
  const draw = new SubsetDrawer(train.count, rng);
  const xBatch = new Float32Array(b * steps * inputs); // [b, T−1, F−1]
  const yBatch = new Float32Array(b * steps); // [b, T−1]
  try {
    for (let it = 0; it < iterations; it++) {
      const idx = draw.draw(b);
      gatherRows(trainTask.x, steps * inputs, idx, xBatch);
      gatherRows(trainTask.y, steps, idx, yBatch);
      const x = tf.tensor3d(xBatch, [b, steps, inputs]);
      const y = tf.tensor2d(yBatch, [b, steps]);
      trainer.step(() => tf.losses.absoluteDifference(y, tf.sigmoid(model.stepLogits(x))) as tf.Scalar);
      tf.dispose([x, y]);
    }
    const predicted = mapInChunks(testTask.x, test.count, [steps, inputs], (x) => tf.sigmoid(model.stepLogits(x))); // [n·(T−1)]
    let sum = 0;
    for (let i = 0; i < predicted.length; i++) sum += Math.abs(predicted[i] - testTask.y[i]);
    return { mae: sum / predicted.length, windows: { train: train.count, test: test.count } };
  } finally {
    model.dispose();
  }
}
