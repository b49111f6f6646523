/**
 * Job + pod status → one `LaunchCondition`, a pure function with named reasons (Kubeflow
 * trainer's `trainjob_controller.go` style: conditions carry reason constants, not free text).
 *
 * The Job's own conditions decide terminal outcomes (Complete, Failed, and their 1.31+
 * precursors SuccessCriteriaMet, FailureTarget); pods explain why (OOMKilled, Evicted) and
 * reveal what the Job hides while it is still "active": image pull errors and pods that
 * cannot be scheduled, which never fail a Job by themselves and would otherwise hang a trial.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { LaunchCondition } from '../launcher.js';

/** Reasons of the conditions this launcher reports. */
export const ConditionReason = {
  JobCreated: 'JobCreated',
  PodsStarting: 'PodsStarting',
  Unschedulable: 'Unschedulable',
  ImagePullError: 'ImagePullError',
  AllRanksRunning: 'AllRanksRunning',
  Suspended: 'Suspended',
  JobComplete: 'JobComplete',
  OOMKilled: 'OOMKilled',
  Evicted: 'Evicted',
  BackoffLimitExceeded: 'BackoffLimitExceeded',
  DeadlineExceeded: 'DeadlineExceeded',
  PodFailurePolicy: 'PodFailurePolicy',
  JobFailed: 'JobFailed',
  JobNotFound: 'JobNotFound',
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

/** Container waiting reasons that mean the image will not come (kubelet's constants). */
const IMAGE_PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
/** `ErrImagePull` alone may be a registry hiccup; only its back-off (or a bad name) is final. */
const IMAGE_PULL_FINAL = new Set(['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

export interface ConditionOptions {
  /** Current time, for how long pods have been unschedulable. */
  now: Date;
  /** Unschedulable for longer than this (seconds) fails the trial; shorter is Pending (autoscalers need time). */
  unschedulableTimeoutSeconds: number;
}

function cond(type: LaunchCondition['type'], reason: ConditionReason, message: string): LaunchCondition {
  return { type, reason, message };
}

function trueCondition(job: V1Job, type: string) {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** The first pod evidence that explains a failure, if any. */
function podFailureCause(pods: V1Pod[]): LaunchCondition | undefined {
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    if (pod.status?.reason === 'Evicted') {
      return cond('Failed', ConditionReason.Evicted, `pod ${name} was evicted: ${pod.status.message ?? ''}`.trim());
    }
    for (const cs of pod.status?.containerStatuses ?? []) {
      const terminated = cs.state?.terminated ?? cs.lastState?.terminated;
      if (terminated?.reason === 'OOMKilled') {
        return cond('Failed', ConditionReason.OOMKilled, `container ${cs.name} of pod ${name} ran out of memory (OOMKilled)`);
      }
    }
  }
  return undefined;
}

function imagePullProblem(pods: V1Pod[]): { final: boolean; message: string } | undefined {
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason && IMAGE_PULL_FAILURES.has(waiting.reason)) {
        return {
          final: IMAGE_PULL_FINAL.has(waiting.reason),
          message: `pod ${pod.metadata?.name ?? '?'}: ${waiting.reason}: ${waiting.message ?? cs.image}`,
        };
      }
    }
  }
  return undefined;
}

function unschedulableSince(pods: V1Pod[]): { since?: Date; message: string } | undefined {
  for (const pod of pods) {
    const c = pod.status?.conditions?.find(
      (x) => x.type === 'PodScheduled' && x.status === 'False' && x.reason === 'Unschedulable',
    );
    if (c) {
      const since = c.lastTransitionTime ? new Date(c.lastTransitionTime) : undefined;
      return { since, message: `pod ${pod.metadata?.name ?? '?'} cannot be scheduled: ${c.message ?? ''}`.trim() };
    }
  }
  return undefined;
}

/** Maps a trial's Job (or its absence) and its pods to one launch condition. */
export function jobCondition(job: V1Job | undefined, pods: V1Pod[], options: ConditionOptions): LaunchCondition {
  if (!job) return cond('Unknown', ConditionReason.JobNotFound, 'the trial has no Job (never launched, or deleted)');
  const want = job.spec?.completions ?? job.spec?.parallelism ?? 1;

  const complete = trueCondition(job, 'Complete') ?? trueCondition(job, 'SuccessCriteriaMet');
  if (complete) return cond('Succeeded', ConditionReason.JobComplete, complete.message || `all ${want} ranks completed`);

  const failed = trueCondition(job, 'Failed') ?? trueCondition(job, 'FailureTarget');
  if (failed) {
    const cause = podFailureCause(pods);
    if (cause) return cause;
    const reason =
      failed.reason === 'BackoffLimitExceeded'
        ? ConditionReason.BackoffLimitExceeded
        : failed.reason === 'DeadlineExceeded'
          ? ConditionReason.DeadlineExceeded
          : failed.reason === 'PodFailurePolicy'
            ? ConditionReason.PodFailurePolicy
            : ConditionReason.JobFailed;
    return cond('Failed', reason, failed.message || failed.reason || 'the Job failed');
  }

  if (trueCondition(job, 'Suspended')) return cond('Pending', ConditionReason.Suspended, 'the Job is suspended');

  const pull = imagePullProblem(pods);
  if (pull) return cond(pull.final ? 'Failed' : 'Pending', ConditionReason.ImagePullError, pull.message);

  const unschedulable = unschedulableSince(pods);
  if (unschedulable) {
    const waited = unschedulable.since ? (options.now.getTime() - unschedulable.since.getTime()) / 1000 : 0;
    const final = waited > options.unschedulableTimeoutSeconds;
    return cond(
      final ? 'Failed' : 'Pending',
      ConditionReason.Unschedulable,
      final ? `${unschedulable.message} (for ${Math.round(waited)} s)` : unschedulable.message,
    );
  }

  // `ready` counts pods whose containers are running and ready; older servers lack it, so
  // count Running pods as a fallback.
  const runningPods = pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp).length;
  const ready = Math.max(job.status?.ready ?? 0, runningPods);
  // Ranks that already finished count as having run: the group is past rendezvous.
  const succeeded = job.status?.succeeded ?? 0;
  if (ready > 0 && ready + succeeded >= want) {
    return cond('Running', ConditionReason.AllRanksRunning, `${ready}/${want} ranks running, ${succeeded} done`);
  }
  if (job.status?.active || pods.length > 0) {
    return cond('Pending', ConditionReason.PodsStarting, `${ready}/${want} ranks running`);
  }
  return cond('Pending', ConditionReason.JobCreated, 'waiting for the Job controller to create pods');
}
