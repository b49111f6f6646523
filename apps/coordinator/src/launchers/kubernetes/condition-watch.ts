/**
 * Push instead of poll: informers (list + watch, `@kubernetes/client-node`) on the launcher's
 * Jobs and worker pods keep a local cache; every Job or pod event recomputes that Job's
 * condition with the same pure `jobCondition`, and the listener hears only changes (status
 * is written only when it changed, as the Kubeflow trainer's reconciler does). A slow timer
 * re-evaluates too, because "unschedulable for too long" changes with time, not with events.
 */
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  type Informer,
  type ObjectCache,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import type { LaunchCondition, LaunchHandle } from '../launcher.js';
import { ConditionReason, jobCondition } from './conditions.js';

/** One condition change of one launched trial. */
export interface ConditionChange {
  /** The handle `launch` returned for this Job. */
  handle: LaunchHandle;
  /** The new condition. */
  condition: LaunchCondition;
}

export interface ConditionWatchOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Label selector of the launcher's Jobs and worker pods. */
  labelSelector: string;
  launcherName: string;
  unschedulableTimeoutSeconds: number;
  now: () => Date;
  /** Period of the time-based re-evaluation, ms. */
  resyncMs: number;
  /** Delay before restarting an informer after an error, ms. */
  restartDelayMs: number;
  /** Called with informer errors (they are retried). */
  onError?: (error: unknown) => void;
}

/** Stops a running watch. */
export interface ConditionWatch {
  stop(): Promise<void>;
}

type Cached<T extends object> = Informer<T & { metadata?: { name?: string } }> & ObjectCache<T & { metadata?: { name?: string } }>;

function ownerJob(pod: V1Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.kind === 'Job')?.name;
}

export async function watchConditions(
  options: ConditionWatchOptions,
  listener: (change: ConditionChange) => void,
): Promise<ConditionWatch> {
  const { kubeConfig, namespace, labelSelector } = options;
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const jobs = makeInformer<V1Job>(
    kubeConfig,
    `/apis/batch/v1/namespaces/${namespace}/jobs`,
    () => batch.listNamespacedJob({ namespace, labelSelector }),
    labelSelector,
  ) as unknown as Cached<V1Job>;
  const pods = makeInformer<V1Pod>(
    kubeConfig,
    `/api/v1/namespaces/${namespace}/pods`,
    () => core.listNamespacedPod({ namespace, labelSelector }),
    labelSelector,
  ) as unknown as Cached<V1Pod>;

  const last = new Map<string, string>(); // job name → JSON of the last condition sent
  const trialIdOf = new Map<string, string>(); // job name → trial id, still known after deletion
  let stopped = false;

  const evaluate = (jobName: string, deleted = false) => {
    if (stopped) return;
    const job = deleted ? undefined : jobs.get(jobName, namespace);
    const trialId = job?.metadata?.labels?.['grugan.dev/trial'];
    const podsOfJob = pods.list(namespace).filter((p) => ownerJob(p) === jobName);
    const condition = jobCondition(job, podsOfJob, {
      now: options.now(),
      unschedulableTimeoutSeconds: options.unschedulableTimeoutSeconds,
    });
    const key = JSON.stringify(condition);
    if (last.get(jobName) === key) return;
    if (condition.reason === ConditionReason.JobNotFound && !last.has(jobName)) return; // never seen
    const previousTrial = trialIdOf.get(jobName);
    if (deleted) last.delete(jobName);
    else last.set(jobName, key);
    const trial = trialId ?? previousTrial ?? '';
    if (trialId) trialIdOf.set(jobName, trialId);
    if (deleted) trialIdOf.delete(jobName);
    listener({ handle: { launcher: options.launcherName, trialId: trial, id: jobName }, condition });
  };

  jobs.on('add', (j) => evaluate(j.metadata!.name!));
  jobs.on('update', (j) => evaluate(j.metadata!.name!));
  jobs.on('delete', (j) => evaluate(j.metadata!.name!, true));
  for (const verb of ['add', 'update', 'delete'] as const) {
    pods.on(verb, (p) => {
      const job = ownerJob(p);
      if (job && jobs.get(job, namespace)) evaluate(job);
    });
  }
  const timers = new Set<NodeJS.Timeout>();
  for (const informer of [jobs, pods]) {
    informer.on('error', (error) => {
      options.onError?.(error);
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) informer.start().catch((e: unknown) => options.onError?.(e));
      }, options.restartDelayMs);
      timers.add(timer);
    });
  }
  // Pods first, so the first Job events already see them.
  await pods.start();
  await jobs.start();
  const resync = setInterval(() => {
    for (const job of jobs.list(namespace)) evaluate(job.metadata!.name!);
  }, options.resyncMs);
  resync.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(resync);
      for (const t of timers) clearTimeout(t);
      await Promise.all([jobs.stop(), pods.stop()]);
    },
  };
}
