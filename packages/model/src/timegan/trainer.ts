/**
 * The TimeGAN trainer (Yoon et al., NeurIPS 2019; the authors' `timegan.py`), split at the same
 * seam as `GanTrainer` so data-parallel workers train it the same way:
 *
 *   computeGradients(role, batch) → { losses, grads }   pure w.r.t. the parameters
 *   applyGradients(role, grads)                          clip to a global norm, then Adam
 *
 * Each role is one of TimeGAN's updates, with its own loss and its own Adam state (the authors'
 * code has five solvers, two of which train the same variables with different losses):
 *
 * | role          | trains                  | loss (weights from `model.timegan`)                     |
 * |---------------|-------------------------|---------------------------------------------------------|
 * | `autoencoder` | embedder, recovery      | 10·√MSE(X, X̃)                                           |
 * | `supervisor`  | supervisor              | MSE(H[:,1:], S(H)[:,:−1])                               |
 * | `g`           | generator, supervisor   | BCE(D(Ĥ),1) + γ·BCE(D(Ê),1) + 100·√sup + 100·moments     |
 * | `embedder`    | embedder, recovery      | 10·√MSE(X, X̃) + 0.1·sup                                 |
 * | `d`           | discriminator           | BCE(D(H),1) + BCE(D(Ĥ),0) + γ·BCE(D(Ê),0)               |
 *
 * with H = E(X), X̃ = R(H), Ê = G(Z), Ĥ = S(Ê), X̂ = R(Ĥ). (The authors' phase-2 solver lists the
 * generator's variables too, but its loss does not depend on them, so only the supervisor moves.)
 * Which update runs when is `runTimeGanTraining`'s business; `step` counts its iterations.
 * With `data.conditioning`, each sample's one-hot label is appended to Z and to D's input.
 *
 * As in `GanTrainer`, parameters are kept as Float32Array (what Adam updates, identical on every
 * rank and backend) and mirrored into the tf.Variables the networks read.
 */
import * as tf from '@tensorflow/tfjs';
import type { TimeGanConfig, TrialConfig } from '@grugan/protocol';
import { Rng } from '../rng.js';
import type { AdamState, NamedArrays, TimeGanRole, TrainerState, TrainingStatus } from '../types.js';
import { initParameter, type ParameterSpec } from '../networks/init.js';
import { Adam } from '../optim/adam.js';
import { clipByGlobalNorm, globalNorm } from '../optim/clip.js';
import { inverseTimeDecay } from '../optim/lr-schedule.js';
import { SamplingAverage } from '../trainer/sampling-average.js';
import { BatchShapeError, type GanBatch } from '../trainer/batch.js';
import { TrainerStateError, resolveNoiseDim, type GradientResult } from '../trainer/gan-trainer.js';
import { appendCondition, checkLabels, conditionClasses, oneHotSteps } from '../trainer/condition.js';
import { TIMEGAN_NETWORK_NAMES, timeGanNetworks, type TimeGanNetworkName, type TimeGanNetworks } from './networks.js';
import { meanSquaredError, momentLoss, sigmoidCrossEntropy, supervisedLoss } from './losses.js';
import { timeGanJointIteration, timeGanSchedule, type TimeGanSchedule } from './schedule.js';

export const TIMEGAN_ROLES: readonly TimeGanRole[] = ['autoencoder', 'supervisor', 'g', 'embedder', 'd'];

/** The networks each role's update trains. */
export const TIMEGAN_ROLE_NETWORKS: Record<TimeGanRole, readonly TimeGanNetworkName[]> = {
  autoencoder: ['embedder', 'recovery'],
  supervisor: ['supervisor'],
  g: ['generator', 'supervisor'],
  embedder: ['embedder', 'recovery'],
  d: ['discriminator'],
};

/** The networks X̂ = R(S(G(Z))) passes through. */
const SAMPLING_NETWORKS: readonly TimeGanNetworkName[] = ['generator', 'supervisor', 'recovery'];

export class TimeGanTrainer {
  readonly kind = 'timegan' as const;
  readonly networks: TimeGanNetworks;
  /** Noise features per step z (TimeGAN: the data's feature count). */
  readonly noiseDim: number;
  /** Conditioning label classes K (one-hot appended to G's and D's inputs); 0 = unconditional. */
  readonly conditionDim: number;
  /** Iterations of each phase. */
  readonly schedule: TimeGanSchedule;
  /** Iterations completed over all three phases (advanced by `runTimeGanTraining`). */
  step = 0;
  status: TrainingStatus = 'running';

  private readonly weights: TimeGanConfig;
  private readonly specs: Record<TimeGanNetworkName, ParameterSpec[]>;
  private readonly values: Record<TimeGanNetworkName, NamedArrays>;
  private readonly variables: Record<TimeGanNetworkName, Record<string, tf.Variable>>;
  private readonly adam: Record<TimeGanRole, Adam>;
  /** The weight average of the sampling networks (`training.emaDecay`; off at 0). */
  private readonly average: SamplingAverage;
  private disposed = false;

  constructor(
    readonly config: TrialConfig,
    /** Data features F. */
    readonly features: number,
  ) {
    if (!Number.isInteger(features) || features < 1) throw new BatchShapeError(`features must be a positive integer, got ${features}`);
    const m = config.model;
    this.weights = m.timegan;
    this.schedule = timeGanSchedule(config);
    this.noiseDim = resolveNoiseDim(config, features);
    this.conditionDim = conditionClasses(config);
    this.networks = timeGanNetworks({ features, noiseDim: this.noiseDim, hiddenSize: m.hiddenSize, layers: m.layers, variant: m.gruVariant, conditionDim: this.conditionDim });
    // One 'init' stream over the networks in a fixed order: the same seed gives the same weights everywhere.
    const rng = new Rng(config.seed, 'init');
    this.specs = {} as Record<TimeGanNetworkName, ParameterSpec[]>;
    this.values = {} as Record<TimeGanNetworkName, NamedArrays>;
    this.variables = {} as Record<TimeGanNetworkName, Record<string, tf.Variable>>;
    for (const net of TIMEGAN_NETWORK_NAMES) {
      this.specs[net] = this.networks[net].parameterSpecs();
      this.values[net] = {};
      this.variables[net] = {};
      for (const spec of this.specs[net]) {
        const value = initParameter(spec, rng);
        this.values[net][spec.name] = value;
        this.variables[net][spec.name] = tf.variable(tf.tensor(value.data, value.shape), true);
      }
    }
    const o = config.optimizer;
    this.adam = {} as Record<TimeGanRole, Adam>;
    for (const role of TIMEGAN_ROLES) {
      const lr = role === 'd' ? o.lrD : o.lrG;
      this.adam[role] = new Adam({ lr, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon }, this.roleValues(role));
    }
    this.average = new SamplingAverage(config.training.emaDecay, SAMPLING_NETWORKS.flatMap((net) => this.specs[net]));
  }

  /**
   * Folds the current sampling networks (generator, supervisor, recovery) into the weight average
   * samples come from; a no-op when `training.emaDecay` is 0. The training loop calls it after
   * each joint-phase iteration: before that phase the generator has not trained.
   */
  updateAverage(): void {
    this.average.update(Object.assign({}, ...SAMPLING_NETWORKS.map((net) => this.values[net])) as NamedArrays);
  }

  /** Parameter names a role's update trains, in a fixed order. */
  parameterNames(role: TimeGanRole): string[] {
    return TIMEGAN_ROLE_NETWORKS[role].flatMap((net) => this.specs[net].map((s) => s.name));
  }

  /** The parameter arrays a role trains (shared objects: Adam updates them in place). */
  private roleValues(role: TimeGanRole): NamedArrays {
    return Object.assign({}, ...TIMEGAN_ROLE_NETWORKS[role].map((net) => this.values[net])) as NamedArrays;
  }

  private allVariables(): Record<string, tf.Tensor> {
    return Object.assign({}, ...TIMEGAN_NETWORK_NAMES.map((net) => this.variables[net])) as Record<string, tf.Tensor>;
  }

  private batchTensors(batch: GanBatch): { noise: tf.Tensor3D; real: tf.Tensor3D; cond?: tf.Tensor3D } {
    const { size } = batch;
    if (!Number.isInteger(size) || size < 1) throw new BatchShapeError(`batch size must be a positive integer, got ${size}`);
    const seqLen = batch.noise.length / (size * this.noiseDim);
    if (!Number.isInteger(seqLen) || seqLen < 2) {
      throw new BatchShapeError(`noise holds ${batch.noise.length} values, not size·T·noiseDim with size ${size}, noiseDim ${this.noiseDim}, T ≥ 2`);
    }
    if (batch.real.length !== size * seqLen * this.features) {
      throw new BatchShapeError(`real holds ${batch.real.length} values, expected size·T·F = ${size * seqLen * this.features}`);
    }
    checkLabels(batch.labels, size, this.conditionDim);
    return {
      cond: batch.labels && oneHotSteps(batch.labels, this.conditionDim, seqLen), // [B, T, K]
      noise: tf.tensor3d(batch.noise, [size, seqLen, this.noiseDim]),
      real: tf.tensor3d(batch.real, [size, seqLen, this.features]),
    };
  }

  /** Losses and gradients of one role's objective on `batch`; parameters are not changed. */
  computeGradients(role: TimeGanRole, batch: GanBatch): GradientResult {
    this.assertLive();
    if (!(role in TIMEGAN_ROLE_NETWORKS)) throw new TrainerStateError(`TimeGAN has no role "${role}" (expected ${TIMEGAN_ROLES.join(', ')})`);
    const scalars: Record<string, tf.Scalar> = {};
    const gradTensors = tf.tidy(() => {
      const { noise, real: x, cond } = this.batchTensors(batch);
      const p = this.allVariables();
      const { embedder, recovery, generator, supervisor, discriminator } = this.networks;
      const z = appendCondition(noise, cond); // [B, T, z + K]
      // The discriminator sees each sample's label with its latents (stacked batches share them).
      const critic = (h: tf.Tensor3D) => discriminator.apply(p, appendCondition(h, cond)); // [·, T, 1]
      const w = this.weights;
      const varList = this.parameterNames(role).map((n) => this.variableByName(n));
      const keep = (name: string, t: tf.Scalar) => (scalars[name] = tf.keep(t));
      const grad = (loss: () => tf.Scalar) => {
        const { value, grads } = tf.variableGrads(loss, varList);
        return { value, grads: this.byName(role, grads) };
      };
      switch (role) {
        case 'autoencoder': {
          const r = grad(() => {
            const mse = meanSquaredError(x, recovery.apply(p, embedder.apply(p, x)));
            keep('reconstruction', mse);
            return tf.mul(w.reconstructionWeight, tf.sqrt(mse)) as tf.Scalar;
          });
          keep('aeLoss', r.value);
          return r.grads;
        }
        case 'supervisor': {
          const h = embedder.apply(p, x); // [B, T, h], a constant here
          const r = grad(() => supervisedLoss(h, supervisor.apply(p, h)));
          keep('supervised', r.value);
          return r.grads;
        }
        case 'g': {
          const h = embedder.apply(p, x); // [B, T, h], a constant here
          const r = grad(() => {
            const eHat = generator.apply(p, z); // [B, T, h]
            const hHat = supervisor.apply(p, eHat); // [B, T, h]
            // One discriminator pass over [Ĥ; Ê] instead of two (samples are independent in the GRU).
            const [fake, fakeE] = tf.split(critic(tf.concat([hHat, eHat], 0) as tf.Tensor3D), 2, 0); // [B, T, 1] each
            const adversarial = sigmoidCrossEntropy(fake, 1);
            const adversarialE = sigmoidCrossEntropy(fakeE, 1);
            const sup = supervisedLoss(h, supervisor.apply(p, h));
            const moments = momentLoss(recovery.apply(p, hHat), x);
            keep('gAdversarial', adversarial);
            keep('gAdversarialE', adversarialE);
            keep('gSupervised', sup);
            keep('gMoments', moments);
            return tf.addN([
              adversarial,
              tf.mul(w.gamma, adversarialE),
              tf.mul(w.supervisedWeight, tf.sqrt(sup)),
              tf.mul(w.momentWeight, moments),
            ]) as tf.Scalar;
          });
          keep('gLoss', r.value);
          return r.grads;
        }
        case 'embedder': {
          const r = grad(() => {
            const h = embedder.apply(p, x);
            const mse = meanSquaredError(x, recovery.apply(p, h));
            const sup = supervisedLoss(h, supervisor.apply(p, h));
            keep('reconstruction', mse);
            keep('supervised', sup);
            return tf.add(tf.mul(w.reconstructionWeight, tf.sqrt(mse)), tf.mul(w.embedderSupervisedWeight, sup)) as tf.Scalar;
          });
          keep('eLoss', r.value);
          return r.grads;
        }
        case 'd': {
          // D's inputs are constants of its step: computed outside the gradient scope.
          const h = embedder.apply(p, x);
          const eHat = generator.apply(p, z);
          const hHat = supervisor.apply(p, eHat);
          const both = tf.concat([h, hHat, eHat], 0) as tf.Tensor3D; // [3B, T, h]
          const r = grad(() => {
            const [real, fake, fakeE] = tf.split(critic(both), 3, 0); // [B, T, 1] each
            keep('dReal', tf.mean(real));
            keep('dFake', tf.mean(fake));
            return tf.addN([sigmoidCrossEntropy(real, 1), sigmoidCrossEntropy(fake, 0), tf.mul(w.gamma, sigmoidCrossEntropy(fakeE, 0))]) as tf.Scalar;
          });
          keep('dLoss', r.value);
          return r.grads;
        }
      }
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

  private variableByName(name: string): tf.Variable {
    for (const net of TIMEGAN_NETWORK_NAMES) {
      const v = this.variables[net][name];
      if (v !== undefined) return v;
    }
    throw new TrainerStateError(`no parameter named ${name}`);
  }

  /** Re-keys tfjs' gradients (by internal variable name) to parameter names; zeros where unused. */
  private byName(role: TimeGanRole, grads: tf.NamedTensorMap): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const name of this.parameterNames(role)) {
      const v = this.variableByName(name);
      out[name] = grads[v.name] ?? tf.zerosLike(v);
    }
    return out;
  }

  /**
   * Clips `grads` to `training.gradClipNorm` (global L2; 0 = off), then takes one Adam step of the
   * role at the decayed rate of the joint iteration (`optimizer.lrDecaySteps`; phases 1 and 2 come
   * before joint iteration 0, so their updates keep the configured rate).
   */
  applyGradients(role: TimeGanRole, grads: NamedArrays): void {
    this.assertLive();
    const clipped = clipByGlobalNorm(grads, this.config.training.gradClipNorm, globalNorm(grads));
    const lrScale = inverseTimeDecay(timeGanJointIteration(this.schedule, this.step), this.config.optimizer.lrDecaySteps);
    this.adam[role].step(this.roleValues(role), clipped, lrScale);
    for (const net of TIMEGAN_ROLE_NETWORKS[role]) this.syncVariables(net);
  }

  private syncVariables(net: TimeGanNetworkName): void {
    tf.tidy(() => {
      for (const [name, value] of Object.entries(this.values[net])) this.variables[net][name].assign(tf.tensor(value.data, value.shape));
    });
  }

  /** Synthetic data X̂ = R(S(G(Z))) for `noise` [n, T, z] (and `labels` [n] when conditional): scaled samples in (0, 1), [n, T, F] row-major. */
  generate(noise: Float32Array, n: number, labels?: Int32Array): Float32Array {
    this.assertLive();
    const seqLen = noise.length / (n * this.noiseDim);
    if (!Number.isInteger(seqLen) || seqLen < 1) {
      throw new BatchShapeError(`noise holds ${noise.length} values, not n·T·noiseDim with n ${n}, noiseDim ${this.noiseDim}`);
    }
    checkLabels(labels, n, this.conditionDim);
    const { generator, supervisor, recovery } = this.networks;
    const averaged = this.average.tensors();
    const out = tf.tidy(() => {
      const p = { ...this.allVariables(), ...averaged };
      const z = appendCondition(tf.tensor3d(noise, [n, seqLen, this.noiseDim]), labels && oneHotSteps(labels, this.conditionDim, seqLen)); // [n, T, z + K]
      return recovery.apply(p, supervisor.apply(p, generator.apply(p, z))); // [n, T, F]
    });
    const data = new Float32Array(out.dataSync());
    out.dispose();
    return data;
  }

  /** Noise of the generator's distribution (U[0, 1), as TimeGAN and the batch sampler draw it) from `rng`. */
  sampleNoise(rng: Rng, n: number, seqLen: number): Float32Array {
    return rng.fillUniform(new Float32Array(n * seqLen * this.noiseDim));
  }

  /** A deep copy of every parameter of the five networks. */
  getWeights(): NamedArrays {
    const out: NamedArrays = {};
    for (const net of TIMEGAN_NETWORK_NAMES) {
      for (const [name, v] of Object.entries(this.values[net])) out[name] = { shape: [...v.shape], data: new Float32Array(v.data) };
    }
    return out;
  }

  /** Everything needed to continue: iteration, weights, the five Adam states, status. `rng` is filled by the loop's owner. */
  getState(): TrainerState {
    const optimizer = Object.fromEntries(TIMEGAN_ROLES.map((r) => [r, this.adam[r].getState()])) as Record<TimeGanRole, AdamState>;
    const average = this.average.getState();
    return { step: this.step, weights: this.getWeights(), optimizer, rng: {}, status: this.status, ...(average ? { average } : {}) };
  }

  /** Restores `getState()`'s output; throws `TrainerStateError` when it does not fit these networks. */
  setState(s: TrainerState): void {
    this.assertLive();
    for (const net of TIMEGAN_NETWORK_NAMES) {
      for (const spec of this.specs[net]) {
        const w = s.weights[spec.name];
        const size = spec.shape.reduce((a, b) => a * b, 1);
        if (w === undefined) throw new TrainerStateError(`state has no weights for ${spec.name}`);
        if (w.data.length !== size || w.shape.length !== spec.shape.length || w.shape.some((d, i) => d !== spec.shape[i])) {
          throw new TrainerStateError(`weights ${spec.name} have shape [${w.shape}], expected [${spec.shape}]`);
        }
      }
    }
    const known = new Set(TIMEGAN_NETWORK_NAMES.flatMap((net) => this.specs[net].map((sp) => sp.name)));
    const unknown = Object.keys(s.weights).filter((n) => !known.has(n));
    if (unknown.length > 0) throw new TrainerStateError(`state has weights this model does not: ${unknown.join(', ')}`);
    if (!Number.isInteger(s.step) || s.step < 0) throw new TrainerStateError(`state step must be a non-negative integer, got ${s.step}`);
    this.average.setState(s.average);
    for (const role of TIMEGAN_ROLES) {
      const a = s.optimizer[role];
      if (a === undefined) throw new TrainerStateError(`state has no optimizer state for TimeGAN's "${role}" update (a plain GRU-GAN checkpoint?)`);
      this.adam[role].setState(a);
    }
    for (const net of TIMEGAN_NETWORK_NAMES) {
      for (const spec of this.specs[net]) {
        const w = s.weights[spec.name];
        this.values[net][spec.name] = { shape: [...w.shape], data: new Float32Array(w.data) };
      }
      this.syncVariables(net);
    }
    this.step = s.step;
    this.status = s.status;
  }

  /** Frees every tensor this trainer holds. */
  dispose(): void {
    if (this.disposed) return;
    for (const net of TIMEGAN_NETWORK_NAMES) for (const v of Object.values(this.variables[net])) v.dispose();
    this.average.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new TrainerStateError('the trainer has been disposed');
  }
}
