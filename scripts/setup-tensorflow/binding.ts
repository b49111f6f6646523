/**
 * Step 5: build tfjs-node's N-API binding (`lib/napi-v<N>/tfjs_binding.node`) with node-gyp against
 * the laid-out library, or restore a binding built earlier from the cache. The binding only depends
 * on the N-API version, the platform and the TensorFlow library, so one build serves every
 * `npm ci` that follows.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { SetupConfig } from './config.js';
import { SetupError, SetupErrorCode } from './errors.js';
import { exec, tail, which } from './exec.js';

/** Highest N-API version the package ships a slot for that this Node supports (what node-pre-gyp loads). */
export function napiBuildVersion(pkgDir: string, nodeNapi = Number(process.versions.napi)): number {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { binary?: { napi_versions?: number[] } };
  const usable = (pkg.binary?.napi_versions ?? []).filter((v) => v <= nodeNapi);
  if (usable.length === 0) {
    throw new SetupError(SetupErrorCode.BuildFailed, `This Node (N-API ${nodeNapi}) is older than any N-API version tfjs-node supports.`);
  }
  return Math.max(...usable);
}

/** Where node-pre-gyp (and so tfjs-node) looks for the binding. */
export function bindingPath(pkgDir: string, napi: number): string {
  return join(pkgDir, 'lib', `napi-v${napi}`, 'tfjs_binding.node');
}

/** Cache key: everything the compiled binding depends on. */
export function bindingKey(config: SetupConfig, napi: number): string {
  return `tfjs-node-${config.tfjsNodeVersion}_tf-${config.wheelVersion}_napi-${napi}_${process.platform}-${process.arch}`;
}

function cachedBinding(config: SetupConfig, key: string): string {
  return join(config.cacheDir, 'bindings', key, 'tfjs_binding.node');
}

/** Copies a binding built earlier into place; false when the cache has none. */
export function restoreBinding(config: SetupConfig, key: string, target: string): boolean {
  const cached = cachedBinding(config, key);
  if (!existsSync(cached)) return false;
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(cached, target);
  return true;
}

/** node-gyp: npm's own copy when run through npm (npm_config_node_gyp), else npm's bundled one, else PATH. */
function findNodeGyp(): string[] {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const globalRoot = exec('npm', ['root', '-g']).stdout.trim();
  const bundled = globalRoot && join(globalRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (bundled && existsSync(bundled)) return [process.execPath, bundled];
  const onPath = which('node-gyp');
  if (onPath) return [onPath];
  throw new SetupError(SetupErrorCode.CompilerMissing, 'node-gyp not found (it ships with npm; is npm installed?).');
}

/**
 * Node headers: npm's `nodedir` setting when set, else the headers next to this Node binary (system
 * packages install them under `<prefix>/include/node`), else node-gyp's own download.
 */
function findNodeDir(): string | undefined {
  const configured = process.env.npm_config_nodedir || exec('npm', ['config', 'get', 'nodedir']).stdout.trim();
  if (configured && configured !== 'undefined' && configured !== 'null') return configured;
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** Fails early, with a clear message, when no C++ compiler or make is installed. */
export function requireToolchain(): void {
  const cxx = process.env.CXX || 'c++';
  const missing = [which(cxx) || which('g++') ? undefined : `a C++ compiler (${cxx} or g++)`, which('make') ? undefined : 'make']
    .filter((m): m is string => m !== undefined);
  if (missing.length > 0) {
    throw new SetupError(
      SetupErrorCode.CompilerMissing,
      `Building the tfjs-node binding needs ${missing.join(' and ')} and Python 3 ` +
        `(Debian/Ubuntu: apt-get install g++ make python3).`,
    );
  }
}

/** Runs `node-gyp rebuild` in the package; returns the tail of its log on failure, undefined on success. */
export function buildBinding(config: SetupConfig, pkgDir: string, napi: number, key: string): string | undefined {
  requireToolchain();
  const nodeDir = findNodeDir();
  const args = [
    ...findNodeGyp(),
    'rebuild',
    ...(nodeDir ? [`--nodedir=${nodeDir}`] : []),
    // node-pre-gyp normally passes these; binding.gyp uses them to name and place the binding.
    '--module_name=tfjs_binding',
    `--module_path=${dirname(bindingPath(pkgDir, napi))}`,
    `--napi_build_version=${napi}`,
    `-j`,
    String(availableParallelism()),
  ];
  console.log(`  $ ${args.slice(1).join(' ')}`);
  const run = exec(args[0], args.slice(1), { cwd: pkgDir });
  if (run.status !== 0 || !existsSync(bindingPath(pkgDir, napi))) {
    return tail(`${run.stdout}\n${run.stderr}`, 25);
  }
  const cached = cachedBinding(config, key);
  mkdirSync(dirname(cached), { recursive: true });
  copyFileSync(bindingPath(pkgDir, napi), cached);
  return undefined;
}
