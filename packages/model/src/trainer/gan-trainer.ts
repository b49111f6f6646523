/**
 * The plain GRU-GAN trainer (recurrent GAN in the style of C-RNN-GAN / TimeGAN's adversarial
 * block), split at the seam data-parallel training needs (tfjs `Optimizer.minimize` =
 * `computeGradients` + `applyGradients`):
 *
 *   computeGradients(role, batch) → { losses, grads }   pure w.r.t. the parameters
 *   applyGradients(role, grads)                          clip to a global norm, then Adam
 *
 * A worker all-reduces `grads` in between. Parameters are kept twice on purpose: as Float32Array
 * (the source of truth Adam updates, identical on every rank and backend) and as tf.Variables the
 * networks read, re-assigned after each update.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrialConfig } from '@grugan/protocol';
import { Rng } from '../rng.js';
import type { NamedArrays, NetworkRole, TrainerState, TrainingStatus } from '../types.js';
import { Generator } from '../networks/generator.js';
import { Discriminator } from '../networks/discriminator.js';
import { initParameter, type ParameterSpec } from '../networks/init.js';
import { discriminatorLoss, generatorLoss, type GanLossKind } from '../losses/gan-losses.js';
import { gradientPenalty } from '../losses/gradient-penalty.js';
import { Adam } from '../optim/adam.js';
import { clipByGlobalNorm, globalNorm } from '../optim/clip.js';
import { inverseTimeDecay } from '../optim/lr-schedule.js';
import { BatchShapeError, type GanBatch } from './batch.js';
import { appendCondition, checkLabels, conditionClasses, oneHotSteps } from './condition.js';
import { TrainerStateError } from './errors.js';
import { SamplingAverage } from './sampling-average.js';

export { TrainerStateError };

/** The generator's noise width: `model.noiseDim`, or the data's feature count when it is 0. */
export function resolveNoiseDim(config: TrialConfig, features: number): number {
  return config.model.noiseDim > 0 ? config.model.noiseDim : features;
}

/** Result of one gradient computation. */
export interface GradientResult {
  /** Scalar losses, e.g. `{ dLoss, dReal, dFake }` or `{ gLoss }`. */
  losses: Record<string, number>;
  /** Gradient of the role's loss w.r.t. each of its parameters, keyed by parameter name. */
  grads: NamedArrays;
}

export class GanTrainer {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  /** Noise features per step z. */
  readonly noiseDim: number;
  /** Conditioning label classes K (one-hot appended to G's and D's per-step inputs); 0 = unconditional. */
  readonly conditionDim: number;
  /** Generator steps completed (advanced by each `applyGradients('g', …)`). */
  step = 0;
  status: TrainingStatus = 'running';

  private readonly lossKind: GanLossKind;
  private readonly specs: Record<NetworkRole, ParameterSpec[]>;
  private readonly values: Record<NetworkRole, NamedArrays>;
  private readonly variables: Record<NetworkRole, Record<string, tf.Variable>>;
  private readonly adam: Record<NetworkRole, Adam>;
  /** The generator's weight average that samples come from (`training.emaDecay`; off at 0). */
  private readonly average: SamplingAverage;
  private disposed = false;

  constructor(
    readonly config: TrialConfig,
    /** Data features F. */
    readonly features: number,
  ) {
    if (!Number.isInteger(features) || features < 1) throw new BatchShapeError(`features must be a positive integer, got ${features}`);
    const m = config.model;
    this.noiseDim = resolveNoiseDim(config, features);
    this.conditionDim = conditionClasses(config);
    this.lossKind = config.loss.kind;
    this.generator = new Generator({ features, noiseDim: this.noiseDim + this.conditionDim, hiddenSize: m.hiddenSize, layers: m.layers, variant: m.gruVariant });
    this.discriminator = new Discriminator({
      features: features + this.conditionDim,
      hiddenSize: m.hiddenSize,
      layers: m.layers,
      variant: m.gruVariant,
      output: m.discriminatorOutput,
      bidirectional: m.bidirectional,
      twiceDifferentiable: this.lossKind === 'wgan-gp',
    });
    this.specs = { g: this.generator.parameterSpecs(), d: this.discriminator.parameterSpecs() };
    // One 'init' stream, G first then D, in spec order: the same seed gives the same weights everywhere.
    const rng = new Rng(config.seed, 'init');
    this.values = { g: {}, d: {} };
    this.variables = { g: {}, d: {} };
    for (const role of ['g', 'd'] as const) {
      for (const spec of this.specs[role]) {
        const value = initParameter(spec, rng);
        this.values[role][spec.name] = value;
        // tfjs variable names are global; ours live in this map, so let tfjs pick unique ones.
        this.variables[role][spec.name] = tf.variable(tf.tensor(value.data, value.shape), true);
      }
    }
    const o = config.optimizer;
    this.adam = {
      d: new Adam({ lr: o.lrD, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon }, this.values.d),
      g: new Adam({ lr: o.lrG, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon }, this.values.g),
    };
    this.average = new SamplingAverage(config.training.emaDecay, this.specs.g);
  }

  /** Folds the current generator into the weight average samples come from (no-op when `training.emaDecay` is 0). Called by the training loop after each step. */
  updateAverage(): void {
    this.average.update(this.values.g);
  }

  /** Parameter names of one network, in a fixed order. */
  parameterNames(role: NetworkRole): string[] {
    return this.specs[role].map((s) => s.name);
  }

  private allVariables(): Record<string, tf.Tensor> {
    return { ...this.variables.g, ...this.variables.d };
  }

  private batchTensors(batch: GanBatch): { seqLen: number; noise: tf.Tensor3D; real: tf.Tensor3D; cond?: tf.Tensor3D } {
    const { size } = batch;
    if (!Number.isInteger(size) || size < 1) throw new BatchShapeError(`batch size must be a positive integer, got ${size}`);
    const perSample = batch.noise.length / size;
    const seqLen = perSample / this.noiseDim;
    if (!Number.isInteger(seqLen) || seqLen < 1) {
      throw new BatchShapeError(`noise holds ${batch.noise.length} values, not size·T·noiseDim with size ${size}, noiseDim ${this.noiseDim}`);
    }
    if (batch.real.length !== size * seqLen * this.features) {
      throw new BatchShapeError(`real holds ${batch.real.length} values, expected size·T·F = ${size * seqLen * this.features}`);
    }
    checkLabels(batch.labels, size, this.conditionDim);
    return {
      cond: batch.labels && oneHotSteps(batch.labels, this.conditionDim, seqLen), // [b, T, K]
      seqLen,
      noise: tf.tensor3d(batch.noise, [size, seqLen, this.noiseDim]),
      real: tf.tensor3d(batch.real, [size, seqLen, this.features]),
    };
  }

  /** Losses and gradients of one network's objective on `batch`; parameters are not changed. */
  computeGradients(role: NetworkRole, batch: GanBatch): GradientResult {
    this.assertLive();
    const scalars: Record<string, tf.Scalar> = {};
    const gradTensors = tf.tidy(() => {
      const { noise, real, cond } = this.batchTensors(batch);
      const p = this.allVariables();
      const varList = this.parameterNames(role).map((n) => this.variables[role][n]);
      if (role === 'd') {
        // Generated data is an input of D's step: computed outside the gradient scope.
        const fake = this.generator.apply(p, appendCondition(noise, cond));
        const critic = (x: tf.Tensor3D) => this.discriminator.apply(p, appendCondition(x, cond));
        const { value, grads } = tf.variableGrads(() => {
          // One pass over [real; fake] instead of two: half the (per-op-overhead-bound) GRU ops.
          // Samples are independent in the GRU, so the logits are those of two separate passes.
          const both = critic(tf.concat([real, fake], 0) as tf.Tensor3D); // [2b, T] or [2b]
          const [realLogits, fakeLogits] = tf.split(both, 2, 0); // [b, ...] each
          const adv = discriminatorLoss(this.lossKind, realLogits, fakeLogits);
          scalars.dReal = tf.keep(tf.mean(realLogits));
          scalars.dFake = tf.keep(tf.mean(fakeLogits));
          if (this.lossKind !== 'wgan-gp') return adv;
          if (batch.extra === undefined || batch.extra.length !== batch.size) {
            throw new BatchShapeError(`wgan-gp needs batch.extra with ${batch.size} interpolation draws`);
          }
          const gp = gradientPenalty(critic, real, fake, tf.tensor1d(batch.extra));
          scalars.gradientPenalty = tf.keep(gp);
          return tf.add(adv, tf.mul(this.config.loss.gpWeight, gp));
        }, varList);
        scalars.dLoss = tf.keep(value);
        return this.byName(role, grads);
      }
      const { value, grads } = tf.variableGrads(() => {
        const fakeLogits = this.discriminator.apply(p, appendCondition(this.generator.apply(p, appendCondition(noise, cond)), cond));
        return generatorLoss(this.lossKind, fakeLogits);
      }, varList);
      scalars.gLoss = tf.keep(value);
      return this.byName(role, grads);
    });
    const losses: Record<string, number> = {};
    for (const [k, t] of Object.entries(scalars)) {
      losses[k] = t.dataSync()[0];
      t.dispose();
    }
    const grads: NamedArrays = {};
    for (const [name, t] of Object.entries(gradTensors)) {
      grads[name] = { shape: [...t.shape], data: new Float32Array(t.dataSync()) };
      t.dispose();
    }
    return { losses, grads };
  }

  /** Re-keys tfjs' gradients (by internal variable name) to parameter names; zeros where unused. */
  private byName(role: NetworkRole, grads: tf.NamedTensorMap): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const name of this.parameterNames(role)) {
      const v = this.variables[role][name];
      out[name] = grads[v.name] ?? tf.zerosLike(v);
    }
    return out;
  }

  /** Clips `grads` to `training.gradClipNorm` (global L2; 0 = off), then takes one Adam step at the step's decayed rate (`optimizer.lrDecaySteps`). */
  applyGradients(role: NetworkRole, grads: NamedArrays): void {
    this.assertLive();
    const clipped = clipByGlobalNorm(grads, this.config.training.gradClipNorm, globalNorm(grads));
    this.adam[role].step(this.values[role], clipped, inverseTimeDecay(this.step, this.config.optimizer.lrDecaySteps));
    this.syncVariables(role);
    if (role === 'g') this.step += 1;
  }

  private syncVariables(role: NetworkRole): void {
    tf.tidy(() => {
      for (const [name, value] of Object.entries(this.values[role])) {
        this.variables[role][name].assign(tf.tensor(value.data, value.shape));
      }
    });
  }

  /** Generator output for `noise` [n, T, z] (and `labels` [n] when conditional): scaled samples in (0, 1), [n, T, F] row-major. */
  generate(noise: Float32Array, n: number, labels?: Int32Array): Float32Array {
    this.assertLive();
    const seqLen = noise.length / (n * this.noiseDim);
    if (!Number.isInteger(seqLen) || seqLen < 1) {
      throw new BatchShapeError(`noise holds ${noise.length} values, not n·T·noiseDim with n ${n}, noiseDim ${this.noiseDim}`);
    }
    checkLabels(labels, n, this.conditionDim);
    const averaged = this.average.tensors();
    const out = tf.tidy(() => {
      const cond = labels && oneHotSteps(labels, this.conditionDim, seqLen); // [n, T, K]
      return this.generator.apply({ ...this.allVariables(), ...averaged }, appendCondition(tf.tensor3d(noise, [n, seqLen, this.noiseDim]), cond));
    });
    const data = new Float32Array(out.dataSync());
    out.dispose();
    return data;
  }

  /** Noise of the generator's distribution (U[0, 1), as the sampler draws it) from `rng`. */
  sampleNoise(rng: Rng, n: number, seqLen: number): Float32Array {
    return rng.fillUniform(new Float32Array(n * seqLen * this.noiseDim));
  }

  /** A deep copy of every parameter (both networks, or one). */
  getWeights(role?: NetworkRole): NamedArrays {
    const out: NamedArrays = {};
    for (const r of role ? [role] : (['g', 'd'] as const)) {
      for (const [name, v] of Object.entries(this.values[r])) out[name] = { shape: [...v.shape], data: new Float32Array(v.data) };
    }
    return out;
  }

  /** Everything needed to continue: step, weights, Adam states, status. `rng` is filled by the loop's owner. */
  getState(): TrainerState {
    const average = this.average.getState();
    return {
      step: this.step,
      weights: this.getWeights(),
      optimizer: { d: this.adam.d.getState(), g: this.adam.g.getState() },
      rng: {},
      status: this.status,
      ...(average ? { average } : {}),
    };
  }

  /** Restores `getState()`'s output; throws `TrainerStateError` when it does not fit these networks. */
  setState(s: TrainerState): void {
    this.assertLive();
    for (const role of ['g', 'd'] as const) {
      for (const spec of this.specs[role]) {
        const w = s.weights[spec.name];
        const size = spec.shape.reduce((a, b) => a * b, 1);
        if (w === undefined) throw new TrainerStateError(`state has no weights for ${spec.name}`);
        if (w.data.length !== size || w.shape.length !== spec.shape.length || w.shape.some((d, i) => d !== spec.shape[i])) {
          throw new TrainerStateError(`weights ${spec.name} have shape [${w.shape}], expected [${spec.shape}]`);
        }
      }
    }
    const known = new Set([...this.parameterNames('g'), ...this.parameterNames('d')]);
    const unknown = Object.keys(s.weights).filter((n) => !known.has(n));
    if (unknown.length > 0) throw new TrainerStateError(`state has weights this model does not: ${unknown.join(', ')}`);
    if (!Number.isInteger(s.step) || s.step < 0) throw new TrainerStateError(`state step must be a non-negative integer, got ${s.step}`);
    this.average.setState(s.average);
    this.adam.d.setState(s.optimizer.d);
    this.adam.g.setState(s.optimizer.g);
    for (const role of ['g', 'd'] as const) {
      for (const name of this.parameterNames(role)) this.values[role][name] = { shape: [...s.weights[name].shape], data: new Float32Array(s.weights[name].data) };
      this.syncVariables(role);
    }
    this.step = s.step;
    this.status = s.status;
  }

  /** Frees every tensor this trainer holds. */
  dispose(): void {
    if (this.disposed) return;
    for (const role of ['g', 'd'] as const) for (const v of Object.values(this.variables[role])) v.dispose();
    this.average.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new TrainerStateError('the trainer has been disposed');
  }
}
