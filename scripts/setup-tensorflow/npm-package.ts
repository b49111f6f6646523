/**
 * Step 1: put `@tensorflow/tfjs-node` into node_modules without its install script.
 *
 * Its install script downloads libtensorflow from Google Cloud Storage, which fails on air-gapped
 * machines, and npm then silently drops the optional dependency. `npm install --no-save
 * --ignore-scripts pkg@version` reifies the package and its dependencies exactly as the lockfile
 * already records them, without running any script and without rewriting package.json or
 * package-lock.json. That is checked afterwards on the parts this install could change (the root's
 * dependency lists, the lockfile's root and tfjs-node entries); nothing is written back, since in a
 * shared checkout other edits to those files may be someone else's work in progress.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SetupConfig } from './config.js';
import { SetupError, SetupErrorCode } from './errors.js';
import { exec, tail, which } from './exec.js';

/** Folder of the installed package inside the repository's node_modules. */
export function tfjsNodeDir(config: SetupConfig): string {
  return join(config.repoRoot, 'node_modules', '@tensorflow', 'tfjs-node');
}

/** True when tfjs-node at the pinned version and all its runtime dependencies are in node_modules. */
export function isTfjsNodeInstalled(config: SetupConfig): boolean {
  const dir = tfjsNodeDir(config);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  if (pkg.version !== config.tfjsNodeVersion) return false;
  // npm hoists most dependencies to the root; a conflicting version would be nested instead.
  return Object.keys(pkg.dependencies ?? {}).every(
    (dep) =>
      existsSync(join(dir, 'node_modules', dep, 'package.json')) ||
      existsSync(join(config.repoRoot, 'node_modules', dep, 'package.json')),
  );
}

/**
 * The parts of package.json and package-lock.json that installing tfjs-node could change, as one
 * comparable string: the root manifest's dependency lists and the lockfile's root and tfjs-node
 * entries.
 */
export function manifestFingerprint(repoRoot: string): string {
  const read = (name: string): Record<string, unknown> => {
    const file = join(repoRoot, name);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  };
  const pkg = read('package.json');
  const lock = read('package-lock.json') as { packages?: Record<string, unknown> };
  return JSON.stringify({
    dependencies: pkg.dependencies,
    devDependencies: pkg.devDependencies,
    optionalDependencies: pkg.optionalDependencies,
    lockRoot: lock.packages?.[''],
    lockTfjsNode: lock.packages?.['node_modules/@tensorflow/tfjs-node'],
  });
}

/** Installs tfjs-node without scripts; returns false when it was already there. */
export function installTfjsNode(config: SetupConfig): boolean {
  if (isTfjsNodeInstalled(config)) return false;
  const before = manifestFingerprint(config.repoRoot);
  const gpuDir = join(config.repoRoot, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  const gpuBefore = existsSync(gpuDir);

  // Inside `npm run`, npm_execpath is the running npm's CLI; reuse it rather than whatever is on PATH.
  const npmCli = process.env.npm_execpath;
  const npm = npmCli && /npm-cli\.c?js$/.test(npmCli) ? [process.execPath, npmCli] : ['npm'];
  const args = [
    ...npm,
    'install',
    '--no-save',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    `@tensorflow/tfjs-node@${config.tfjsNodeVersion}`,
  ];
  // Other npm users of the same node_modules may serialise on a lock file; join them if asked.
  const command = config.npmLock && which('flock') ? ['flock', config.npmLock, ...args] : args;
  console.log(`  $ ${command.join(' ')}`);
  const result = exec(command[0], command.slice(1), { cwd: config.repoRoot });
  if (result.status !== 0) {
    throw new SetupError(
      SetupErrorCode.NpmFailed,
      `npm could not install @tensorflow/tfjs-node@${config.tfjsNodeVersion} ` +
        `(is the npm registry or a populated npm cache reachable?):\n${tail(result.stderr || result.stdout)}`,
    );
  }

  if (manifestFingerprint(config.repoRoot) !== before) {
    throw new SetupError(
      SetupErrorCode.ManifestChanged,
      'the dependencies in package.json or package-lock.json changed during "npm install --no-save" ' +
        '(npm, or someone else at the same time); see "git diff package.json package-lock.json".',
    );
  }

  // The GPU package rides along (same lockfile group) but has no binding without CUDA; leaving a
  // half-installed copy would make "is tfjs-node-gpu installed?" checks lie, so drop it.
  if (!gpuBefore && existsSync(gpuDir) && !existsSync(join(gpuDir, 'lib'))) {
    rmSync(gpuDir, { recursive: true, force: true });
  }
  if (!isTfjsNodeInstalled(config)) {
    throw new SetupError(
      SetupErrorCode.NpmFailed,
      'npm reported success but @tensorflow/tfjs-node or one of its dependencies is still missing.',
    );
  }
  return true;
}
