/**
 * Builds a trial config from an optional YAML/JSON file plus command-line flags (flags win),
 * then validates it with `TrialConfig` so every error names its field path.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { TrialConfig, formatZodError } from '@grugan/protocol';
import { CliError } from './cli-error.js';

/** Flags of `grugan train` that override the config file. */
export interface ConfigFlags {
  /** Built-in data set name. */
  dataset?: string;
  /** CSV data file. */
  data?: string;
  /** Comma-separated CSV columns. */
  columns?: string;
  /** Reverse CSV rows to chronological order. */
  reverse?: boolean;
  /** Config file (.yaml, .yml or .json). */
  config?: string;
  steps?: number;
  seed?: number;
}

/** Reads a YAML or JSON config file into a plain object. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CliError(`${path}: cannot read config file (${why})`, 'CLI_CONFIG_UNREADABLE');
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CliError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`, 'CLI_CONFIG_SYNTAX');
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${path}: the config must be a mapping of fields`, 'CLI_INVALID_CONFIG');
  return value as Record<string, unknown>;
}

/** Merges file and flags and validates; throws a {@link CliError} naming the bad field. */
export async function buildTrialConfig(flags: ConfigFlags): Promise<TrialConfig> {
  const raw = flags.config ? await readConfigFile(flags.config) : {};
  if (flags.dataset !== undefined && flags.data !== undefined) {
    throw new CliError('give either --dataset or --data, not both');
  }
  const data = { ...((raw.data as Record<string, unknown> | undefined) ?? {}) };
  if (flags.dataset !== undefined) {
    delete data.path;
    data.dataset = flags.dataset;
  }
  if (flags.data !== undefined) {
    delete data.dataset;
    data.path = flags.data;
  }
  // No source anywhere: the built-in default, as `TrialConfig` would pick for a missing `data`.
  if (data.dataset === undefined && data.path === undefined) data.dataset = 'sines';
  if (flags.columns !== undefined) data.columns = flags.columns.split(',').map((c) => c.trim()).filter(Boolean);
  if (flags.reverse) data.reverse = true;
  const training = { ...((raw.training as Record<string, unknown> | undefined) ?? {}) };
  if (flags.steps !== undefined) training.steps = flags.steps;
  const merged = { ...raw, data, training, ...(flags.seed !== undefined ? { seed: flags.seed } : {}) };
  const parsed = TrialConfig.safeParse(merged);
  if (!parsed.success) throw new CliError(`invalid config: ${formatZodError(parsed.error)}`, 'CLI_INVALID_CONFIG');
  return parsed.data;
}
