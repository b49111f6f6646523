/**
 * Adam (Kingma & Ba, 2015, Algorithm 1), in plain JavaScript on Float32Array parameters.
 *
 *   m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²
 *   θ ← θ − α · m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
 *
 * Why not `tf.train.adam`: its state is backend tensors that a checkpoint could not carry across
 * backends, and its arithmetic differs between backends. Here each element is updated in float64
 * and rounded once to float32, so every rank of a data-parallel run — whatever its backend —
 * applies bit-identical updates from identical gradients, and the state is an `AdamState`.
 */
import type { AdamState, NamedArray, NamedArrays } from '../types.js';

export interface AdamConfig {
  /** Learning rate α. */
  lr: number;
  /** First-moment decay β₁. */
  beta1: number;
  /** Second-moment decay β₂. */
  beta2: number;
  /** ε added to √v̂. */
  epsilon: number;
}

/** Thrown when gradients or a restored state do not match the parameters. */
export class OptimizerStateError extends Error {
  readonly code = 'ERR_OPTIMIZER_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'OptimizerStateError';
  }
}

function zerosLike(a: NamedArray): NamedArray {
  return { shape: [...a.shape], data: new Float32Array(a.data.length) };
}

function copyArrays(a: NamedArrays): NamedArrays {
  const out: NamedArrays = {};
  for (const [k, v] of Object.entries(a)) out[k] = { shape: [...v.shape], data: new Float32Array(v.data) };
  return out;
}

export class Adam {
  private state: AdamState;

  /** `params` gives the names and shapes the moments are kept for. */
  constructor(
    readonly config: AdamConfig,
    params: NamedArrays,
  ) {
    const m: NamedArrays = {};
    const v: NamedArrays = {};
    for (const [name, p] of Object.entries(params)) {
      m[name] = zerosLike(p);
      v[name] = zerosLike(p);
    }
    this.state = { iterations: 0, m, v };
  }

  /** Updates `params` in place from `grads` (same names and sizes), with the learning rate times `lrScale` (a schedule's factor). */
  step(params: NamedArrays, grads: NamedArrays, lrScale = 1): void {
    const { beta1, beta2, epsilon } = this.config;
    const lr = this.config.lr * lrScale;
    const t = this.state.iterations + 1;
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      if (g === undefined) throw new OptimizerStateError(`no gradient for parameter ${name}`);
      if (g.data.length !== p.data.length) {
        throw new OptimizerStateError(`gradient ${name} has ${g.data.length} values, parameter has ${p.data.length}`);
      }
      const m = this.state.m[name].data;
      const v = this.state.v[name].data;
      const theta = p.data;
      const gd = g.data;
      for (let i = 0; i < theta.length; i++) {
        const gi = gd[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        theta[i] = theta[i] - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      }
    }
    this.state.iterations = t;
  }

  /** A deep copy of the state. */
  getState(): AdamState {
    return { iterations: this.state.iterations, m: copyArrays(this.state.m), v: copyArrays(this.state.v) };
  }

  /** Restores a state; its moment names and sizes must match the current ones. */
  setState(s: AdamState): void {
    for (const key of ['m', 'v'] as const) {
      const names = Object.keys(this.state[key]);
      for (const name of names) {
        const src = s[key]?.[name];
        if (src === undefined || src.data.length !== this.state[key][name].data.length) {
          throw new OptimizerStateError(`optimizer state ${key}[${name}] is missing or has the wrong size`);
        }
      }
      const extra = Object.keys(s[key]).filter((n) => !names.includes(n));
      if (extra.length > 0) throw new OptimizerStateError(`optimizer state ${key} has unknown parameters: ${extra.join(', ')}`);
    }
    if (!Number.isInteger(s.iterations) || s.iterations < 0) {
      throw new OptimizerStateError(`optimizer iterations must be a non-negative integer, got ${s.iterations}`);
    }
    this.state = { iterations: s.iterations, m: copyArrays(s.m), v: copyArrays(s.v) };
  }
}
