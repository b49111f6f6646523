/**
 * Thin helpers over `@kubernetes/client-node` 1.x: recognising API status codes, and turning
 * any other failure into a `KubernetesLauncherError` that carries the server's Status message.
 */
import { ApiException } from '@kubernetes/client-node';
import { KubernetesLauncherError, KubernetesLauncherErrorCode } from './errors.js';

/** HTTP status of a failed API call, if it came from the server. */
export function apiStatus(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function statusMessage(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        return `HTTP ${error.code}: ${body}`;
      }
    }
    const message = (body as { message?: string } | undefined)?.message;
    return `HTTP ${error.code}: ${message ?? error.message}`;
  }
  return (error as Error)?.message ?? String(error);
}

/** Wraps an API failure, naming what was being done. */
export function apiError(action: string, error: unknown): KubernetesLauncherError {
  return new KubernetesLauncherError(
    KubernetesLauncherErrorCode.ApiRequestFailed,
    `${action} failed: ${statusMessage(error)}`,
    { cause: error },
  );
}

/** Runs `call`; a 404 becomes `undefined`, other failures an `apiError`. */
export async function orNotFound<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (apiStatus(error) === 404) return undefined;
    throw apiError(action, error);
  }
}
