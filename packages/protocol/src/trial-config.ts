/**
 * TrialConfig: every hyper-parameter of one GRU-GAN training run.
 *
 * One zod schema is the single source of truth; the TypeScript type is inferred from it.
 * The defaults train TimeGAN's `sines` data well on a CPU (24 steps x 5 features):
 * hidden 24, 3 layers, per-step discriminator logits, non-saturating loss, Adam 1e-3 / (0.5, 0.999).
 */
import { z } from 'zod';

export const BuiltinDatasetName = z.enum(['sines']);
export type BuiltinDatasetName = z.infer<typeof BuiltinDatasetName>;

export const ScalingKind = z.enum(['minmax', 'none']);

/**
 * Conditional generation: one categorical label per window, read from a CSV column, given to the
 * generator and the discriminator as a one-hot vector appended to every step's input (as in
 * conditional GANs, Mirza & Osindero 2014, and RCGAN, Esteban et al. 2017).
 */
export const ConditioningConfig = z.object({
  /** CSV column holding each row's label; it is not used as a feature. */
  column: z.string().min(1),
  /** Every label value, in one-hot order; rows with another value are rejected. Kept in the checkpoint's config, so sampling knows them. */
  values: z.array(z.string().min(1)).min(2).refine((v) => new Set(v).size === v.length, { message: 'label values must be distinct' }),
  /** A window's label: its most frequent value (ties: the earliest in `values`), or its first row's (a static attribute). */
  reduce: z.enum(['mode', 'first']).default('mode'),
});
export type ConditioningConfig = z.infer<typeof ConditioningConfig>;

export const DataConfig = z
  .object({
    /** Built-in data set name; exclusive with `path`. */
    dataset: BuiltinDatasetName.optional(),
    /** CSV file with a header row; exclusive with `dataset`. */
    path: z.string().min(1).optional(),
    /** CSV columns to use, by header name (default: every column). */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** Reverse the CSV rows (TimeGAN's stock data is newest first). */
    reverse: z.boolean().default(false),
    /** Window length in time steps: TimeGAN uses 24. */
    seqLen: z.number().int().min(2).max(4096).default(24),
    /** Step between window starts; 1 = every window, as TimeGAN does. */
    stride: z.number().int().min(1).default(1),
    /** Per-column scaling to [0, 1], which the generator's sigmoid output needs. */
    scaling: ScalingKind.default('minmax'),
    /** Number of sequences generated for built-in data sets (TimeGAN: 10 000). */
    numSequences: z.number().int().min(1).default(10000),
    /** Features of built-in data sets (TimeGAN sines: 5). */
    features: z.number().int().min(1).default(5),
    /** Fraction held out as test data. */
    testFraction: z.number().min(0).max(0.9).default(0.2),
    /** Conditional generation on a label column (CSV data only); absent = unconditional. */
    conditioning: ConditioningConfig.optional(),
  })
  .refine((d) => (d.dataset === undefined) !== (d.path === undefined), {
    message: 'give exactly one of data.dataset or data.path',
    path: ['dataset'],
  })
  .refine((d) => d.conditioning === undefined || d.path !== undefined, {
    message: 'data.conditioning needs CSV data (data.path) with a label column',
    path: ['conditioning'],
  })
  .refine((d) => d.conditioning === undefined || d.columns === undefined || !d.columns.includes(d.conditioning.column), {
    message: 'the label column must not also be a feature column',
    path: ['conditioning', 'column'],
  });
export type DataConfig = z.infer<typeof DataConfig>;

export const GruVariant = z.enum(['cho2014', 'reset-after']);
export type GruVariant = z.infer<typeof GruVariant>;

export const DiscriminatorOutput = z.enum(['per-step', 'final']);
export type DiscriminatorOutput = z.infer<typeof DiscriminatorOutput>;

/**
 * TimeGAN's hyper-parameters (Yoon et al., NeurIPS 2019), used when `model.kind` is 'timegan'.
 * Defaults are those of the authors' code (github.com/jsyoon0823/TimeGAN, `timegan.py`). Network
 * sizes come from `model.hiddenSize` / `model.layers` (TimeGAN: 24 / 3, which are our defaults).
 */
export const TimeGanConfig = z.object({
  /** Phase 1 (embedder + recovery as an autoencoder) iterations; default ⌊training.steps / 3⌋, as TimeGAN gives every phase the same count. */
  embeddingSteps: z.number().int().min(0).optional(),
  /** Phase 2 (supervisor on the embeddings of real data) iterations; default ⌊training.steps / 3⌋. The joint phase gets the rest of `training.steps`. */
  supervisedSteps: z.number().int().min(0).optional(),
  /** Weight of the adversarial loss on the generator's un-supervised latents E_hat (TimeGAN's gamma). */
  gamma: z.number().min(0).default(1),
  /** Autoencoder loss = this × sqrt(MSE(X, X_tilde)) (TimeGAN: 10). */
  reconstructionWeight: z.number().min(0).default(10),
  /** Generator loss term: this × sqrt(supervised MSE) (TimeGAN: 100). */
  supervisedWeight: z.number().min(0).default(100),
  /** Generator loss term: this × (|std diff| + |mean diff|) of X_hat vs X (TimeGAN: 100). */
  momentWeight: z.number().min(0).default(100),
  /** Joint-phase embedder loss term: this × supervised MSE (TimeGAN: 0.1). */
  embedderSupervisedWeight: z.number().min(0).default(0.1),
  /** Generator (and embedder) updates per joint iteration (TimeGAN: 2). */
  generatorSteps: z.number().int().min(1).max(100).default(2),
  /** The discriminator is updated only while its loss exceeds this (TimeGAN: 0.15), so it does not overpower the generator. */
  dLossThreshold: z.number().min(0).default(0.15),
});
export type TimeGanConfig = z.infer<typeof TimeGanConfig>;

export const ModelKind = z.enum(['grugan', 'timegan']);
export type ModelKind = z.infer<typeof ModelKind>;

export const ModelConfig = z.object({
  /** Network family: TimeGAN ('timegan': embedder, recovery, generator, supervisor, discriminator; the default,
   *  since it gave far better sines than the plain GRU-GAN: see the model README) or a plain GRU-GAN ('grugan'). */
  kind: ModelKind.default('timegan'),
  /** TimeGAN's phases and loss weights; ignored by 'grugan'. */
  timegan: TimeGanConfig.prefault({}),
  /** Noise features per time step; TimeGAN uses the data's feature count. 0 = same as data. */
  noiseDim: z.number().int().min(0).default(0),
  /** GRU units per layer, for generator and discriminator. */
  hiddenSize: z.number().int().min(1).max(4096).default(24),
  /** Stacked GRU layers. */
  layers: z.number().int().min(1).max(8).default(3),
  /** Standard Cho et al. (2014) GRU, or cuDNN/Keras' reset-after variant. */
  gruVariant: GruVariant.default('cho2014'),
  /** Discriminator logit on every step (TimeGAN) or once at the end. */
  discriminatorOutput: DiscriminatorOutput.default('per-step'),
  /** Bidirectional discriminator GRU (sees the whole sequence at every step). */
  bidirectional: z.boolean().default(false),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export const LossKind = z.enum(['ns', 'minimax', 'wgan-gp', 'lsgan', 'hinge']);
export type LossKind = z.infer<typeof LossKind>;

export const LossConfig = z.object({
  /** GAN objective; `ns` is the non-saturating loss of Goodfellow et al. (2014). */
  kind: LossKind.default('ns'),
  /** Gradient-penalty weight for wgan-gp (Gulrajani et al. 2017 use 10). */
  gpWeight: z.number().min(0).default(10),
});
export type LossConfig = z.infer<typeof LossConfig>;

export const OptimizerConfig = z.object({
  /** Discriminator Adam learning rate. */
  lrD: z.number().positive().max(1).default(1e-3),
  /** Generator Adam learning rate. */
  lrG: z.number().positive().max(1).default(1e-3),
  /** Adam beta1; 0.5 is the usual GAN choice (Radford et al. 2015). */
  beta1: z.number().min(0).max(0.9999).default(0.5),
  /** Adam beta2. */
  beta2: z.number().min(0).max(0.99999).default(0.999),
  /** Adam epsilon. */
  epsilon: z.number().positive().default(1e-8),
  /**
   * Learning-rate decay over the adversarial updates (TimeGAN: its joint phase; the plain GRU-GAN:
   * every step): lr / (1 + t / lrDecaySteps) at adversarial iteration t, half the rate after
   * lrDecaySteps iterations. 0 keeps the rates constant.
   */
  lrDecaySteps: z.number().int().min(0).default(0),
});
export type OptimizerConfig = z.infer<typeof OptimizerConfig>;

/**
 * Choosing the weights samples come from (`ClassifierSelection` in @grugan/model): every `every`
 * steps from step `from` on, and at the last step, the sampling weights (the weight average where
 * `emaDecay` > 0) generate as many windows as the training data has, a post-hoc classifier
 * (TimeGAN's discriminative score, `repetitions` trainings averaged) scores them against the
 * training windows, and the lowest-scoring snapshot is what the run samples from. Costs about
 * 7 s per repetition on 2 CPU cores for sines-sized data; single-process runs only.
 */
export const SelectionConfig = z.object({
  /** Steps between scored snapshots; 0 turns selection off. */
  every: z.number().int().min(0).default(0),
  /** First step scored. */
  from: z.number().int().min(0).default(0),
  /** Classifier trainings per snapshot, averaged. */
  repetitions: z.number().int().min(1).max(20).default(3),
  /** Adam steps per classifier training (TimeGAN's protocol: 2000). */
  iterations: z.number().int().min(1).max(100_000).default(2000),
  /**
   * How many of the lowest-scoring snapshots are scored again at the end with
   * `confirmRepetitions` more classifiers each, the lowest mean over all its trainings winning;
   * 1 keeps the lowest first score (a few classifiers can rank snapshots by luck).
   */
  finalists: z.number().int().min(1).max(10).default(1),
  /** Classifier trainings added to each finalist. */
  confirmRepetitions: z.number().int().min(1).max(20).default(6),
});
export type SelectionConfig = z.infer<typeof SelectionConfig>;

export const TrainingConfig = z.object({
  /** Global batch size (split across data-parallel ranks). */
  batchSize: z.number().int().min(1).max(65536).default(128),
  /** Generator steps to train. */
  steps: z.number().int().min(1).default(2000),
  /** Discriminator steps per generator step. */
  dStepsPerGStep: z.number().int().min(1).max(100).default(1),
  /** Clip gradients to this global L2 norm; 0 turns clipping off. */
  gradClipNorm: z.number().min(0).default(0),
  /** Evaluate every this many generator steps; 0 = only at the end. */
  evalEvery: z.number().int().min(0).default(250),
  /** Checkpoint every this many generator steps; 0 = only at the end. */
  checkpointEvery: z.number().int().min(0).default(500),
  /** Log metrics every this many generator steps. */
  logEvery: z.number().int().min(1).default(10),
  /**
   * Samples come from an exponential moving average of the weights with this decay, taken over the
   * adversarial updates (TimeGAN: its joint phase); 0 = from the last iterate. GAN iterates orbit
   * the equilibrium, their average sits closer to it (Yazıcı et al., ICLR 2019).
   */
  emaDecay: z.number().min(0).lt(1).default(0),
  /** Which snapshot samples come from (off by default: samples come from the last step). */
  selection: SelectionConfig.prefault({}),
});
export type TrainingConfig = z.infer<typeof TrainingConfig>;

export const TrialConfig = z.object({
  data: DataConfig.prefault({ dataset: 'sines' }),
  model: ModelConfig.prefault({}),
  loss: LossConfig.prefault({}),
  optimizer: OptimizerConfig.prefault({}),
  training: TrainingConfig.prefault({}),
  /** Seed of every random draw: weights, noise, batches, data generation. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
});
export type TrialConfig = z.infer<typeof TrialConfig>;
/** What a user may write: every field optional, defaults filled in by `TrialConfig.parse`. */
export type TrialConfigInput = z.input<typeof TrialConfig>;
