/**
 * Errors of the Kubernetes launcher, each with a stable `code` (nats.js `errors.ts` style):
 * callers branch on the code, people read the message.
 */

export const KubernetesLauncherErrorCode = {
  /** The worker pod template (chart values → ConfigMap) is missing or malformed. */
  InvalidWorkerTemplate: 'K8S_INVALID_WORKER_TEMPLATE',
  /** A handle from another launcher, or with an id this launcher never issues. */
  InvalidHandle: 'K8S_INVALID_HANDLE',
  /** The API server refused or failed a request. */
  ApiRequestFailed: 'K8S_API_REQUEST_FAILED',
  /** Create-or-update kept conflicting (an old Job still being deleted). */
  ConflictPersisted: 'K8S_CONFLICT_PERSISTED',
} as const;
export type KubernetesLauncherErrorCode =
  (typeof KubernetesLauncherErrorCode)[keyof typeof KubernetesLauncherErrorCode];

export class KubernetesLauncherError extends Error {
  override readonly name = 'KubernetesLauncherError';
  constructor(
    readonly code: KubernetesLauncherErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
