/**
 * The weights a trainer samples with when `training.emaDecay` > 0: an exponential moving average
 * (`WeightAverage`) of the networks that produce samples (the plain GAN's generator; TimeGAN's
 * generator, supervisor and recovery), folded in after every adversarial update by the training
 * loop. `generate` reads it through `tensors()`; checkpoints carry it in `TrainerState.average`.
 */
import * as tf from '@tensorflow/tfjs';
import { WeightAverage } from '../optim/weight-average.js';
import type { NamedArrays, WeightAverageState } from '../types.js';
import type { ParameterSpec } from '../networks/init.js';
import { TrainerStateError } from './errors.js';

export class SamplingAverage {
  private average?: WeightAverage;
  private cached?: { updates: number; tensors: Record<string, tf.Tensor> };

  /** Names of the averaged parameters. */
  private readonly names: readonly string[];
  /** Their shapes, by name (what `setState` checks a restored average against). */
  private readonly shapes: Readonly<Record<string, readonly number[]>>;

  /** `decay` 0 = off: `update` does nothing and `tensors` stays undefined. `specs`: the averaged parameters. */
  constructor(
    readonly decay: number,
    specs: readonly Pick<ParameterSpec, 'name' | 'shape'>[],
  ) {
    this.names = specs.map((sp) => sp.name);
    this.shapes = Object.fromEntries(specs.map((sp) => [sp.name, sp.shape]));
  }

  /** Folds the current values in (the first call starts the average at them). `values` may hold more names than are averaged. */
  update(values: NamedArrays): void {
    if (this.decay === 0) return;
    if (this.average === undefined) {
      this.average = new WeightAverage(this.decay, Object.fromEntries(this.names.map((n) => [n, values[n]])));
    } else {
      this.average.update(values);
    }
  }

  /** The averaged parameters as tensors (kept until the next update or `dispose`), or undefined when there is no average. */
  tensors(): Record<string, tf.Tensor> | undefined {
    if (this.average === undefined) return undefined;
    if (this.cached?.updates !== this.average.updates) {
      this.disposeCache();
      const weights = this.average.weights();
      this.cached = { updates: this.average.updates, tensors: Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, tf.tensor(w.data, w.shape)])) };
    }
    return this.cached.tensors;
  }

  getState(): WeightAverageState | undefined {
    return this.average?.getState();
  }

  /** Restores `getState()`'s output (undefined: no average yet); throws `TrainerStateError` when it does not fit. */
  setState(s: WeightAverageState | undefined): void {
    this.disposeCache();
    if (s === undefined) {
      this.average = undefined;
      return;
    }
    for (const name of this.names) {
      const w = s.weights[name];
      const shape = this.shapes[name];
      if (w === undefined) throw new TrainerStateError(`state's weight average has no ${name}`);
      if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i]) || w.data.length !== shape.reduce((a, b) => a * b, 1)) {
        throw new TrainerStateError(`weight average ${name} has shape [${w.shape}], expected [${shape}]`);
      }
    }
    const extra = Object.keys(s.weights).filter((n) => !this.names.includes(n));
    if (extra.length > 0) throw new TrainerStateError(`state's weight average has parameters this model does not sample with: ${extra.join(', ')}`);
    this.average = WeightAverage.fromState(s);
  }

  dispose(): void {
    this.disposeCache();
  }

  private disposeCache(): void {
    if (this.cached) for (const t of Object.values(this.cached.tensors)) t.dispose();
    this.cached = undefined;
  }
}
