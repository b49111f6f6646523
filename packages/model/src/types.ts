/**
 * Shapes shared across the model package's seams: named weight arrays (what the worker
 * all-reduces and the checkpoint stores), prepared data, and the trainer's resumable state.
 * Plain typed arrays, not tensors, so they cross process and network boundaries as they are.
 */

/** One parameter, gradient or optimiser slot: row-major float32 data and its shape. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** Parameters or gradients keyed by variable name (for example `g/gru0/kernel`). */
export type NamedArrays = Record<string, NamedArray>;

/** Which network a step or gradient belongs to: discriminator or generator. */
export type NetworkRole = 'd' | 'g';

/**
 * TimeGAN's updates, each with its own loss and its own Adam (as the authors' code has five
 * solvers): 'autoencoder' (phase 1: embedder + recovery), 'supervisor' (phase 2), then jointly
 * 'g' (generator + supervisor), 'embedder' (embedder + recovery) and 'd'.
 */
export type TimeGanRole = 'autoencoder' | 'supervisor' | 'embedder' | NetworkRole;

/** Any trainer's update role: what `computeGradients` / `applyGradients` / a gradient reduce take. */
export type TrainingRole = NetworkRole | TimeGanRole;

/** Sliding windows of a data set, scaled, row-major `[count, seqLen, features]`. */
export interface WindowedData {
  windows: Float32Array;
  count: number;
  seqLen: number;
  features: number;
  /** Column names, one per feature. */
  columns: string[];
  /** Conditioning label of each window, [count]: an index into `data.conditioning.values`; absent when unconditional. */
  labels?: Int32Array;
}

/** Per-column min-max scaler: x' = (x - min) / (max - min), inverted for samples. */
export interface ScalerState {
  kind: 'minmax' | 'none';
  min: number[];
  max: number[];
}

/** A data set ready for training: train/test windows and the scaler that maps them back. */
export interface PreparedData {
  train: WindowedData;
  test: WindowedData;
  scaler: ScalerState;
  /** Human-readable origin, e.g. `sines` or a CSV path. */
  source: string;
}

/** State of a seeded random generator, enough to continue its stream exactly. */
export type RngState = number[];

/** Adam's per-network state. */
export interface AdamState {
  /** Updates taken so far (bias correction needs it). */
  iterations: number;
  /** First-moment estimates, keyed like the parameters. */
  m: NamedArrays;
  /** Second-moment estimates, keyed like the parameters. */
  v: NamedArrays;
}

/** An exponential moving average of the weights (`WeightAverage`). */
export interface WeightAverageState {
  decay: number;
  /** Updates folded in so far (the warm-up decay depends on it). */
  updates: number;
  /** The averaged values, keyed like the parameters. */
  weights: NamedArrays;
}

/** How a training run stands. */
export type TrainingStatus = 'running' | 'succeeded' | 'diverged';

/** Everything a trainer needs to continue exactly where it stopped. */
export interface TrainerState {
  /** Generator steps completed. */
  step: number;
  /** All parameters of both networks. */
  weights: NamedArrays;
  /** Adam state for the discriminator and the generator (and TimeGAN's other updates). */
  optimizer: Record<NetworkRole, AdamState> & Partial<Record<TimeGanRole, AdamState>>;
  /** Named random streams (noise, batch sampling, ...). */
  rng: Record<string, RngState>;
  status: TrainingStatus;
  /** The weight average samples are drawn with (`training.emaDecay` > 0, once averaging has begun). */
  average?: WeightAverageState;
}
