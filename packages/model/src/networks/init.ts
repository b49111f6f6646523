/**
 * Weight initialisers, in plain JavaScript on the package's seeded `Rng`, so that the same seed
 * gives bit-identical initial weights on every backend (and on every rank of a data-parallel run).
 * Defaults follow Keras' GRU: Glorot-uniform input kernels, orthogonal recurrent kernels (one
 * orthogonal [u, u] block per gate), zero biases.
 */
import type { Rng } from '../rng.js';
import type { NamedArray } from '../types.js';

export type InitKind = 'glorot-uniform' | 'orthogonal-gates' | 'zeros';

/** One parameter a network needs: its name, shape and initialiser. */
export interface ParameterSpec {
  /** Variable name, e.g. `g/gru0/kernel`. */
  name: string;
  shape: number[];
  init: InitKind;
}

/** Glorot & Bengio (2010) uniform over a [fanIn, fanOut] matrix: U(±sqrt(6 / (fanIn + fanOut))). */
function glorotUniform(rng: Rng, shape: number[]): Float32Array {
  const [fanIn, fanOut] = shape;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return rng.fillUniform(new Float32Array(fanIn * fanOut), -limit, limit);
}

/**
 * A [u, g·u] matrix made of g orthogonal [u, u] blocks (Saxe et al. 2014), each from modified
 * Gram-Schmidt on a Gaussian matrix, as Keras does per gate for recurrent kernels.
 */
function orthogonalGates(rng: Rng, shape: number[]): Float32Array {
  const [u, cols] = shape;
  const gates = cols / u;
  const out = new Float32Array(u * cols);
  for (let g = 0; g < gates; g++) {
    const q: Float64Array[] = [];
    for (let i = 0; i < u; i++) {
      const v = new Float64Array(u);
      for (let k = 0; k < u; k++) v[k] = rng.normal();
      for (const prev of q) {
        let dot = 0;
        for (let k = 0; k < u; k++) dot += v[k] * prev[k];
        for (let k = 0; k < u; k++) v[k] -= dot * prev[k];
      }
      let norm = 0;
      for (let k = 0; k < u; k++) norm += v[k] * v[k];
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < u; k++) v[k] /= norm;
      q.push(v);
    }
    // Row i of the block is q[i]; place it at columns [g·u, (g+1)·u).
    for (let i = 0; i < u; i++) for (let k = 0; k < u; k++) out[i * cols + g * u + k] = q[i][k];
  }
  return out;
}

/** Draws a parameter's initial value. Call in a fixed order: each draw advances `rng`. */
export function initParameter(spec: ParameterSpec, rng: Rng): NamedArray {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  let data: Float32Array;
  switch (spec.init) {
    case 'zeros':
      data = new Float32Array(size);
      break;
    case 'glorot-uniform':
      if (spec.shape.length !== 2) throw new RangeError(`${spec.name}: glorot-uniform needs a 2-D shape, got [${spec.shape}]`);
      data = glorotUniform(rng, spec.shape);
      break;
    case 'orthogonal-gates':
      data = orthogonalGates(rng, spec.shape);
      break;
  }
  return { shape: [...spec.shape], data };
}
