/**
 * The small model of TimeGAN's post-hoc scores (Yoon et al., NeurIPS 2019;
 * github.com/jsyoon0823/TimeGAN, metrics/discriminative_metrics.py and predictive_metrics.py):
 * one GRU layer of max(1, ⌊features/2⌋) units and a linear head, read either from the final state
 * (the discriminative classifier) or at every step (the next-step predictor).
 *
 * It runs on the package's own `gruLayer`, so a fused GRU kernel speeds up evaluation too.
 * Initialisation mirrors TF 1's `tf.nn.rnn_cell.GRUCell`, which TimeGAN uses: Glorot-uniform
 * over the concatenated [x, h] gate kernel ([in + u, 2u]) and candidate kernel ([in + u, u]),
 * gate biases 1 and candidate bias 0. TF 1 writes h' = u ⊙ h + (1 − u) ⊙ h̃, so its update gate u
 * is our 1 − z: its weights enter negated and its bias as −1. The head is TF 1's
 * `fully_connected`: Glorot-uniform kernel, zero bias.
 */
import * as tf from '@tensorflow/tfjs';
import { gruLayer } from '../gru/layer.js';
import { initParameter } from '../networks/init.js';
import { Adam } from '../optim/adam.js';
import type { Rng } from '../rng.js';
import type { NamedArrays } from '../types.js';

/** TimeGAN's hidden size for the post-hoc models, `int(dim / 2)`, kept ≥ 1 for a single feature. */
export function postHocUnits(features: number): number {
  return Math.max(1, Math.floor(features / 2));
}

/** Initial [in, 3u] kernel, [u, 3u] recurrent kernel and [3u] bias (gates z | r | h) as TF 1's GRUCell draws them. */
function tf1GruInit(inputSize: number, units: number, rng: Rng): { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array } {
  const u = units;
  const rows = inputSize + u;
  // TF 1 gate kernel columns are [r | u]; candidate kernel is [rows, u]; rows are [x; h].
  const gates = initParameter({ name: 'gates', shape: [rows, 2 * u], init: 'glorot-uniform' }, rng).data;
  const candidate = initParameter({ name: 'candidate', shape: [rows, u], init: 'glorot-uniform' }, rng).data;
  const fused = new Float32Array(rows * 3 * u); // [rows, 3u], gates z | r | h
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < u; k++) {
      fused[i * 3 * u + k] = -gates[i * 2 * u + u + k]; // z = 1 − u_tf1
      fused[i * 3 * u + u + k] = gates[i * 2 * u + k]; // r
      fused[i * 3 * u + 2 * u + k] = candidate[i * u + k]; // h̃
    }
  }
  const bias = new Float32Array(3 * u);
  bias.fill(-1, 0, u); // z: −(TF 1 update bias 1)
  bias.fill(1, u, 2 * u); // r: TF 1 reset bias 1
  return { kernel: fused.subarray(0, inputSize * 3 * u), recurrent: fused.subarray(inputSize * 3 * u), bias };
}

export class PostHocGru {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly recurrentKernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly headKernel: tf.Variable<tf.Rank.R2>;
  readonly headBias: tf.Variable<tf.Rank.R1>;

  constructor(
    /** Input features per step. */
    readonly inputSize: number,
    /** GRU units. */
    readonly units: number,
    rng: Rng,
  ) {
    const init = tf1GruInit(inputSize, units, rng);
    const head = initParameter({ name: 'head', shape: [units, 1], init: 'glorot-uniform' }, rng).data;
    // tidy frees the initial-value tensors; the variables (never tracked by tidy) stay.
    [this.kernel, this.recurrentKernel, this.bias, this.headKernel, this.headBias] = tf.tidy(() => [
      tf.variable(tf.tensor2d(init.kernel, [inputSize, 3 * units])),
      tf.variable(tf.tensor2d(init.recurrent, [units, 3 * units])),
      tf.variable(tf.tensor1d(init.bias)),
      tf.variable(tf.tensor2d(head, [units, 1])),
      tf.variable(tf.zeros([1])),
    ]);
  }

  /** Every trainable variable, for the optimiser. */
  get variables(): tf.Variable[] {
    return [this.kernel, this.recurrentKernel, this.bias, this.headKernel, this.headBias];
  }

  private gru(x: tf.Tensor3D) {
    return gruLayer(x, { kernel: this.kernel, recurrentKernel: this.recurrentKernel, bias: this.bias });
  }

  /** One logit per sequence from the final state: x [B, T, in] → [B]. Call inside tidy or a gradient. */
  finalLogit(x: tf.Tensor3D): tf.Tensor1D {
    const { final } = this.gru(x); // [B, u]
    return tf.reshape(tf.add(tf.matMul(final, this.headKernel), this.headBias), [x.shape[0]]); // [B]
  }

  /** One logit per step: x [B, T, in] → [B, T]. Call inside tidy or a gradient. */
  stepLogits(x: tf.Tensor3D): tf.Tensor2D {
    const [batch, steps] = x.shape;
    const { sequence } = this.gru(x); // [B, T, u]
    const flat = tf.reshape(sequence, [batch * steps, this.units]); // [B*T, u]
    return tf.reshape(tf.add(tf.matMul(flat, this.headKernel), this.headBias), [batch, steps]); // [B, T]
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/**
 * Applies `fn` to `rows` rows of `data` (each `rowShape`) in chunks of `chunk` rows and
 * concatenates the per-row outputs: bounds the memory of scoring a whole data set at once.
 */
export function mapInChunks(
  data: Float32Array,
  rows: number,
  rowShape: [number, number],
  fn: (x: tf.Tensor3D) => tf.Tensor,
  chunk = 1024,
): Float32Array {
  const rowSize = rowShape[0] * rowShape[1];
  const parts: Float32Array[] = [];
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    const out = tf.tidy(() => fn(tf.tensor3d(data.subarray(start * rowSize, (start + n) * rowSize), [n, ...rowShape])));
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const result = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    result.set(p, offset);
    offset += p.length;
  }
  return result;
}

/**
 * Adam steps on a `PostHocGru`, with TimeGAN's settings (TF 1's defaults: β 0.9 / 0.999, ε 1e-8).
 * It uses the package's `Adam` (float64 in JavaScript) rather than `tf.train.adam`: with a fused
 * GRU the optimiser's ~90 tiny kernels per step were a third of the step's time on wasm and cpu
 * (measured: 6.6–8.4 vs 10.3–11.2 ms per discriminative step), and the update is identical on
 * every backend.
 */
export class PostHocTrainer {
  private readonly values: NamedArrays = {};
  private readonly adam: Adam;

  constructor(
    private readonly model: PostHocGru,
    learningRate = 1e-3,
  ) {
    for (const v of model.variables) this.values[v.name] = { shape: [...v.shape], data: new Float32Array(v.dataSync()) };
    this.adam = new Adam({ lr: learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, this.values);
  }

  /** One Adam step on the gradient of `loss` (built from the model's variables). */
  step(loss: () => tf.Scalar): void {
    const variables = this.model.variables;
    const { value, grads } = tf.variableGrads(loss, variables);
    const named: NamedArrays = {};
    for (const v of variables) named[v.name] = { shape: v.shape, data: grads[v.name].dataSync() as Float32Array };
    tf.dispose([value, ...Object.values(grads)]);
    this.adam.step(this.values, named);
    tf.tidy(() => {
      for (const v of variables) v.assign(tf.tensor(this.values[v.name].data, v.shape));
    });
  }
}
