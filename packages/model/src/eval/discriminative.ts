/**
 * TimeGAN's discriminative score (Yoon et al., NeurIPS 2019, §5; `discriminative_score_metrics`
 * in github.com/jsyoon0823/TimeGAN, metrics/discriminative_metrics.py): train a post-hoc GRU
 * classifier to tell real windows (label 1) from synthetic ones (label 0), and report
 * |accuracy − 0.5| on held-out windows. 0 means indistinguishable, 0.5 means always told apart.
 *
 * The protocol, as the reference code runs it:
 * - each set is shuffled and split 80 / 20 into train and test windows;
 * - 2000 iterations; each draws 128 real and 128 synthetic training windows (distinct within a
 *   draw) and takes one Adam step (lr 1e-3, β 0.9 / 0.999, ε 1e-8) on
 *   BCE(real, 1) + BCE(synthetic, 0), each the mean over its 128 windows;
 * - the classifier is a `PostHocGru` read from its final state; a window is called real when
 *   σ(logit) > 0.5; accuracy is over all test windows of both sets.
 * One deliberate addition: when the sets differ in size, the larger is subsampled (seeded) to the
 * smaller's count first. TimeGAN always compares equal counts; with unequal ones the test set is
 * unbalanced and a constant classifier would score |majority share − 0.5| > 0.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';
import type { WindowedData } from '../types.js';
import { checkComparable } from './check.js';
import { EvalError, EvalErrorCode } from './errors.js';
import { mapInChunks, PostHocGru, PostHocTrainer, postHocUnits } from './post-hoc-gru.js';
import { gatherRows, randomPermutation, SubsetDrawer } from './sampling.js';

/** Fewest windows per set that leave both a train and a test part after an 80 / 20 split. */
export const MIN_DISCRIMINATIVE_WINDOWS = 5;

export interface DiscriminativeOptions {
  /** Adam steps; TimeGAN: 2000. */
  iterations?: number;
  /** Windows per set per step; TimeGAN: 128. */
  batchSize?: number;
  /** Adam learning rate; TimeGAN (TF 1's default): 1e-3. */
  learningRate?: number;
  /** Share of each set used for training; TimeGAN: 0.8. */
  trainFraction?: number;
  /** GRU units; default max(1, ⌊features/2⌋) as TimeGAN. */
  units?: number;
  /** Seed of the split, initial weights and batch draws; default 0. */
  seed?: number;
}

export interface DiscriminativeResult {
  /** |accuracy − 0.5| on the held-out windows. */
  score: number;
  /** Held-out accuracy. */
  accuracy: number;
  /** Windows per set after balancing; train and test windows per set. */
  windows: { perSet: number; train: number; test: number };
}

/** Trains and tests one post-hoc classifier (one repetition of the score). */
export function discriminativeScore(real: WindowedData, synthetic: WindowedData, opts: DiscriminativeOptions = {}): DiscriminativeResult {
  checkComparable(real, synthetic, MIN_DISCRIMINATIVE_WINDOWS);
  const iterations = opts.iterations ?? 2000;
  const batchSize = opts.batchSize ?? 128;
  const trainFraction = opts.trainFraction ?? 0.8;
  if (!Number.isInteger(iterations) || iterations < 1) throw new EvalError(EvalErrorCode.BadOption, `iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new EvalError(EvalErrorCode.BadOption, `batchSize must be a positive integer, got ${batchSize}`);
  if (!(trainFraction > 0 && trainFraction < 1)) throw new EvalError(EvalErrorCode.BadOption, `trainFraction must be in (0, 1), got ${trainFraction}`);

  const { seqLen: T, features: F } = real;
  const rowSize = T * F;
  const rng = new Rng(opts.seed ?? 0, 'discriminative');
  const perSet = Math.min(real.count, synthetic.count);
  const trainCount = Math.floor(perSet * trainFraction);
  const testCount = perSet - trainCount;
  if (trainCount < 1 || testCount < 1) {
    throw new EvalError(EvalErrorCode.TooFewWindows, `${perSet} windows per set leave no train or no test windows at a ${trainFraction} split`);
  }
  // Shuffle each set; its first trainCount windows train, the next testCount test (TimeGAN's train_test_divide).
  const split = (d: WindowedData) => {
    const perm = randomPermutation(d.count, rng);
    return {
      train: gatherRows(d.windows, rowSize, perm.subarray(0, trainCount)), // [trainCount, T, F]
      test: gatherRows(d.windows, rowSize, perm.subarray(trainCount, perSet)), // [testCount, T, F]
    };
  };
  const r = split(real);
  const s = split(synthetic);

  const model = new PostHocGru(F, opts.units ?? postHocUnits(F), rng);
  const trainer = new PostHocTrainer(model, opts.learningRate ?? 1e-3);
  const b = Math.min(batchSize, trainCount);
  const drawReal = new SubsetDrawer(trainCount, rng);
  const drawSynthetic = new SubsetDrawer(trainCount, rng);
  const batch = new Float32Array(2 * b * rowSize); // [2b, T, F]: b real, then b synthetic
  const labels = tf.tidy(() => tf.concat([tf.ones([b]), tf.zeros([b])])); // [2b]
  try {
    for (let it = 0; it < iterations; it++) {
      gatherRows(r.train, rowSize, drawReal.draw(b), batch.subarray(0, b * rowSize));
      gatherRows(s.train, rowSize, drawSynthetic.draw(b), batch.subarray(b * rowSize));
      const x = tf.tensor3d(batch, [2 * b, T, F]);
      // mean BCE over 2b windows × 2 = mean over the real half + mean over the synthetic half.
      trainer.step(() => tf.mul(tf.losses.sigmoidCrossEntropy(labels, model.finalLogit(x)), 2) as tf.Scalar);
      x.dispose();
    }
    const logitsReal = mapInChunks(r.test, testCount, [T, F], (x) => model.finalLogit(x));
    const logitsSynthetic = mapInChunks(s.test, testCount, [T, F], (x) => model.finalLogit(x));
    let correct = 0;
    for (const l of logitsReal) if (l > 0) correct++;
    for (const l of logitsSynthetic) if (!(l > 0)) correct++;
    const accuracy = correct / (2 * testCount);
    return { score: Math.abs(accuracy - 0.5), accuracy, windows: { perSet, train: trainCount, test: testCount } };
  } finally {
    labels.dispose();
    model.dispose();
  }
}
