/**
 * Kubernetes names and label values for grugan objects. Job names end up in the
 * `batch.kubernetes.io/job-name` label and in pod host names, so they must stay DNS-1123
 * labels of at most 63 characters even for the longest trial ids.
 */
import { createHash } from 'node:crypto';

/** Labels every grugan object carries (Kubernetes recommended labels + grugan's own). */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  sweep: 'grugan.dev/sweep',
  trial: 'grugan.dev/trial',
  attempt: 'grugan.dev/attempt',
} as const;

/** Annotations: values that are not label-safe, or only informative. */
export const ANNOTATIONS = {
  /** Hash of the Job spec we built; decides whether an existing Job can be kept on re-launch. */
  specHash: 'grugan.dev/spec-hash',
  /** Set by the Job controller on Indexed Job pods; the rank is read from it. */
  completionIndex: 'batch.kubernetes.io/job-completion-index',
} as const;

/** The value of `app.kubernetes.io/managed-by` on objects this launcher creates. */
export const MANAGED_BY = 'grugan-coordinator';

const MAX_NAME = 63;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * `prefix-id-suffix`, cut to 63 characters: when too long, the middle is truncated and an
 * 8-hex hash of the full name keeps distinct ids distinct.
 */
export function boundedName(...parts: string[]): string {
  const full = parts.filter((p) => p.length > 0).join('-');
  if (full.length <= MAX_NAME) return full;
  const hash = shortHash(full);
  const head = full.slice(0, MAX_NAME - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** Job name of one launch attempt of a trial: a relaunch is a new Job, never a mutated one. */
export function trialJobName(trialId: string, attempt: number): string {
  return boundedName('grugan', trialId, `a${attempt}`);
}

/** Name of the per-sweep ConfigMap that owns the sweep's Jobs (delete it → Jobs are collected). */
export function sweepOwnerName(sweepId: string): string {
  return boundedName('grugan-sweep', sweepId);
}

/** A label value: at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends. */
export function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '-');
  const bounded = cleaned.length <= MAX_NAME ? cleaned : boundedName(cleaned);
  return bounded.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}
