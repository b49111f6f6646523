/**
 * Draws training batches from a seeded stream so that data-parallel ranks agree.
 *
 * Every random draw of a step — the real windows' indices (uniform, with replacement), the
 * generator's noise (U[0, 1), as TimeGAN draws it) and WGAN-GP's ε — is made for the whole GLOBAL
 * batch, and each rank keeps its contiguous slice [rank·b, (rank+1)·b). All ranks therefore advance
 * the same stream, and W ranks averaging the gradients of their slices compute exactly what one
 * process computes on the whole batch.
 */
import { Rng } from '../rng.js';
import type { RngState, WindowedData } from '../types.js';
import { BatchShapeError, type GanBatch } from './batch.js';

export interface BatchSamplerOptions {
  /** Samples per step over all ranks. */
  globalBatch: number;
  /** Seed of the sampling stream (usually the trial's seed). */
  seed: number;
  /** This process's rank, 0-based. */
  rank?: number;
  /** Number of ranks; must divide `globalBatch`. */
  worldSize?: number;
  /** Noise features per step z. */
  noiseDim: number;
}

export class BatchSampler {
  private readonly rng: Rng;
  private readonly rank: number;
  private readonly worldSize: number;
  /** Samples in this rank's slice. */
  readonly localBatch: number;

  constructor(
    private readonly data: WindowedData,
    readonly options: BatchSamplerOptions,
  ) {
    this.rank = options.rank ?? 0;
    this.worldSize = options.worldSize ?? 1;
    const { globalBatch, noiseDim } = options;
    if (!Number.isInteger(globalBatch) || globalBatch < 1) throw new BatchShapeError(`globalBatch must be a positive integer, got ${globalBatch}`);
    if (!Number.isInteger(this.worldSize) || this.worldSize < 1) throw new BatchShapeError(`worldSize must be a positive integer, got ${this.worldSize}`);
    if (!Number.isInteger(this.rank) || this.rank < 0 || this.rank >= this.worldSize) {
      throw new BatchShapeError(`rank must be in [0, ${this.worldSize}), got ${this.rank}`);
    }
    if (globalBatch % this.worldSize !== 0) {
      throw new BatchShapeError(`globalBatch ${globalBatch} is not divisible by worldSize ${this.worldSize}`);
    }
    if (!Number.isInteger(noiseDim) || noiseDim < 1) throw new BatchShapeError(`noiseDim must be a positive integer, got ${noiseDim}`);
    if (data.count < 1) throw new BatchShapeError('the data has no windows to sample');
    if (data.windows.length !== data.count * data.seqLen * data.features) {
      throw new BatchShapeError(`windows hold ${data.windows.length} values, expected count·seqLen·features = ${data.count * data.seqLen * data.features}`);
    }
    this.localBatch = globalBatch / this.worldSize;
    this.rng = new Rng(options.seed, 'batches');
  }

  /** The next step's batch: this rank's slice of the global draws. */
  next(): GanBatch {
    const { globalBatch, noiseDim } = this.options;
    const { seqLen: T, features: F } = this.data;
    const b = this.localBatch;
    const first = this.rank * b;
    const window = T * F;
    const real = new Float32Array(b * window);
    // A conditional model's labels come with their windows (no extra draws: the stream is unchanged).
    const labels = this.data.labels ? new Int32Array(b) : undefined;
    for (let i = 0; i < globalBatch; i++) {
      const index = this.rng.int(this.data.count);
      if (i >= first && i < first + b) {
        real.set(this.data.windows.subarray(index * window, (index + 1) * window), (i - first) * window);
        if (labels) labels[i - first] = this.data.labels![index];
      }
    }
    const noiseLen = T * noiseDim;
    const noise = new Float32Array(b * noiseLen);
    for (let i = 0; i < globalBatch * noiseLen; i++) {
      const u = this.rng.uniform();
      const j = i - first * noiseLen;
      if (j >= 0 && j < noise.length) noise[j] = u;
    }
    const extra = new Float32Array(b);
    for (let i = 0; i < globalBatch; i++) {
      const u = this.rng.uniform();
      if (i >= first && i < first + b) extra[i - first] = u;
    }
    return labels ? { real, noise, size: b, extra, labels } : { real, noise, size: b, extra };
  }

  getState(): RngState {
    return this.rng.getState();
  }

  setState(state: RngState): void {
    this.rng.setState(state);
  }
}
