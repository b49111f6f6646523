/**
 * The worker pod template: everything about a worker pod that the operator decides (image,
 * GPUs, placement, resources), as opposed to what the trial decides (world size, ids). The
 * Helm chart renders it from `values.yaml` into a ConfigMap mounted into the coordinator as
 * YAML; this module parses it once at start-up and names the bad field if any.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KubernetesLauncherError, KubernetesLauncherErrorCode } from './errors.js';

const StringMap = z.record(z.string(), z.string());
const Quantities = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

const Toleration = z.object({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

const EnvFromSource = z.union([
  z.object({ secretRef: z.object({ name: z.string().min(1), optional: z.boolean().optional() }), prefix: z.string().optional() }),
  z.object({ configMapRef: z.object({ name: z.string().min(1), optional: z.boolean().optional() }), prefix: z.string().optional() }),
]);

export const WorkerTemplate = z.object({
  /** Full image reference; the image's entrypoint is the `grugan` CLI. */
  image: z.string().min(1),
  /** Pull policy; `IfNotPresent` suits pinned tags. */
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
  /** Names of docker-registry Secrets for private registries. */
  imagePullSecrets: z.array(z.string().min(1)).default([]),
  /** Arguments to the image's entrypoint; `worker` picks the role. */
  args: z.array(z.string()).default(['worker']),
  /** GPUs per pod (one rank per GPU); 0 runs on CPU. */
  gpusPerPod: z.number().int().min(0).default(0),
  /** Extended resource name of a GPU (the NVIDIA device plugin's by default). */
  gpuResourceName: z.string().min(1).default('nvidia.com/gpu'),
  /** Container requests and limits (the GPU limit is added from `gpusPerPod`). */
  resources: z.object({ requests: Quantities.optional(), limits: Quantities.optional() }).prefault({}),
  /** Node labels a worker pod must match (e.g. a GPU node pool). */
  nodeSelector: StringMap.default({}),
  /** Taints worker pods tolerate (GPU nodes are usually tainted). */
  tolerations: z.array(Toleration).default([]),
  /** Raw pod affinity, passed through unchanged. */
  affinity: z.record(z.string(), z.unknown()).optional(),
  /** PriorityClass of worker pods, so sweeps can yield to production work. */
  priorityClassName: z.string().min(1).optional(),
  /** ServiceAccount of worker pods; workers need no API access, so its token is not mounted. */
  serviceAccountName: z.string().min(1).optional(),
  /** Extra environment for every worker. */
  env: StringMap.default({}),
  /**
   * Secret key holding the full NATS URL (credentials included): workers read `NATS_URL`
   * from it instead of the plain URL the coordinator passes, so no password lands in a Job spec.
   */
  natsUrlFromSecret: z.object({ name: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Secrets/ConfigMaps exported whole into the environment (e.g. NATS credentials). */
  envFrom: z.array(EnvFromSource).default([]),
  /** Extra labels and annotations on worker pods. */
  podLabels: StringMap.default({}),
  podAnnotations: StringMap.default({}),
  /** Port of the worker's Prometheus endpoint; 0 = no fixed port (not scrapeable by pod). */
  metricsPort: z.number().int().min(0).max(65535).default(9464),
  /** Add `prometheus.io/*` scrape annotations (when no PodMonitor is used). */
  scrapeAnnotations: z.boolean().default(true),
  /** Pod failures tolerated before the Job fails; the coordinator retries whole trials from checkpoints, so 0. */
  backoffLimit: z.number().int().min(0).default(0),
  /** Wall-clock limit of a trial's Job, in seconds; unset = none. */
  activeDeadlineSeconds: z.number().int().min(1).optional(),
  /** Finished Jobs are garbage-collected after this many seconds. */
  ttlSecondsAfterFinished: z.number().int().min(0).default(86_400),
  /** Seconds a worker gets between SIGTERM and SIGKILL. */
  terminationGracePeriodSeconds: z.number().int().min(0).default(30),
  /** Size limit of the writable `/tmp` (the root filesystem is read-only). */
  tmpSizeLimit: z.string().min(1).default('1Gi'),
});
export type WorkerTemplate = z.infer<typeof WorkerTemplate>;
export type WorkerTemplateInput = z.input<typeof WorkerTemplate>;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Validates a worker template object; throws naming the bad field. */
export function parseWorkerTemplate(input: unknown, source = 'worker template'): WorkerTemplate {
  const parsed = WorkerTemplate.safeParse(input);
  if (!parsed.success) {
    throw new KubernetesLauncherError(
      KubernetesLauncherErrorCode.InvalidWorkerTemplate,
      `invalid ${source}: ${describe(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** Reads a YAML (or JSON) worker template file, as mounted from the chart's ConfigMap. */
export async function loadWorkerTemplate(file: string): Promise<WorkerTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new KubernetesLauncherError(
      KubernetesLauncherErrorCode.InvalidWorkerTemplate,
      `cannot read worker template ${file}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (cause) {
    throw new KubernetesLauncherError(
      KubernetesLauncherErrorCode.InvalidWorkerTemplate,
      `worker template ${file} is not valid YAML: ${(cause as Error).message}`,
      { cause },
    );
  }
  return parseWorkerTemplate(data, `worker template ${file}`);
}
