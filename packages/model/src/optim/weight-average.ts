/**
 * Exponential moving average of parameters (Polyak averaging as GANs use it: Yazıcı et al., "The
 * Unusual Effectiveness of Averaging in GAN Training", ICLR 2019). A GAN's last iterate orbits
 * the equilibrium instead of settling on it; the average of recent iterates sits closer to it,
 * so samples drawn with averaged weights are usually better than the last iterate's.
 *
 *   avg ← d·avg + (1 − d)·w   after every update, with d = min(decay, (1 + n) / (10 + n))
 *
 * where n counts the updates so far. The warm-up term (TensorFlow's `ExponentialMovingAverage`
 * with `num_updates`) keeps the first averages from being dominated by the initial weights.
 * Accumulates in float64 so that a decay near 1 does not lose the small increments to rounding.
 */
import type { NamedArrays, WeightAverageState } from '../types.js';

export class WeightAverageError extends Error {
  readonly code = 'ERR_WEIGHT_AVERAGE';
  constructor(message: string) {
    super(message);
    this.name = 'WeightAverageError';
  }
}

export class WeightAverage {
  private readonly sums: Map<string, { shape: number[]; data: Float64Array }>;
  /** Updates taken (n). */
  updates = 0;

  /** Starts the average at `initial` (copied); `decay` in [0, 1). */
  constructor(
    readonly decay: number,
    initial: NamedArrays,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new WeightAverageError(`decay must be in [0, 1), got ${decay}`);
    this.sums = new Map(Object.entries(initial).map(([name, w]) => [name, { shape: [...w.shape], data: Float64Array.from(w.data) }]));
  }

  /** The decay the next update uses. */
  currentDecay(): number {
    return Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
  }

  /** Folds `weights` into the average; every averaged name must be present with the same size (extra names are ignored). */
  update(weights: NamedArrays): void {
    const d = this.currentDecay();
    for (const [name, avg] of this.sums) {
      const w = weights[name];
      if (w === undefined || w.data.length !== avg.data.length) throw new WeightAverageError(`weights ${name} missing or of another size than the average's`);
      const a = avg.data;
      for (let i = 0; i < a.length; i++) a[i] = d * a[i] + (1 - d) * w.data[i];
    }
    this.updates += 1;
  }

  /** Continues an average from `getState()`'s output (its values rounded to float32 there). */
  static fromState(s: WeightAverageState): WeightAverage {
    if (!Number.isInteger(s.updates) || s.updates < 0) throw new WeightAverageError(`updates must be a non-negative integer, got ${s.updates}`);
    const avg = new WeightAverage(s.decay, s.weights);
    avg.updates = s.updates;
    return avg;
  }

  /** Decay, update count and float32 copies of the averaged values. */
  getState(): WeightAverageState {
    return { decay: this.decay, updates: this.updates, weights: this.weights() };
  }

  /** The averaged weights, as float32 copies. */
  weights(): NamedArrays {
    const out: NamedArrays = {};
    for (const [name, avg] of this.sums) out[name] = { shape: [...avg.shape], data: Float32Array.from(avg.data) };
    return out;
  }
}
