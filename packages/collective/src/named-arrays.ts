/**
 * Flattening `NamedArrays` (gradients keyed by variable name) into one Float32Array and back,
 * in sorted-key order, so that one all-reduce moves a whole network's gradients and every
 * rank lays them out identically whatever order its object keys came in.
 */
import { CollectiveConfigError } from './errors.js';

/**
 * Structurally the model package's `NamedArray(s)` (`packages/model/src/types.ts`), declared
 * here so the collective needs neither the model package nor TF.js.
 */
export interface NamedArray {
  /** Dimensions, row-major. */
  shape: number[];
  /** The values. */
  data: Float32Array;
}
/** Arrays keyed by variable name. */
export type NamedArrays = Record<string, NamedArray>;

/** Total number of values over `keys`. */
export function flatLength(arrays: NamedArrays, keys: string[]): number {
  let n = 0;
  for (const k of keys) n += arrays[k].data.length;
  return n;
}

/** Copies `arrays[keys[i]]` one after another into `flat` (which must be exactly long enough). */
export function flattenInto(arrays: NamedArrays, keys: string[], flat: Float32Array): void {
  let off = 0;
  for (const k of keys) {
    const a = arrays[k];
    const expected = a.shape.reduce((p, d) => p * d, 1);
    if (a.data.length !== expected) {
      throw new CollectiveConfigError(`${k}: shape [${a.shape.join(', ')}] needs ${expected} values, got ${a.data.length}`);
    }
    flat.set(a.data, off);
    off += a.data.length;
  }
  if (off !== flat.length) throw new CollectiveConfigError(`flat buffer holds ${flat.length} values, arrays ${off}`);
}

/** Named views into `flat`, laid out as `flattenInto` wrote them. */
export function unflattenViews(like: NamedArrays, keys: string[], flat: Float32Array): NamedArrays {
  const out: NamedArrays = {};
  let off = 0;
  for (const k of keys) {
    const len = like[k].data.length;
    out[k] = { shape: [...like[k].shape], data: flat.subarray(off, off + len) };
    off += len;
  }
  return out;
}
