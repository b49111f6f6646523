/**
 * Where the TensorFlow backend setup reads its inputs and keeps its cache. Everything has a default
 * that works on a developer machine; environment variables override each for air-gapped or CI use.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SetupConfig {
  /** Repository root (holds the root package.json and node_modules). */
  repoRoot: string;
  /** `@tensorflow/tfjs-node` version, taken from the root package.json so the two never drift. */
  tfjsNodeVersion: string;
  /** `tensorflow-cpu` wheel version whose C library the binding links against (2.21.0 is tested). */
  wheelVersion: string;
  /** A wheel file given by hand (air-gapped copy); when set, pip is not called. */
  wheelFile: string | undefined;
  /** Python interpreter whose pip downloads the wheel (`python -m pip`). */
  python: string;
  /** Cache folder: wheel, extracted library and headers, built bindings. Survives `npm ci`. */
  cacheDir: string;
  /** Lock file to hold (with `flock`) around npm commands that change node_modules, if any. */
  npmLock: string | undefined;
}

/** Reads the configuration from the environment and the root package.json. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SetupConfig {
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const rootPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    optionalDependencies?: Record<string, string>;
  };
  const pinned = rootPkg.optionalDependencies?.['@tensorflow/tfjs-node'] ?? '4.22.0';
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    repoRoot,
    // An exact version is needed for `npm install pkg@version`; strip a range operator if present.
    tfjsNodeVersion: pinned.replace(/^[\^~=]/, ''),
    wheelVersion: env.GRUGAN_TF_WHEEL_VERSION || '2.21.0',
    wheelFile: env.GRUGAN_TF_WHEEL || undefined,
    python: env.GRUGAN_PYTHON || 'python3',
    cacheDir: env.GRUGAN_TF_CACHE_DIR || join(cacheHome, 'grugan', 'tensorflow'),
    npmLock: env.GRUGAN_NPM_LOCK || undefined,
  };
}
