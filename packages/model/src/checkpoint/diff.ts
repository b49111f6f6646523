/**
 * Parameter differences between two checkpoints, per network (`d/…`, `g/…`) and overall: the
 * largest absolute difference and the largest relative one, |a − b| / max(|a|, |b|), taken
 * element-wise (elements where both are below 1e-12 count as equal, so zeros do not divide).
 * Used to check data-parallel runs against single-process ones.
 */
import type { NamedArrays } from '../types.js';
import { CheckpointError, CheckpointErrorCode } from './errors.js';

/** Largest differences over a set of parameters. */
export interface ParameterDiff {
  /** Largest |a − b|. */
  maxAbs: number;
  /** Largest |a − b| / max(|a|, |b|). */
  maxRel: number;
  /** Parameter holding the largest absolute difference ('' when all equal). */
  worst: string;
  /** Elements compared. */
  count: number;
}

/** Differences per network and overall. */
export interface WeightsDiff {
  /** Keyed by network prefix (`d`, `g`), in name order. */
  networks: Record<string, ParameterDiff>;
  overall: ParameterDiff;
}

const empty = (): ParameterDiff => ({ maxAbs: 0, maxRel: 0, worst: '', count: 0 });

/** Compares two weight maps that must hold the same names and shapes. */
export function diffWeights(a: NamedArrays, b: NamedArrays): WeightsDiff {
  const names = Object.keys(a).sort();
  const missing = [...names.filter((n) => !(n in b)), ...Object.keys(b).filter((n) => !(n in a))];
  if (missing.length > 0) {
    throw new CheckpointError(CheckpointErrorCode.Mismatch, `parameters present in only one checkpoint: ${missing.join(', ')}`);
  }
  const networks: Record<string, ParameterDiff> = {};
  const overall = empty();
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (x.shape.join(',') !== y.shape.join(',')) {
      throw new CheckpointError(CheckpointErrorCode.Mismatch, `parameter ${name} has shape [${x.shape}] vs [${y.shape}]`);
    }
    const net = name.includes('/') ? name.slice(0, name.indexOf('/')) : name;
    const acc = (networks[net] ??= empty());
    for (let i = 0; i < x.data.length; i++) {
      const abs = Math.abs(x.data[i] - y.data[i]);
      const scale = Math.max(Math.abs(x.data[i]), Math.abs(y.data[i]));
      // NaN on either side is the largest possible difference.
      const absOrInf = Number.isNaN(abs) ? Infinity : abs;
      const rel = Number.isNaN(abs) ? Infinity : scale < 1e-12 ? 0 : abs / scale;
      for (const d of [acc, overall]) {
        if (absOrInf > d.maxAbs) {
          d.maxAbs = absOrInf;
          d.worst = name;
        }
        if (rel > d.maxRel) d.maxRel = rel;
        d.count++;
      }
    }
  }
  return { networks, overall };
}
