/**
 * Sampling and numeric embedding of search-space domains (`choice`, `uniform`, `loguniform`, `int`).
 *
 * Numeric domains map to an internal real interval where they are uniform: the value itself, or its
 * logarithm for `loguniform` and log ints, as hyperopt's `loguniform` / `qloguniform` and Ray's
 * `tune.loguniform` do. Ints widen to [min − ½, max + ½] so every integer owns an equal slice.
 */
import type { Domain, ParamValue, SearchSpace } from '@grugan/protocol';
import type { Rng } from './rng.js';

/** A numeric domain seen as a real interval [lo, hi] on which it is uniform. */
export interface NumericScale {
  /** Lower end of the internal interval. */
  lo: number;
  /** Upper end of the internal interval. */
  hi: number;
  /** Parameter value → internal coordinate. */
  toInternal(value: number): number;
  /** Internal coordinate → parameter value (rounded and clamped for ints). */
  fromInternal(t: number): number;
}

export type NumericDomain = Exclude<Domain, { type: 'choice' }>;

export function numericScale(domain: NumericDomain): NumericScale {
  const log = domain.type === 'loguniform' || (domain.type === 'int' && domain.log);
  const isInt = domain.type === 'int';
  const min = isInt ? domain.min - 0.5 : domain.min;
  const max = isInt ? domain.max + 0.5 : domain.max;
  const to = (v: number) => (log ? Math.log(v) : v);
  const from = (t: number) => (log ? Math.exp(t) : t);
  return {
    lo: to(min),
    hi: to(max),
    toInternal: to,
    fromInternal: (t) => clampToDomain(domain, from(t)),
  };
}

/** Brings a number into the domain: clamped to [min, max], rounded for ints. */
export function clampToDomain(domain: NumericDomain, value: number): number {
  const v = domain.type === 'int' ? Math.round(value) : value;
  return Math.min(domain.max, Math.max(domain.min, v));
}

/** One draw from the domain's prior (uniform in its internal interval; uniform over choices). */
export function sampleDomain(domain: Domain, rng: Rng): ParamValue {
  if (domain.type === 'choice') return rng.pick(domain.values);
  const scale = numericScale(domain);
  return scale.fromInternal(rng.uniform(scale.lo, scale.hi));
}

/** One draw of every parameter of the space, in key order. */
export function sampleSpace(space: SearchSpace, rng: Rng): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const key of Object.keys(space).sort()) params[key] = sampleDomain(space[key], rng);
  return params;
}
