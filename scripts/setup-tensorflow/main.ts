/**
 * `npm run setup:tensorflow`: makes `@tensorflow/tfjs-node` (the `tensorflow` backend) work on a
 * machine that cannot download libtensorflow, using the TensorFlow C library inside the
 * `tensorflow-cpu` Python wheel instead. Steps, each skipped when already done:
 *   1. npm-install tfjs-node without its install script (package.json and the lockfile untouched);
 *   2. fetch the wheel with pip into the cache;   3. extract the library and C API headers;
 *   4. lay them out as tfjs-node's deps/;          5. build (or restore) the N-API binding;
 *   6. verify: load the backend, run a matmul and a gradient.
 * Cache: $GRUGAN_TF_CACHE_DIR, default ~/.cache/grugan/tensorflow. See docs/tensorflow-backend.md.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bindingKey, bindingPath, buildBinding, napiBuildVersion, restoreBinding } from './binding.js';
import { loadConfig } from './config.js';
import { SetupError, SetupErrorCode } from './errors.js';
import { layOutDeps, readLayoutStamp, writeLayoutStamp } from './layout.js';
import { installTfjsNode, tfjsNodeDir } from './npm-package.js';
import { verifyBackend } from './verify.js';
import { ensureWheel, extractWheel } from './wheel.js';

/** Runs one step, printing what it did and how long it took. */
function step<T>(title: string, body: () => { value: T; note: string }): T {
  const started = performance.now();
  const { value, note } = body();
  console.log(`✔ ${title}: ${note} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return value;
}

/** Bytes under `path`, counting each inode once (the libraries are hard links shared with the cache). */
function diskBytes(path: string, seen: Set<number>): number {
  if (!existsSync(path)) return 0;
  const stat = lstatSync(path);
  if (seen.has(stat.ino)) return 0;
  seen.add(stat.ino);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, entry) => sum + diskBytes(join(path, entry), seen), stat.blocks * 512);
}

function main(): void {
  const started = performance.now();
  const config = loadConfig();
  const pkgDir = tfjsNodeDir(config);
  console.log(`setup-tensorflow: tfjs-node ${config.tfjsNodeVersion} on tensorflow-cpu ${config.wheelVersion}; cache ${config.cacheDir}`);

  step('install @tensorflow/tfjs-node (no scripts)', () => {
    const installed = installTfjsNode(config);
    return { value: undefined, note: installed ? 'installed' : 'already installed' };
  });
  const wheel = step('tensorflow-cpu wheel', () => {
    const { wheel, fetched } = ensureWheel(config);
    return { value: wheel, note: `${fetched ? 'downloaded' : 'cached'} ${wheel}` };
  });
  let tf = step('extract library and headers', () => {
    const { extracted, ...value } = extractWheel(config, wheel, 'subset');
    return { value, note: extracted ? `extracted (${value.headers} headers)` : 'cached' };
  });
  step('lay out deps/', () => ({ value: undefined, note: layOutDeps(pkgDir, tf) ? 'laid out' : 'already in place' }));

  step('N-API binding', () => {
    const napi = napiBuildVersion(pkgDir);
    const key = bindingKey(config, napi);
    const stamp = readLayoutStamp(pkgDir);
    if (stamp?.binding === key && existsSync(bindingPath(pkgDir, napi))) return { value: undefined, note: 'already built' };
    let note = 'restored from cache';
    if (!restoreBinding(config, key, bindingPath(pkgDir, napi))) {
      let failure = buildBinding(config, pkgDir, napi, key);
      if (failure && tf.headers === 'subset') {
        // The header subset may not cover a newer wheel's includes: retry once with all of them.
        console.log('  build failed with the header subset; retrying with every header of the wheel');
        const { extracted: _, ...full } = extractWheel(config, wheel, 'full');
        tf = full;
        layOutDeps(pkgDir, tf);
        failure = buildBinding(config, pkgDir, napi, key);
      }
      if (failure) throw new SetupError(SetupErrorCode.BuildFailed, `node-gyp could not build the binding:\n${failure}`);
      note = `built ${bindingPath(pkgDir, napi)}`;
    }
    writeLayoutStamp(pkgDir, { wheel: tf.wheel, headers: tf.headers, binding: key });
    return { value: undefined, note };
  });
  step('verify', () => ({ value: undefined, note: verifyBackend(config) }));

  const seen = new Set<number>();
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const cache = diskBytes(config.cacheDir, seen);
  const pkg = diskBytes(pkgDir, seen);
  console.log(
    `done in ${((performance.now() - started) / 1000).toFixed(1)} s; disk: cache ${mib(cache)}, ` +
      `tfjs-node folder ${mib(pkg)} beyond hard links into the cache`,
  );
}

try {
  main();
} catch (error) {
  if (error instanceof SetupError) {
    console.error(`setup-tensorflow failed [${error.code}]: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
