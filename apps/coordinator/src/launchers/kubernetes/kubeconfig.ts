/**
 * Where the launcher's API credentials and namespace come from: the pod's service account
 * when running in a cluster (`KUBERNETES_SERVICE_HOST` is set by the kubelet), else the
 * user's kubeconfig (`KUBECONFIG` or `~/.kube/config`), like kubectl.
 */
import { KubeConfig } from '@kubernetes/client-node';

export function loadKubeConfig(env: Record<string, string | undefined> = process.env): KubeConfig {
  const kc = new KubeConfig();
  if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  return kc;
}

/**
 * The namespace to work in: explicit option, then `GRUGAN_K8S_NAMESPACE` (the chart sets it
 * from the downward API), then the kubeconfig context's (in a cluster: the service account's),
 * then `default`.
 */
export function resolveNamespace(
  kc: KubeConfig,
  explicit?: string,
  env: Record<string, string | undefined> = process.env,
): string {
  if (explicit) return explicit;
  if (env.GRUGAN_K8S_NAMESPACE) return env.GRUGAN_K8S_NAMESPACE;
  const context = kc.getContextObject(kc.getCurrentContext());
  return context?.namespace || 'default';
}
