/**
 * Pure manifest builders: (trial launch request, worker template) → Kubernetes objects. No I/O,
 * so the exact objects are pinned by snapshot tests and validated against the Kubernetes
 * schemas, as Katib's `manifest/generator.go` and the Kubeflow trainer's runtime plugins do.
 *
 * One trial launch = one Indexed Job (batch/v1, `completionMode: Indexed`): W pods, pod i
 * gets completion index i, and the worker's rank is that index. Jobs are owned by a per-sweep
 * ConfigMap, so deleting a sweep's ConfigMap lets the garbage collector delete its Jobs and pods.
 */
import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1EnvVar, V1Job, V1JobSpec, V1OwnerReference } from '@kubernetes/client-node';
import type { LaunchRequest } from '../launcher.js';
import type { WorkerTemplate } from './worker-template.js';
import { ANNOTATIONS, LABELS, MANAGED_BY, labelValue, sweepOwnerName, trialJobName } from './names.js';

/** Where objects go and who owns them; everything else comes from the request and template. */
export interface ManifestContext {
  /** Namespace of the coordinator (the Role only covers this one). */
  namespace: string;
  /** Helm release name, for `app.kubernetes.io/instance`. */
  instance: string;
  /** The per-sweep owner object, once it exists (its uid comes from the API server). */
  owner?: { name: string; uid: string };
}

/** Name of the container in every worker pod (podFailurePolicy rules refer to it). */
export const WORKER_CONTAINER = 'worker';

/** Numeric uid/gid of the `grugan` user in the images (deploy/docker). */
export const WORKER_UID = 10001;

function commonLabels(ctx: ManifestContext, component: string): Record<string, string> {
  return {
    [LABELS.name]: 'grugan',
    [LABELS.instance]: labelValue(ctx.instance),
    [LABELS.component]: component,
    [LABELS.partOf]: 'grugan',
    [LABELS.managedBy]: MANAGED_BY,
  };
}

/** The ConfigMap that stands for a sweep in the cluster and owns the sweep's Jobs. */
export function buildSweepOwner(sweepId: string, ctx: ManifestContext): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: sweepOwnerName(sweepId),
      namespace: ctx.namespace,
      labels: { ...commonLabels(ctx, 'sweep'), [LABELS.sweep]: labelValue(sweepId) },
    },
    data: { sweepId },
  };
}

/** Labels that select one trial's worker pods (all attempts). */
export function trialSelector(trialId: string): Record<string, string> {
  return { [LABELS.component]: 'worker', [LABELS.trial]: labelValue(trialId) };
}

/**
 * Environment of every worker: the identity variables the worker reads (see
 * `@grugan/protocol` trial.ts) win over template and request extras, so no override can make
 * two pods claim the same rank.
 */
function workerEnv(request: LaunchRequest, template: WorkerTemplate): V1EnvVar[] {
  const identity: V1EnvVar[] = [
    { name: 'GRUGAN_TRIAL_ID', value: request.trialId },
    { name: 'GRUGAN_SWEEP_ID', value: request.sweepId },
    { name: 'GRUGAN_WORLD_SIZE', value: String(request.worldSize) },
    // The Job controller writes the completion index into this annotation (and into
    // JOB_COMPLETION_INDEX); reading it through the downward API names the rank explicitly.
    {
      name: 'GRUGAN_RANK',
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${ANNOTATIONS.completionIndex}']` } },
    },
    { name: 'GRUGAN_ATTEMPT', value: String(request.attempt) },
    template.natsUrlFromSecret
      ? { name: 'NATS_URL', valueFrom: { secretKeyRef: { ...template.natsUrlFromSecret } } }
      : { name: 'NATS_URL', value: request.natsUrl },
  ];
  if (template.metricsPort > 0) identity.push({ name: 'GRUGAN_METRICS_PORT', value: String(template.metricsPort) });
  const taken = new Set(identity.map((e) => e.name));
  const extras = { ...template.env, ...(request.env ?? {}) };
  const extraEnv = Object.keys(extras)
    .filter((name) => !taken.has(name))
    .sort()
    .map((name) => ({ name, value: extras[name] }));
  return [...identity, ...extraEnv];
}

function jobSpec(request: LaunchRequest, template: WorkerTemplate, ctx: ManifestContext): V1JobSpec {
  const labels = {
    ...template.podLabels,
    ...commonLabels(ctx, 'worker'),
    [LABELS.sweep]: labelValue(request.sweepId),
    [LABELS.trial]: labelValue(request.trialId),
    [LABELS.attempt]: String(request.attempt),
  };
  const scrape: Record<string, string> =
    template.scrapeAnnotations && template.metricsPort > 0
      ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(template.metricsPort), 'prometheus.io/path': '/metrics' }
      : {};
  const limits: Record<string, string> = { ...(template.resources.limits ?? {}) };
  if (template.gpusPerPod > 0) limits[template.gpuResourceName] = String(template.gpusPerPod);
  const resources = {
    ...(template.resources.requests ? { requests: { ...template.resources.requests } } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
  return {
    completionMode: 'Indexed',
    completions: request.worldSize,
    // All ranks must run at once: a data-parallel group waits for every member.
    parallelism: request.worldSize,
    backoffLimit: template.backoffLimit,
    ...(template.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: template.activeDeadlineSeconds } : {}),
    ttlSecondsAfterFinished: template.ttlSecondsAfterFinished,
    podFailurePolicy: {
      rules: [
        // Preemption, node drain and eviction are not the trial's fault: the pod is recreated
        // with the same index and rejoins its group, without spending the backoff budget.
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    },
    template: {
      metadata: {
        labels,
        ...(Object.keys(scrape).length + Object.keys(template.podAnnotations).length > 0
          ? { annotations: { ...template.podAnnotations, ...scrape } }
          : {}),
      },
      spec: {
        // podFailurePolicy requires Never; retries happen as new pods (or new attempts).
        restartPolicy: 'Never',
        // Workers talk to NATS only, never to the Kubernetes API.
        automountServiceAccountToken: false,
        ...(template.serviceAccountName ? { serviceAccountName: template.serviceAccountName } : {}),
        ...(template.priorityClassName ? { priorityClassName: template.priorityClassName } : {}),
        ...(Object.keys(template.nodeSelector).length > 0 ? { nodeSelector: { ...template.nodeSelector } } : {}),
        ...(template.tolerations.length > 0 ? { tolerations: template.tolerations.map((t) => ({ ...t })) } : {}),
        ...(template.affinity ? { affinity: template.affinity } : {}),
        ...(template.imagePullSecrets.length > 0
          ? { imagePullSecrets: template.imagePullSecrets.map((name) => ({ name })) }
          : {}),
        terminationGracePeriodSeconds: template.terminationGracePeriodSeconds,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: WORKER_UID,
          runAsGroup: WORKER_UID,
          fsGroup: WORKER_UID,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: WORKER_CONTAINER,
            image: template.image,
            imagePullPolicy: template.imagePullPolicy,
            args: [...template.args],
            env: workerEnv(request, template),
            ...(template.envFrom.length > 0 ? { envFrom: template.envFrom.map((e) => ({ ...e })) } : {}),
            ...(template.metricsPort > 0
              ? { ports: [{ name: 'metrics', containerPort: template.metricsPort, protocol: 'TCP' }] }
              : {}),
            resources,
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: template.tmpSizeLimit } }],
      },
    },
  };
}

/** Stable hash of a Job spec, so a re-launch can tell "same Job" from "stale Job". */
export function specHash(spec: V1JobSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

/** The Indexed Job that runs one launch attempt of one trial. */
export function buildTrialJob(request: LaunchRequest, template: WorkerTemplate, ctx: ManifestContext): V1Job {
  const spec = jobSpec(request, template, ctx);
  const ownerReferences: V1OwnerReference[] | undefined = ctx.owner
    ? [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: ctx.owner.name,
          uid: ctx.owner.uid,
          // Not a controller, and no blockOwnerDeletion: that would need update rights on the
          // owner's finalizers, which the coordinator's Role deliberately lacks.
          controller: false,
          blockOwnerDeletion: false,
        },
      ]
    : undefined;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: trialJobName(request.trialId, request.attempt),
      namespace: ctx.namespace,
      labels: {
        ...commonLabels(ctx, 'worker'),
        [LABELS.sweep]: labelValue(request.sweepId),
        [LABELS.trial]: labelValue(request.trialId),
        [LABELS.attempt]: String(request.attempt),
      },
      annotations: { [ANNOTATIONS.specHash]: specHash(spec) },
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    spec,
  };
}

/** Everything one trial launch needs: the sweep's owner ConfigMap and the trial's Job. */
export function buildTrialManifests(
  request: LaunchRequest,
  template: WorkerTemplate,
  ctx: ManifestContext,
): { owner: V1ConfigMap; job: V1Job } {
  return { owner: buildSweepOwner(request.sweepId, ctx), job: buildTrialJob(request, template, ctx) };
}
