/**
 * Chooses which weights a run samples from: at a few points late in training, the windows the
 * current sampling weights generate are scored with TimeGAN's discriminative score (a post-hoc
 * classifier, averaged over a few trainings), and the snapshot scoring lowest is kept.
 *
 * Why: on sines the weight average's score moves by a factor of two between points a few thousand
 * iterations apart (one seed 0.013 at 18 500 steps, 0.026 at 26 250), so where the budget happens
 * to end decides much of a run's result. The distribution metrics are cheaper but do not pick the
 * snapshots a classifier prefers (lowest MMD² was measured not to; bench/QUALITY.md).
 *
 * The lowest of many noisy scores is partly luck (a few classifiers per snapshot), so with
 * `finalists` > 1 the lowest few snapshots keep their windows, and `confirm()` scores each of them
 * with more classifiers and chooses by the mean of all of a finalist's scores.
 *
 * The selection draws its own noise (stream 'selection') and trains its classifiers with seeds
 * `seed + SELECTION_SEED_OFFSET + r`, so a final evaluation with the usual seeds scores the chosen
 * weights on samples and classifiers the choice never saw.
 */
import type { SelectionConfig } from '@grugan/protocol';
import { Rng } from '../rng.js';
import type { Trainer } from '../trainer/trainer.js';
import { generateWindows } from '../trainer/generate-windows.js';
import type { WindowedData } from '../types.js';
import { discriminativeScore, type DiscriminativeOptions } from './discriminative.js';
import { meanStd, positiveInteger, repeatScore } from './post-hoc-scores.js';

/** Added to the run's seed for the selection's classifiers (final scores use seed + 0 … 4). */
export const SELECTION_SEED_OFFSET = 10_000;

/**
 * Whether `training.selection` scores the snapshot after `step`: every `every` steps from `from`
 * on, and at `lastStep` (when given and not before `from`). Never when `every` is 0.
 */
export function selectionDue(select: Pick<SelectionConfig, 'every' | 'from'>, step: number, lastStep?: number): boolean {
  if (select.every === 0 || step < select.from) return false;
  return (step - select.from) % select.every === 0 || step === lastStep;
}

/** What the selection needs of a trainer. */
export type SelectionTrainer = Pick<Trainer, 'features' | 'generate' | 'sampleNoise' | 'conditionDim'>;

export interface ClassifierSelectionOptions {
  /** Seed of the run: the selection's noise and classifiers derive from it. */
  seed: number;
  /** Classifier trainings per snapshot, averaged; default 3. */
  repetitions?: number;
  /** The classifier's settings; default TimeGAN's protocol (2000 iterations, batch 128, lr 1e-3). */
  classifier?: Omit<DiscriminativeOptions, 'seed'>;
  /** Windows generated per snapshot; default as many as `real` has. */
  maxSamples?: number;
  /** How many of the lowest-scoring snapshots `confirm()` scores again; default 1 (no second look). */
  finalists?: number;
  /** Classifier trainings `confirm()` adds to each finalist; default 6. */
  confirmRepetitions?: number;
}

/** The options `training.selection` gives a run seeded `seed` (its `every` / `from` say when, not how). */
export function selectionOptions(select: SelectionConfig, seed: number): ClassifierSelectionOptions {
  const { repetitions, finalists, confirmRepetitions, iterations } = select;
  return { seed, repetitions, finalists, confirmRepetitions, classifier: { iterations } };
}

/** One scored snapshot. */
export interface SelectionScore {
  step: number;
  /** Mean discriminative score of the snapshot's windows (lower is better). */
  score: number;
  /** Wall time of generating and scoring, seconds. */
  seconds: number;
}

/**
 * A snapshot among the lowest-scoring few: every classifier score it got and, where `confirm()`
 * will score it again (finalists > 1), its windows (as many as the real data: not kept otherwise).
 */
interface Finalist<S> {
  scored: SelectionScore;
  state: S;
  windows?: WindowedData;
  values: number[];
}

export class ClassifierSelection<S> {
  /** Every snapshot scored, in order. */
  readonly scores: SelectionScore[] = [];
  /** After `confirm()`: the finalist with the lowest mean over all its classifier trainings. */
  confirmed?: SelectionScore & { state: S };
  private readonly repetitions: number;
  private readonly finalistCount: number;
  private readonly confirmRepetitions: number;
  /** The `finalistCount` lowest-scoring snapshots, lowest first. */
  private finalists: Finalist<S>[] = [];

  constructor(
    private readonly real: WindowedData,
    private readonly opts: ClassifierSelectionOptions,
  ) {
    this.repetitions = positiveInteger('repetitions', opts.repetitions ?? 3);
    this.finalistCount = positiveInteger('finalists', opts.finalists ?? 1);
    this.confirmRepetitions = positiveInteger('confirmRepetitions', opts.confirmRepetitions ?? 6);
  }

  /**
   * Generates windows with the trainer's sampling weights (its weight average where it keeps
   * one), scores them, and keeps `capture()` when they are among the `finalists` lowest so far.
   * Returns the score.
   */
  consider(step: number, trainer: SelectionTrainer, capture: () => S): SelectionScore {
    const started = performance.now();
    const windows = this.generate(trainer);
    const { mean: score, values } = this.score(windows, 0, this.repetitions);
    const scored = { step, score, seconds: (performance.now() - started) / 1000 };
    this.scores.push(scored);
    const rank = this.finalists.findIndex((f) => score < f.scored.score);
    const at = rank === -1 ? this.finalists.length : rank;
    if (at < this.finalistCount) {
      this.finalists.splice(at, 0, { scored, state: capture(), windows: this.finalistCount > 1 ? windows : undefined, values });
      this.finalists.length = Math.min(this.finalists.length, this.finalistCount);
    }
    return scored;
  }

  /**
   * Scores each finalist with `confirmRepetitions` more classifiers (the same fresh seeds for
   * each, so they are compared on equal terms) and returns the one with the lowest mean over all
   * its trainings; with one finalist, that one without more scoring. Undefined before any
   * `consider`. Scores once: later calls return the same choice.
   */
  confirm(): (SelectionScore & { state: S }) | undefined {
    if (this.confirmed !== undefined || this.finalists.length === 0) return this.confirmed;
    if (this.finalists.length > 1) {
      for (const f of this.finalists) f.values.push(...this.score(f.windows!, this.repetitions, this.confirmRepetitions).values);
    }
    const mean = (f: Finalist<S>) => meanStd(f.values).mean;
    const chosen = this.finalists.reduce((a, f) => (mean(f) < mean(a) ? f : a));
    this.confirmed = { ...chosen.scored, score: mean(chosen), state: chosen.state };
    return this.confirmed;
  }

  /** The lowest-scoring snapshot so far and what `consider` captured for it. */
  get best(): (SelectionScore & { state: S }) | undefined {
    const lowest = this.finalists[0];
    return lowest && { ...lowest.scored, state: lowest.state };
  }

  /** Steps of the finalists, lowest first-look score first. */
  get finalistSteps(): number[] {
    return this.finalists.map((f) => f.scored.step);
  }

  /** Seconds the last `consider` took (0 before the first): what one more would cost. */
  get lastSeconds(): number {
    return this.scores.at(-1)?.seconds ?? 0;
  }

  /** Classifier trainings `first` … `first + count − 1` of the selection's seeds on `synthetic`. */
  private score(synthetic: WindowedData, first: number, count: number) {
    const base = this.opts.seed + SELECTION_SEED_OFFSET + first;
    return repeatScore(count, base, (s) => discriminativeScore(this.real, synthetic, { ...this.opts.classifier, seed: s }).score);
  }

  private generate(trainer: SelectionTrainer): WindowedData {
    const { real } = this;
    const n = Math.min(this.opts.maxSamples ?? real.count, real.count);
    // Conditional models generate for the real windows' own labels, so both sides have the same mix.
    const labels = trainer.conditionDim > 0 && real.labels ? real.labels.subarray(0, n) : undefined;
    const windows = generateWindows(trainer, new Rng(this.opts.seed, 'selection'), n, real.seqLen, labels);
    return { windows, count: n, seqLen: real.seqLen, features: real.features, columns: real.columns };
  }
}
