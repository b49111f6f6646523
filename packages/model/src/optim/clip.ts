/**
 * Gradient clipping by global L2 norm (Pascanu et al., 2013; `tf.clip_by_global_norm`): if the norm
 * of all gradients together exceeds `maxNorm`, every gradient is scaled by maxNorm / norm.
 * Float64 accumulation in a fixed (name-sorted) order keeps the norm identical on every rank.
 */
import type { NamedArrays } from '../types.js';

/** L2 norm over every value of every array (NaN or Infinity when any value is). */
export function globalNorm(grads: NamedArrays): number {
  let sum = 0;
  for (const name of Object.keys(grads).sort()) {
    const d = grads[name].data;
    for (let i = 0; i < d.length; i++) sum += d[i] * d[i];
  }
  return Math.sqrt(sum);
}

/** A scaled copy when the global norm exceeds `maxNorm` (> 0); otherwise the input itself. */
export function clipByGlobalNorm(grads: NamedArrays, maxNorm: number, norm = globalNorm(grads)): NamedArrays {
  if (!(maxNorm > 0) || !(norm > maxNorm)) return grads;
  const scale = maxNorm / norm;
  const out: NamedArrays = {};
  for (const [name, g] of Object.entries(grads)) {
    const data = new Float32Array(g.data.length);
    for (let i = 0; i < data.length; i++) data[i] = g.data[i] * scale;
    out[name] = { shape: [...g.shape], data };
  }
  return out;
}
