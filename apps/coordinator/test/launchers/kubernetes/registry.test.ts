/** The coordinator's launcher registry builds this launcher by name. */
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createLauncher } from '../../../src/launchers/registry.js';
import { KubernetesLauncher } from '../../../src/launchers/kubernetes/index.js';

describe('launcher registry', () => {
  it('builds the Kubernetes launcher from its options section', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1' }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u', namespace: 'ns1' }],
      currentContext: 'c',
    });
    const launcher = await createLauncher('kubernetes', {
      kubernetes: { kubeConfig, env: {}, workerTemplate: { image: 'img:1' } },
    });
    expect(launcher).toBeInstanceOf(KubernetesLauncher);
    expect(launcher.name).toBe('kubernetes');
    expect((launcher as KubernetesLauncher).namespace).toBe('ns1');
  });
});
