/**
 * The pure manifest builders: exact objects pinned by a snapshot, validated against the
 * Kubernetes OpenAPI schemas (`kubernetes-models`), and the properties that matter checked
 * one by one so a snapshot update cannot silently drop them.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  buildTrialManifests,
  parseWorkerTemplate,
  specHash,
  trialJobName,
  labelValue,
  type ManifestContext,
} from '../../../src/launchers/kubernetes/index.js';
import type { LaunchRequest } from '../../../src/launchers/launcher.js';

const gpuTemplate = parseWorkerTemplate({
  image: 'ghcr.io/grugan/grugan:0.1.0-gpu',
  gpusPerPod: 1,
  resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi' } },
  nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  priorityClassName: 'grugan-sweeps',
  envFrom: [{ secretRef: { name: 'grugan-nats-auth' } }],
  env: { GRUGAN_LOG_LEVEL: 'debug', GRUGAN_RANK: '7' },
});

const request: LaunchRequest = {
  sweepId: 'sines-1',
  trialId: 'sines-1-t3',
  worldSize: 2,
  natsUrl: 'nats://grugan-nats:4222',
  attempt: 1,
  env: { EXTRA: 'yes' },
};

const ctx: ManifestContext = { namespace: 'ml', instance: 'grugan', owner: { name: 'grugan-sweep-sines-1', uid: '7c1e6e9a-0000-4000-8000-000000000001' } };

describe('buildTrialManifests', () => {
  const { owner, job } = buildTrialManifests(request, gpuTemplate, ctx);

  it('matches the snapshot (2-worker GPU trial)', () => {
    expect(stringify({ owner, job })).toMatchSnapshot();
  });

  it('is valid against the Kubernetes schemas', () => {
    expect(() => new Job(job as any).validate()).not.toThrow();
    expect(() => new ConfigMap(owner as any).validate()).not.toThrow();
  });

  it('the schema check itself rejects a broken Job', () => {
    const broken = structuredClone(job) as any;
    broken.spec.completions = '2';
    expect(() => new Job(broken).validate()).toThrow(/completions/);
  });

  it('is an Indexed Job with one pod per rank, all at once, one GPU each', () => {
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimit: 0 });
    const pod = job.spec!.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].resources!.limits).toEqual({ memory: '16Gi', 'nvidia.com/gpu': '1' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.priorityClassName).toBe('grugan-sweeps');
    expect(job.spec!.podFailurePolicy!.rules[0]).toMatchObject({ action: 'Ignore' });
  });

  it('takes the rank from the completion index and keeps identity variables unoverridable', () => {
    const env = job.spec!.template.spec!.containers[0].env!;
    const rank = env.filter((e) => e.name === 'GRUGAN_RANK');
    expect(rank).toHaveLength(1); // the template's GRUGAN_RANK=7 is dropped
    expect(rank[0].valueFrom?.fieldRef?.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    expect(env.find((e) => e.name === 'EXTRA')?.value).toBe('yes');
    expect(env.find((e) => e.name === 'GRUGAN_ATTEMPT')?.value).toBe('1');
  });

  it('runs as non-root with a read-only root filesystem and no API token', () => {
    const pod = job.spec!.template.spec!;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('labels Job and pods by sweep and trial, and owns the Job by the sweep ConfigMap', () => {
    for (const labels of [job.metadata!.labels!, job.spec!.template.metadata!.labels!]) {
      expect(labels).toMatchObject({ 'grugan.dev/sweep': 'sines-1', 'grugan.dev/trial': 'sines-1-t3', 'app.kubernetes.io/name': 'grugan' });
    }
    expect(job.metadata!.ownerReferences).toEqual([expect.objectContaining({ kind: 'ConfigMap', uid: ctx.owner!.uid })]);
  });

  it('is deterministic, and its spec hash changes with the spec', () => {
    expect(buildTrialManifests(request, gpuTemplate, ctx)).toEqual({ owner, job });
    const other = buildTrialManifests({ ...request, worldSize: 4 }, gpuTemplate, ctx).job;
    expect(specHash(other.spec!)).not.toBe(specHash(job.spec!));
  });

  it('reads NATS_URL from a Secret when credentials are involved', () => {
    const t = parseWorkerTemplate({ image: 'img:1', natsUrlFromSecret: { name: 'nats-auth', key: 'url' } });
    const env = buildTrialManifests(request, t, ctx).job.spec!.template.spec!.containers[0].env!;
    const nats = env.filter((e) => e.name === 'NATS_URL');
    expect(nats).toEqual([{ name: 'NATS_URL', valueFrom: { secretKeyRef: { name: 'nats-auth', key: 'url' } } }]);
  });

  it('omits the GPU limit and scrape annotations when asked to', () => {
    const cpu = parseWorkerTemplate({ image: 'img:1', scrapeAnnotations: false });
    const { job: cpuJob } = buildTrialManifests(request, cpu, { namespace: 'ml', instance: 'grugan' });
    expect(cpuJob.spec!.template.spec!.containers[0].resources).toEqual({});
    expect(cpuJob.spec!.template.metadata!.annotations).toBeUndefined();
    expect(cpuJob.metadata!.ownerReferences).toBeUndefined();
    expect(() => new Job(cpuJob as any).validate()).not.toThrow();
  });
});

describe('names', () => {
  it('keeps Job names within 63 characters and distinct', () => {
    const long = 'a'.repeat(63);
    const a = trialJobName(long, 0);
    const b = trialJobName(long, 1);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('makes label values safe', () => {
    expect(labelValue('-x/y-')).toBe('x-y');
    expect(labelValue('z'.repeat(80)).length).toBeLessThanOrEqual(63);
  });
});

describe('parseWorkerTemplate', () => {
  it('names the bad field', () => {
    expect(() => parseWorkerTemplate({ image: 'img:1', tolerations: [{ operator: 'Maybe' }] })).toThrow(/tolerations\.0\.operator/);
    expect(() => parseWorkerTemplate({})).toThrow(/image/);
  });
});
