/** The data of one (per-rank) training step. */
export interface GanBatch {
  /** Real windows, [size, T, F] row-major. */
  real: Float32Array;
  /** Generator noise, [size, T, z] row-major. */
  noise: Float32Array;
  /** Samples b in this batch (this rank's slice of the global batch). */
  size: number;
  /** Per-sample draws, [size]: WGAN-GP's interpolation ε ~ U[0, 1]. */
  extra?: Float32Array;
  /** Conditioning label of each sample, [size] (class indices), for real and generated alike; conditional models only. */
  labels?: Int32Array;
}

/** Thrown when a batch's arrays do not match its size and the trainer's shapes. */
export class BatchShapeError extends Error {
  readonly code = 'ERR_BATCH_SHAPE';
  constructor(message: string) {
    super(message);
    this.name = 'BatchShapeError';
  }
}
