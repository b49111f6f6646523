/**
 * Finds a file of the project's shared test data (`shared/datasets/`, kept beside the repository,
 * not in it). Tests and benchmarks use this instead of a fixed `../shared` so that they work
 * wherever the checkout sits: `GRUGAN_DATASETS_DIR` when set, else the nearest `shared/datasets`
 * in the start folder or any folder above it (covers both `<repo>/../shared` and `<repo>/shared`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DataError, DataErrorCode } from './errors.js';

export const DATASETS_DIR_ENV = 'GRUGAN_DATASETS_DIR';

/** Absolute path of `name` in the shared data sets; throws `DataError` saying where it looked. */
export function findSharedDataset(name: string, opts: { from?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env;
  const configured = env[DATASETS_DIR_ENV];
  if (configured) {
    const path = resolve(configured, name);
    if (existsSync(path)) return path;
    throw new DataError(DataErrorCode.FileUnreadable, `${path}: not found (${DATASETS_DIR_ENV}=${configured})`);
  }
  const start = resolve(opts.from ?? process.cwd());
  for (let dir = start; ; dir = dirname(dir)) {
    const path = join(dir, 'shared', 'datasets', name);
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) break;
  }
  throw new DataError(
    DataErrorCode.FileUnreadable,
    `shared data set ${name} not found in shared/datasets/ of ${start} or any folder above it; set ${DATASETS_DIR_ENV}`,
  );
}
