/**
 * The port a worker serves `/metrics` on: `GRUGAN_METRICS_PORT` when set (the Kubernetes launcher
 * sets it, because pod scrape annotations and ServiceMonitors need a fixed port), else 0 (any
 * free port; local workers share one host and announce their address in the `hello` report).
 */
import { WorkerEnvError } from './errors.js';

export const METRICS_PORT_ENV = 'GRUGAN_METRICS_PORT';
export const METRICS_LINGER_ENV = 'GRUGAN_METRICS_LINGER_SECONDS';

/** Reads the metrics port; throws `WorkerEnvError` naming the variable when it is not a port. */
export function metricsPortFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[METRICS_PORT_ENV];
  if (raw === undefined || raw.trim() === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WorkerEnvError(`${METRICS_PORT_ENV}: expected a port number 0..65535, got "${raw}"`);
  }
  return port;
}

/**
 * Seconds (as ms) a finished worker keeps serving `/metrics` before its `final` report, so that a
 * scraper sees the last values: `GRUGAN_METRICS_LINGER_SECONDS`, default 0. Set it to about two
 * scrape intervals where short trials matter.
 */
export function metricsLingerMsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[METRICS_LINGER_ENV];
  if (raw === undefined || raw.trim() === '') return 0;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 600) {
    throw new WorkerEnvError(`${METRICS_LINGER_ENV}: expected seconds 0..600, got "${raw}"`);
  }
  return Math.round(seconds * 1000);
}
