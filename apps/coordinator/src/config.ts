/**
 * Coordinator configuration: one zod schema, read from environment variables and overridden by
 * CLI flags. Defaults run a local coordinator against a NATS server on loopback.
 */
import { z } from 'zod';
import { DEFAULT_STATE_PREFIX, StatePrefix, formatZodError } from '@grugan/protocol';
import { ConfigError } from './errors.js';

export const CoordinatorConfig = z.object({
  /** HTTP port; 0 picks a free one. */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** HTTP bind address. */
  host: z.string().min(1).default('127.0.0.1'),
  /** NATS server(s), comma-separated. */
  natsUrl: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Bearer token every `/v1` request must carry; unset = no auth. */
  apiToken: z.string().min(1).optional(),
  /** Launcher name in the registry (`local`, `kubernetes`). */
  launcher: z.string().min(1).default('local'),
  /** Prefix of every bucket, stream and subject, so deployments (and tests) can share a NATS server. */
  statePrefix: StatePrefix.default(DEFAULT_STATE_PREFIX),
  /** How often running trials are checked against the launcher, in ms. */
  reconcileIntervalMs: z.coerce.number().int().min(50).default(5000),
  /** A running trial silent for this long (no report) is presumed lost and relaunched, in ms. */
  reportTimeoutMs: z.coerce.number().int().min(100).default(300_000),
  /** Time workers get to obey a stop before the launcher terminates them, in ms. */
  stopGraceMs: z.coerce.number().int().min(0).default(10_000),
  /** Log level (pino). */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type CoordinatorConfig = z.infer<typeof CoordinatorConfig>;
export type CoordinatorConfigInput = z.input<typeof CoordinatorConfig>;

/** Environment variable → config field. */
export const CONFIG_ENV: Record<string, keyof CoordinatorConfig> = {
  GRUGAN_PORT: 'port',
  GRUGAN_HOST: 'host',
  NATS_URL: 'natsUrl',
  GRUGAN_API_TOKEN: 'apiToken',
  GRUGAN_LAUNCHER: 'launcher',
  GRUGAN_STATE_PREFIX: 'statePrefix',
  GRUGAN_RECONCILE_INTERVAL_MS: 'reconcileIntervalMs',
  GRUGAN_REPORT_TIMEOUT_MS: 'reportTimeoutMs',
  GRUGAN_STOP_GRACE_MS: 'stopGraceMs',
  GRUGAN_LOG_LEVEL: 'logLevel',
};

/**
 * Builds the config from the environment, then `overrides` (flags). Empty environment values
 * count as unset. Throws `ConfigError` naming the variable or field.
 */
export function loadConfig(
  overrides: CoordinatorConfigInput = {},
  env: Record<string, string | undefined> = process.env,
): CoordinatorConfig {
  const fromEnv: Record<string, string> = {};
  for (const [name, field] of Object.entries(CONFIG_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[field] = value;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const parsed = CoordinatorConfig.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) throw new ConfigError(`invalid coordinator config: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
