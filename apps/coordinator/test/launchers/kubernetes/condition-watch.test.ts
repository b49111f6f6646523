/**
 * `KubernetesLauncher.watch` against the stand-in API server's list + watch: condition changes
 * arrive as Job and pod events happen, once per change, and deletions are reported.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditionReason, createKubernetesLauncher, type ConditionChange } from '../../../src/launchers/kubernetes/index.js';
import { StandInApiServer } from './stand-in-api-server.js';

const NS = 'watched';
let api: StandInApiServer;
let server: string;

beforeAll(async () => {
  api = new StandInApiServer();
  server = await api.start();
});
afterAll(async () => {
  await api.stop();
});

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('KubernetesLauncher.watch', () => {
  it('streams each condition change of the launcher’s Jobs, once', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 's', server, skipTLSVerify: true }],
      users: [{ name: 'u', token: api.token }],
      contexts: [{ name: 's', cluster: 's', user: 'u', namespace: NS }],
      currentContext: 's',
    });
    const launcher = createKubernetesLauncher({ kubeConfig: kc, env: {}, instance: 'w', workerTemplate: { image: 'img:1' } });
    const changes: ConditionChange[] = [];
    const seen = (reason: string) => changes.find((c) => c.condition.reason === reason);

    // A Job that exists before the watch starts is reported from the initial list.
    const early = await launcher.launch({ sweepId: 's', trialId: 'early', worldSize: 1, natsUrl: 'nats://n:4222', attempt: 0 });
    const watch = await launcher.watch((c) => changes.push(c), { resyncMs: 60_000, restartDelayMs: 100 });
    try {
      await until('initial list', () => seen(ConditionReason.JobCreated));
      expect(changes[0].handle).toEqual(early);

      const handle = await launcher.launch({ sweepId: 's', trialId: 'live', worldSize: 2, natsUrl: 'nats://n:4222', attempt: 0 });
      await until('the new Job', () => changes.find((c) => c.handle.id === handle.id));
      expect(changes.filter((c) => c.handle.id === handle.id)).toHaveLength(1);
      expect(changes.find((c) => c.handle.id === handle.id)!.handle.trialId).toBe('live');

      api.setJobStatus(NS, handle.id, { active: 2, ready: 0 });
      const pod = api.addPod(NS, handle.id, 0, { phase: 'Pending' });
      await until('pods starting', () => seen(ConditionReason.PodsStarting));

      api.setPodStatus(NS, pod.metadata.name, {
        phase: 'Pending',
        containerStatuses: [{ name: 'worker', image: 'img:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }],
      });
      const pull = await until('image pull error', () => seen(ConditionReason.ImagePullError));
      expect(pull.condition.type).toBe('Failed');

      api.setPodStatus(NS, pod.metadata.name, { phase: 'Running' });
      api.addPod(NS, handle.id, 1, { phase: 'Running' });
      api.setJobStatus(NS, handle.id, { active: 2, ready: 2 });
      await until('running', () => seen(ConditionReason.AllRanksRunning));

      // The same status written again is not a change.
      const before = changes.length;
      api.setJobStatus(NS, handle.id, { active: 2, ready: 2 });
      await new Promise((r) => setTimeout(r, 100));
      expect(changes.length).toBe(before);

      // The API server goes away and comes back: the informers reconnect and catch up.
      await api.restart(200);
      api.setJobStatus(NS, handle.id, { succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] });
      await until('completion after a reconnect', () => seen(ConditionReason.JobComplete), 10_000);

      await launcher.terminate(handle);
      const gone = await until('deletion', () => seen(ConditionReason.JobNotFound));
      expect(gone.handle).toEqual(handle);
      expect(gone.condition.type).toBe('Unknown');
    } finally {
      await watch.stop();
    }
    await until('watches closed', () => (api.watchCount === 0 ? true : undefined));
  });
});
