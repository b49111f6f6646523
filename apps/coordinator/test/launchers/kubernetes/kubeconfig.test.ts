/** Where credentials come from: the pod's service account in a cluster, the user's kubeconfig otherwise. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKubeConfig, resolveNamespace } from '../../../src/launchers/kubernetes/index.js';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('loadKubeConfig', () => {
  it('uses KUBECONFIG outside a cluster, with its context namespace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grugan-kc-'));
    try {
      const file = join(dir, 'config');
      await writeFile(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{name: lab, cluster: {server: "https://lab.example:6443"}}]',
          'users: [{name: me, user: {token: abc}}]',
          'contexts: [{name: lab, context: {cluster: lab, user: me, namespace: sweeps}}]',
          'current-context: lab',
        ].join('\n'),
      );
      process.env.KUBECONFIG = file;
      delete process.env.KUBERNETES_SERVICE_HOST;
      const kc = loadKubeConfig({});
      expect(kc.getCurrentCluster()?.server).toBe('https://lab.example:6443');
      expect(resolveNamespace(kc, undefined, {})).toBe('sweeps');
      expect(resolveNamespace(kc, undefined, { GRUGAN_K8S_NAMESPACE: 'from-env' })).toBe('from-env');
      expect(resolveNamespace(kc, 'explicit', { GRUGAN_K8S_NAMESPACE: 'from-env' })).toBe('explicit');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses the in-cluster service account when KUBERNETES_SERVICE_HOST is set', () => {
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    const kc = loadKubeConfig({ KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    expect(kc.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    expect(kc.getCurrentUser()?.name).toBe('inClusterUser');
  });
});
