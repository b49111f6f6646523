/**
 * Ids of sweeps and trials. Both appear in NATS subjects and Kubernetes names, so they follow
 * `ResourceId` (lowercase, digits, dashes, ≤ 63). A sweep id is a slug of its name plus random
 * characters; a trial id is its sweep's id plus the trial's index, so trials sort by creation.
 */
import { randomBytes } from 'node:crypto';

/** `my-sweep-k3x9q2`: at most 24 characters of slug and 6 random base-36 characters. */
export function newSweepId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/g, '');
  const suffix = [...randomBytes(6)].map((b) => (b % 36).toString(36)).join('');
  return slug ? `${slug}-${suffix}` : `sweep-${suffix}`;
}

/** `<sweepId>-t<index>` with a zero-padded index (at most 10 000 trials per sweep). */
export function trialId(sweepId: string, index: number): string {
  return `${sweepId}-t${String(index).padStart(4, '0')}`;
}
