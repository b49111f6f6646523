/**
 * Seeded index draws and window gathers shared by the metrics and the post-hoc models.
 * `SubsetDrawer` draws k distinct indices out of n with a partial Fisher–Yates shuffle of a
 * persistent permutation: O(k) per draw and uniform over subsets, which is what TimeGAN's
 * `np.random.permutation(n)[:batch_size]` does in O(n).
 */
import type { Rng } from '../rng.js';

export class SubsetDrawer {
  private readonly perm: Uint32Array;

  constructor(
    /** Indices are drawn from [0, n). */
    readonly n: number,
    private readonly rng: Rng,
  ) {
    this.perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.perm[i] = i;
  }

  /** `k` distinct indices (k ≤ n) in random order. The returned view is overwritten by the next draw. */
  draw(k: number): Uint32Array {
    const p = this.perm;
    for (let i = 0; i < k; i++) {
      const j = i + this.rng.int(this.n - i);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p.subarray(0, k);
  }
}

/** A random permutation of 0..n-1. */
export function randomPermutation(n: number, rng: Rng): Uint32Array {
  return new Uint32Array(new SubsetDrawer(n, rng).draw(n));
}

/** Copies rows `indices` of a row-major `[*, rowSize]` array into `out` (allocated when absent). */
export function gatherRows(src: Float32Array, rowSize: number, indices: ArrayLike<number>, out = new Float32Array(indices.length * rowSize)): Float32Array {
  for (let i = 0; i < indices.length; i++) out.set(src.subarray(indices[i] * rowSize, (indices[i] + 1) * rowSize), i * rowSize);
  return out;
}
