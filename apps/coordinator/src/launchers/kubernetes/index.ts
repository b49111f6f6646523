/**
 * Kubernetes launcher: trials as Indexed Jobs (one pod per rank), built by pure manifest
 * functions and applied with `@kubernetes/client-node`.
 */
export {
  KubernetesLauncher,
  createKubernetesLauncher,
  KUBERNETES_LAUNCHER,
  DEFAULT_WORKER_TEMPLATE_FILE,
  type KubernetesLauncherOptions,
} from './kubernetes-launcher.js';
export {
  buildSweepOwner,
  buildTrialJob,
  buildTrialManifests,
  trialSelector,
  specHash,
  WORKER_CONTAINER,
  WORKER_UID,
  type ManifestContext,
} from './manifests.js';
export { watchConditions, type ConditionChange, type ConditionWatch } from './condition-watch.js';
export { jobCondition, ConditionReason, type ConditionOptions } from './conditions.js';
export {
  WorkerTemplate,
  parseWorkerTemplate,
  loadWorkerTemplate,
  type WorkerTemplateInput,
} from './worker-template.js';
export { KubernetesLauncherError, KubernetesLauncherErrorCode } from './errors.js';
export { loadKubeConfig, resolveNamespace } from './kubeconfig.js';
export { LABELS, ANNOTATIONS, MANAGED_BY, trialJobName, sweepOwnerName, labelValue } from './names.js';
