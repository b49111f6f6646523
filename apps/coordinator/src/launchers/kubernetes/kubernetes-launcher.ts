/**
 * The Kubernetes launcher: one Indexed Job per trial launch, owned by a per-sweep ConfigMap.
 * Manifests come from the pure builders in `manifests.ts`; this class only applies them
 * (create-or-update), reads status back (`conditions.ts`) and deletes with propagation.
 *
 * Jobs are immutable where it matters (the pod template), so "update" means: an existing Job
 * built from the same spec (same `grugan.dev/spec-hash`) is kept and only its metadata is
 * replaced; a Job with a different spec is deleted and created again.
 */
import { BatchV1Api, CoreV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import type { LaunchCondition, LaunchHandle, LaunchRequest, Launcher } from '../launcher.js';
import { apiError, apiStatus, orNotFound } from './api.js';
import { jobCondition } from './conditions.js';
import { watchConditions, type ConditionChange, type ConditionWatch } from './condition-watch.js';
import { KubernetesLauncherError, KubernetesLauncherErrorCode } from './errors.js';
import { loadKubeConfig, resolveNamespace } from './kubeconfig.js';
import { buildSweepOwner, buildTrialJob, type ManifestContext } from './manifests.js';
import { ANNOTATIONS, LABELS, MANAGED_BY, labelValue } from './names.js';
import {
  loadWorkerTemplate,
  parseWorkerTemplate,
  type WorkerTemplate,
  type WorkerTemplateInput,
} from './worker-template.js';

/** Name of this launcher in handles and the launcher registry. */
export const KUBERNETES_LAUNCHER = 'kubernetes';

/** Where the chart mounts the worker template ConfigMap in the coordinator pod. */
export const DEFAULT_WORKER_TEMPLATE_FILE = '/etc/grugan/worker-template.yaml';

export interface KubernetesLauncherOptions {
  /** API client config; default: in-cluster service account, else the user's kubeconfig. */
  kubeConfig?: KubeConfig;
  /** Namespace of Jobs and ConfigMaps; default: `GRUGAN_K8S_NAMESPACE`, then the context's. */
  namespace?: string;
  /** Worker pod template as an object (tests, embedding). Wins over `workerTemplateFile`. */
  workerTemplate?: WorkerTemplateInput;
  /** YAML file holding the worker template; default `GRUGAN_WORKER_TEMPLATE`, then `/etc/grugan/worker-template.yaml`. */
  workerTemplateFile?: string;
  /** Helm release name for `app.kubernetes.io/instance`; default `GRUGAN_RELEASE_NAME`, then `grugan`. */
  instance?: string;
  /** Seconds a pod may stay unschedulable before the trial counts as failed (default `GRUGAN_K8S_UNSCHEDULABLE_TIMEOUT_S`, then 600). */
  unschedulableTimeoutSeconds?: number;
  /** Create attempts when a stale Job with the same name is still being deleted (default 10). */
  conflictRetries?: number;
  /** Delay between those attempts, in ms (default 500). */
  conflictRetryDelayMs?: number;
  /** Clock, for unschedulable timeouts. */
  now?: () => Date;
  /** Environment to read defaults from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KubernetesLauncher implements Launcher {
  readonly name = KUBERNETES_LAUNCHER;
  /** Namespace every object lives in. */
  readonly namespace: string;
  private readonly kc: KubeConfig;
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly instance: string;
  private readonly template: () => Promise<WorkerTemplate>;
  private readonly unschedulableTimeoutSeconds: number;
  private readonly conflictRetries: number;
  private readonly conflictRetryDelayMs: number;
  private readonly now: () => Date;

  constructor(options: KubernetesLauncherOptions = {}) {
    const env = options.env ?? process.env;
    const kc = options.kubeConfig ?? loadKubeConfig(env);
    this.kc = kc;
    this.namespace = resolveNamespace(kc, options.namespace, env);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.instance = options.instance ?? env.GRUGAN_RELEASE_NAME ?? 'grugan';
    const fromEnv = Number(env.GRUGAN_K8S_UNSCHEDULABLE_TIMEOUT_S);
    this.unschedulableTimeoutSeconds =
      options.unschedulableTimeoutSeconds ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 600);
    this.conflictRetries = options.conflictRetries ?? 10;
    this.conflictRetryDelayMs = options.conflictRetryDelayMs ?? 500;
    this.now = options.now ?? (() => new Date());
    if (options.workerTemplate) {
      // Parse now: a bad template should stop the coordinator at start-up, not at first launch.
      const parsed = parseWorkerTemplate(options.workerTemplate);
      this.template = async () => parsed;
    } else {
      const file = options.workerTemplateFile ?? env.GRUGAN_WORKER_TEMPLATE ?? DEFAULT_WORKER_TEMPLATE_FILE;
      let loading: Promise<WorkerTemplate> | undefined;
      this.template = () => {
        loading ??= loadWorkerTemplate(file);
        // A failed read is retried next time (the ConfigMap may not be mounted yet).
        loading.catch(() => (loading = undefined));
        return loading;
      };
    }
  }

  private context(owner?: { name: string; uid: string }): ManifestContext {
    return { namespace: this.namespace, instance: this.instance, ...(owner ? { owner } : {}) };
  }

  /**
   * Creates the sweep's owner ConfigMap, or finds it; returns what owner references need.
   * Not cached: a Job whose owner uid no longer exists is deleted by the garbage collector at
   * once, so the uid must be the live one (launches are rare; two requests are cheap).
   */
  private async ensureSweepOwner(sweepId: string): Promise<{ name: string; uid: string }> {
    const body = buildSweepOwner(sweepId, this.context());
    const name = body.metadata!.name!;
    let uid: string | undefined;
    try {
      uid = (await this.core.createNamespacedConfigMap({ namespace: this.namespace, body })).metadata?.uid;
    } catch (error) {
      if (apiStatus(error) !== 409) throw apiError(`creating ConfigMap ${name}`, error);
      const existing = await orNotFound(`reading ConfigMap ${name}`, () =>
        this.core.readNamespacedConfigMap({ name, namespace: this.namespace }),
      );
      uid = existing?.metadata?.uid;
    }
    if (!uid) {
      throw new KubernetesLauncherError(
        KubernetesLauncherErrorCode.ApiRequestFailed,
        `ConfigMap ${name} has no uid (deleted while launching?)`,
      );
    }
    return { name, uid };
  }

  /** Create, or keep-and-relabel an identical Job, or replace a stale one. */
  private async applyJob(job: V1Job): Promise<void> {
    const name = job.metadata!.name!;
    const namespace = this.namespace;
    for (let attempt = 0; attempt <= this.conflictRetries; attempt++) {
      try {
        await this.batch.createNamespacedJob({ namespace, body: job });
        return;
      } catch (error) {
        if (apiStatus(error) !== 409) throw apiError(`creating Job ${name}`, error);
      }
      const existing = await orNotFound(`reading Job ${name}`, () => this.batch.readNamespacedJob({ name, namespace }));
      if (!existing) continue; // deleted in between: create again
      if (existing.metadata?.deletionTimestamp) {
        await sleep(this.conflictRetryDelayMs); // still being deleted: wait for it to go
        continue;
      }
      const sameSpec = existing.metadata?.annotations?.[ANNOTATIONS.specHash] === job.metadata!.annotations![ANNOTATIONS.specHash];
      if (sameSpec) {
        // Same pods either way: update only metadata, under the server's resourceVersion so a
        // concurrent writer makes this fail with 409 and loop, instead of being overwritten.
        const updated: V1Job = {
          ...existing,
          metadata: {
            ...existing.metadata,
            labels: { ...existing.metadata?.labels, ...job.metadata!.labels },
            annotations: { ...existing.metadata?.annotations, ...job.metadata!.annotations },
            ownerReferences: job.metadata!.ownerReferences ?? existing.metadata?.ownerReferences,
          },
        };
        try {
          await this.batch.replaceNamespacedJob({ name, namespace, body: updated });
          return;
        } catch (error) {
          if (apiStatus(error) !== 409 && apiStatus(error) !== 404) throw apiError(`replacing Job ${name}`, error);
          continue;
        }
      }
      // A different spec under the same name: the pod template is immutable, so recreate.
      await this.deleteJob(name);
    }
    throw new KubernetesLauncherError(
      KubernetesLauncherErrorCode.ConflictPersisted,
      `Job ${name} still conflicts after ${this.conflictRetries} retries`,
    );
  }

  private async deleteJob(name: string): Promise<void> {
    // Background: the API returns at once and the garbage collector removes the pods.
    await orNotFound(`deleting Job ${name}`, () =>
      this.batch.deleteNamespacedJob({ name, namespace: this.namespace, propagationPolicy: 'Background' }),
    );
  }

  /** Deletes Jobs of earlier attempts of the trial, so a relaunch never runs beside its predecessor. */
  private async deleteOtherAttempts(trialId: string, keep: string): Promise<void> {
    const list = await this.batch
      .listNamespacedJob({ namespace: this.namespace, labelSelector: `${LABELS.trial}=${labelValue(trialId)}` })
      .catch((error) => {
        throw apiError(`listing Jobs of trial ${trialId}`, error);
      });
    for (const old of list.items) {
      const name = old.metadata?.name;
      if (name && name !== keep && !old.metadata?.deletionTimestamp) await this.deleteJob(name);
    }
  }

  async launch(request: LaunchRequest): Promise<LaunchHandle> {
    if (!Number.isInteger(request.worldSize) || request.worldSize < 1) {
      throw new RangeError(`worldSize must be a positive integer, got ${request.worldSize}`);
    }
    const template = await this.template();
    const owner = await this.ensureSweepOwner(request.sweepId);
    const job = buildTrialJob(request, template, this.context(owner));
    const name = job.metadata!.name!;
    await this.deleteOtherAttempts(request.trialId, name);
    await this.applyJob(job);
    return { launcher: this.name, trialId: request.trialId, id: name };
  }

  private checkHandle(handle: LaunchHandle): void {
    if (handle.launcher !== this.name || !handle.id) {
      throw new KubernetesLauncherError(
        KubernetesLauncherErrorCode.InvalidHandle,
        `handle of launcher '${handle.launcher}' (id '${handle.id}') is not a Kubernetes Job`,
      );
    }
  }

  async status(handle: LaunchHandle): Promise<LaunchCondition> {
    this.checkHandle(handle);
    const job = await orNotFound(`reading Job ${handle.id}`, () =>
      this.batch.readNamespacedJob({ name: handle.id, namespace: this.namespace }),
    );
    const labels = job?.metadata?.labels ?? {};
    const selector = [LABELS.trial, LABELS.attempt]
      .filter((k) => labels[k] !== undefined)
      .map((k) => `${k}=${labels[k]}`)
      .join(',');
    const pods =
      job && selector
        ? (
            await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: selector }).catch((error) => {
              throw apiError(`listing pods of Job ${handle.id}`, error);
            })
          ).items
        : [];
    return jobCondition(job, pods, { now: this.now(), unschedulableTimeoutSeconds: this.unschedulableTimeoutSeconds });
  }

  async terminate(handle: LaunchHandle): Promise<void> {
    this.checkHandle(handle);
    await this.deleteJob(handle.id);
  }

  /**
   * Watches every Job this launcher (this release) started, and their pods, and calls
   * `listener` whenever a trial's condition changes; an alternative to polling `status`.
   */
  watch(
    listener: (change: ConditionChange) => void,
    options: { resyncMs?: number; restartDelayMs?: number; onError?: (error: unknown) => void } = {},
  ): Promise<ConditionWatch> {
    return watchConditions(
      {
        kubeConfig: this.kc,
        namespace: this.namespace,
        labelSelector: `${LABELS.managedBy}=${MANAGED_BY},${LABELS.instance}=${labelValue(this.instance)},${LABELS.component}=worker`,
        launcherName: this.name,
        unschedulableTimeoutSeconds: this.unschedulableTimeoutSeconds,
        now: this.now,
        resyncMs: options.resyncMs ?? 30_000,
        restartDelayMs: options.restartDelayMs ?? 2_000,
        ...(options.onError ? { onError: options.onError } : {}),
      },
      listener,
    );
  }

  /** Deletes the sweep's owner ConfigMap; the garbage collector then deletes its Jobs and pods. */
  async releaseSweep(sweepId: string): Promise<void> {
    const name = buildSweepOwner(sweepId, this.context()).metadata!.name!;
    await orNotFound(`deleting ConfigMap ${name}`, () =>
      this.core.deleteNamespacedConfigMap({ name, namespace: this.namespace, propagationPolicy: 'Background' }),
    );
  }
}

/** Factory for the launcher registry (`kubernetes` → this). */
export function createKubernetesLauncher(options: KubernetesLauncherOptions = {}): KubernetesLauncher {
  return new KubernetesLauncher(options);
}
