/**
 * The Kubernetes launcher against the stand-in API server, through a real `KubeConfig` and
 * the real `@kubernetes/client-node` HTTP stack: launch, status, terminate, create-or-update
 * and 409 handling, owner-reference garbage collection.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConditionReason,
  KubernetesLauncherErrorCode,
  createKubernetesLauncher,
  type KubernetesLauncher,
} from '../../../src/launchers/kubernetes/index.js';
import type { LaunchRequest } from '../../../src/launchers/launcher.js';
import { StandInApiServer } from './stand-in-api-server.js';

const NS = 'sweeps';
let api: StandInApiServer;
let server: string;

function kubeConfig(token = api.token): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stand-in', server, skipTLSVerify: true }],
    users: [{ name: 'coordinator', token }],
    contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'coordinator', namespace: NS }],
    currentContext: 'stand-in',
  });
  return kc;
}

function launcher(extra: Partial<Parameters<typeof createKubernetesLauncher>[0]> = {}): KubernetesLauncher {
  return createKubernetesLauncher({
    kubeConfig: kubeConfig(),
    env: {},
    instance: 'prod',
    workerTemplate: { image: 'ghcr.io/grugan/grugan:0.1.0-gpu', gpusPerPod: 1 },
    conflictRetryDelayMs: 20,
    ...extra,
  });
}

const request = (over: Partial<LaunchRequest> = {}): LaunchRequest => ({
  sweepId: 'sines-1',
  trialId: 'sines-1-t3',
  worldSize: 2,
  natsUrl: 'nats://grugan-nats:4222',
  attempt: 0,
  ...over,
});

beforeAll(async () => {
  api = new StandInApiServer();
  server = await api.start();
});
afterAll(async () => {
  await api.stop();
});
beforeEach(() => {
  api.requests.length = 0;
});

describe('KubernetesLauncher', () => {
  it('takes its namespace from the kubeconfig context', () => {
    expect(launcher().namespace).toBe(NS);
  });

  it('launches one Indexed Job per trial, owned by the sweep ConfigMap', async () => {
    const l = launcher();
    const handle = await l.launch(request());
    expect(handle).toEqual({ launcher: 'kubernetes', trialId: 'sines-1-t3', id: 'grugan-sines-1-t3-a0' });

    const owner = api.get('configmaps', NS, 'grugan-sweep-sines-1');
    expect(owner?.metadata.labels?.['grugan.dev/sweep']).toBe('sines-1');
    const job = api.get('jobs', NS, handle.id)!;
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(2);
    expect(job.spec.parallelism).toBe(2);
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ConfigMap', name: 'grugan-sweep-sines-1', uid: owner!.metadata.uid }),
    ]);
    const container = job.spec.template.spec.containers[0];
    expect(container.resources.limits['nvidia.com/gpu']).toBe('1');
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      GRUGAN_TRIAL_ID: 'sines-1-t3',
      GRUGAN_WORLD_SIZE: '2',
      GRUGAN_ATTEMPT: '0',
      NATS_URL: 'nats://grugan-nats:4222',
      GRUGAN_RANK: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    });
    expect(job.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': 'prod',
      'grugan.dev/sweep': 'sines-1',
      'grugan.dev/trial': 'sines-1-t3',
    });
  });

  it('reuses the sweep owner for a second trial (409 on the ConfigMap is not an error)', async () => {
    const fresh = launcher(); // no cached owner: must create, get 409, then read
    await fresh.launch(request({ trialId: 'sines-1-t4' }));
    const creates = api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/configmaps'));
    expect(creates).toHaveLength(1);
    const owner = api.get('configmaps', NS, 'grugan-sweep-sines-1')!;
    expect(api.get('jobs', NS, 'grugan-sines-1-t4-a0')!.metadata.ownerReferences![0].uid).toBe(owner.metadata.uid);
  });

  it('launching the same trial again keeps the Job (409 → same spec → metadata replaced)', async () => {
    const l = launcher();
    const before = api.get('jobs', NS, 'grugan-sines-1-t3-a0')!;
    const handle = await l.launch(request());
    const after = api.get('jobs', NS, handle.id)!;
    expect(after.metadata.uid).toBe(before.metadata.uid); // same object, not recreated
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    const verbs = api.requests.filter((r) => r.path.includes('/jobs/grugan-sines-1-t3-a0') || r.path.endsWith('/jobs'));
    expect(verbs.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PUT']);
  });

  it('replaces a Job whose spec changed under the same name (delete, wait out finalizers, create)', async () => {
    const l = launcher({ workerTemplate: { image: 'ghcr.io/grugan/grugan:0.2.0-gpu', gpusPerPod: 1 } });
    const old = api.get('jobs', NS, 'grugan-sines-1-t3-a0')!;
    api.addFinalizer('jobs', NS, old.metadata.name, 'test/hold');
    // Release the finalizer a little later, as a controller would.
    const release = setTimeout(() => api.clearFinalizers('jobs', NS, old.metadata.name), 100);
    const handle = await l.launch(request());
    clearTimeout(release);
    const now = api.get('jobs', NS, handle.id)!;
    expect(now.metadata.uid).not.toBe(old.metadata.uid);
    expect(now.spec.template.spec.containers[0].image).toBe('ghcr.io/grugan/grugan:0.2.0-gpu');
    const del = api.requests.find((r) => r.method === 'DELETE' && r.path.endsWith('/jobs/grugan-sines-1-t3-a0'));
    expect(del?.query.propagationPolicy ?? (del?.body as any)?.propagationPolicy).toBe('Background');
  });

  it('gives up with a named error when a stale Job never goes away', async () => {
    const l = launcher({ workerTemplate: { image: 'ghcr.io/grugan/grugan:0.3.0', gpusPerPod: 1 }, conflictRetries: 3 });
    api.addFinalizer('jobs', NS, 'grugan-sines-1-t3-a0', 'test/stuck');
    await expect(l.launch(request())).rejects.toMatchObject({ code: KubernetesLauncherErrorCode.ConflictPersisted });
    api.clearFinalizers('jobs', NS, 'grugan-sines-1-t3-a0');
  });

  it('a relaunch (next attempt) is a new Job and deletes the previous attempt', async () => {
    const l = launcher();
    await l.launch(request({ trialId: 'relaunch', attempt: 0 }));
    const handle = await l.launch(request({ trialId: 'relaunch', attempt: 1 }));
    expect(handle.id).toBe('grugan-relaunch-a1');
    expect(api.get('jobs', NS, 'grugan-relaunch-a0')).toBeUndefined();
    const env = api.get('jobs', NS, handle.id)!.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'GRUGAN_ATTEMPT').value).toBe('1');
  });

  it('maps Job and pod status to conditions', async () => {
    const l = launcher({ now: () => new Date('2026-01-01T00:20:00Z'), unschedulableTimeoutSeconds: 300 });
    const handle = await l.launch(request({ trialId: 'status' }));
    expect(await l.status(handle)).toMatchObject({ type: 'Pending', reason: ConditionReason.JobCreated });

    api.setJobStatus(NS, handle.id, { active: 2, ready: 0 });
    const p0 = api.addPod(NS, handle.id, 0, { phase: 'Running' });
    const p1 = api.addPod(NS, handle.id, 1, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes have nvidia.com/gpu', lastTransitionTime: '2026-01-01T00:18:00Z' }],
    });
    expect(await l.status(handle)).toMatchObject({ type: 'Pending', reason: ConditionReason.Unschedulable });

    api.setJobStatus(NS, handle.id, { active: 2, ready: 2 });
    expect(await l.status(handle)).toMatchObject({ type: 'Pending', reason: ConditionReason.Unschedulable }); // pod evidence first
    // The scheduler places pod 1 (modelled as: that pod is replaced by a running one).
    api.clearFinalizers('pods', NS, p1.metadata.name);
    (api as any).store.delete(`pods/${NS}/${p1.metadata.name}`);
    api.addPod(NS, handle.id, 1, { phase: 'Running' });
    expect(await l.status(handle)).toMatchObject({ type: 'Running', reason: ConditionReason.AllRanksRunning });

    api.setJobStatus(NS, handle.id, {
      failed: 1,
      conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
    });
    expect(await l.status(handle)).toMatchObject({ type: 'Failed', reason: ConditionReason.BackoffLimitExceeded });
    expect(p0.metadata.labels?.['grugan.dev/trial']).toBe('status');
  });

  it('reports OOMKilled from the pod when the Job fails', async () => {
    const l = launcher();
    const handle = await l.launch(request({ trialId: 'oom' }));
    api.addPod(NS, handle.id, 0, {
      phase: 'Failed',
      containerStatuses: [{ name: 'worker', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
    });
    api.setJobStatus(NS, handle.id, { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] });
    expect(await l.status(handle)).toMatchObject({ type: 'Failed', reason: ConditionReason.OOMKilled });
  });

  it('reports success from the Complete condition', async () => {
    const l = launcher();
    const handle = await l.launch(request({ trialId: 'done' }));
    api.setJobStatus(NS, handle.id, { succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] });
    expect(await l.status(handle)).toMatchObject({ type: 'Succeeded', reason: ConditionReason.JobComplete });
  });

  it('terminate deletes with Background propagation, collects pods, and is idempotent', async () => {
    const l = launcher();
    const handle = await l.launch(request({ trialId: 'cancel' }));
    api.addPod(NS, handle.id, 0, { phase: 'Running' });
    await l.terminate(handle);
    expect(api.get('jobs', NS, handle.id)).toBeUndefined();
    expect(api.list('pods', NS).filter((p) => p.metadata.labels?.['grugan.dev/trial'] === 'cancel')).toEqual([]);
    const del = api.requests.find((r) => r.method === 'DELETE');
    expect(del?.query.propagationPolicy ?? (del?.body as any)?.propagationPolicy).toBe('Background');
    await expect(l.terminate(handle)).resolves.toBeUndefined(); // 404 is fine
    expect(await l.status(handle)).toMatchObject({ type: 'Unknown', reason: ConditionReason.JobNotFound });
  });

  it('deleting a sweep deletes its Jobs and their pods through owner references', async () => {
    const l = launcher();
    const a = await l.launch(request({ sweepId: 'gone', trialId: 'gone-t1' }));
    const b = await l.launch(request({ sweepId: 'gone', trialId: 'gone-t2' }));
    const keep = await l.launch(request({ sweepId: 'kept', trialId: 'kept-t1' }));
    api.addPod(NS, a.id, 0, { phase: 'Running' });
    await l.releaseSweep('gone');
    expect(api.get('jobs', NS, a.id)).toBeUndefined();
    expect(api.get('jobs', NS, b.id)).toBeUndefined();
    expect(api.list('pods', NS).some((p) => p.metadata.name.startsWith(a.id))).toBe(false);
    expect(api.get('jobs', NS, keep.id)).toBeDefined();
    // The sweep can be launched into again: a new owner is created.
    await l.launch(request({ sweepId: 'gone', trialId: 'gone-t3' }));
    expect(api.get('configmaps', NS, 'grugan-sweep-gone')).toBeDefined();
  });

  it('rejects handles of other launchers and bad world sizes', async () => {
    const l = launcher();
    await expect(l.status({ launcher: 'local', trialId: 't', id: '123' })).rejects.toMatchObject({
      code: KubernetesLauncherErrorCode.InvalidHandle,
    });
    await expect(l.launch(request({ worldSize: 0 }))).rejects.toThrow(/worldSize/);
  });

  it('surfaces API refusals as named errors carrying the server message', async () => {
    const l = createKubernetesLauncher({
      kubeConfig: kubeConfig('wrong-token'),
      env: {},
      workerTemplate: { image: 'img:1' },
    });
    await expect(l.launch(request())).rejects.toMatchObject({
      code: KubernetesLauncherErrorCode.ApiRequestFailed,
      message: expect.stringMatching(/ConfigMap grugan-sweep-sines-1 failed: HTTP 401/),
    });
  });

  it('reads the worker template from a file and names a bad field', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'grugan-k8s-'));
    try {
      await writeFile(join(dir, 'good.yaml'), 'image: ghcr.io/grugan/grugan:0.1.0\ngpusPerPod: 0\nnodeSelector: {pool: cpu}\n');
      await writeFile(join(dir, 'bad.yaml'), 'image: ghcr.io/grugan/grugan:0.1.0\ngpusPerPod: -1\n');
      const good = launcher({ workerTemplate: undefined, workerTemplateFile: join(dir, 'good.yaml') });
      const handle = await good.launch(request({ trialId: 'from-file' }));
      const pod = api.get('jobs', NS, handle.id)!.spec.template.spec;
      expect(pod.nodeSelector).toEqual({ pool: 'cpu' });
      expect(pod.containers[0].resources.limits).toBeUndefined();
      const bad = launcher({ workerTemplate: undefined, workerTemplateFile: join(dir, 'bad.yaml') });
      await expect(bad.launch(request({ trialId: 'from-bad-file' }))).rejects.toMatchObject({
        code: KubernetesLauncherErrorCode.InvalidWorkerTemplate,
        message: expect.stringContaining('gpusPerPod'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
