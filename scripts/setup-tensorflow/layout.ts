/**
 * Step 4: lay the extracted TensorFlow out the way tfjs-node's `binding.gyp` expects the downloaded
 * libtensorflow tarball to be: `deps/lib/libtensorflow.so` (linked with `-ltensorflow`),
 * `deps/lib/libtensorflow_framework.so`, and `deps/include/tensorflow/c/...`. The binding is linked
 * with rpath `$ORIGIN/../../deps/lib`, and the wheel's library has soname `libtensorflow_cc.so.2`,
 * so the real files keep their wheel names and the `.so` names are symlinks to them.
 */
import { copyFileSync, cpSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractedTensorFlow } from './wheel.js';
import { LIBRARIES } from './wheel.js';

const STAMP = '.grugan-tensorflow.json';

/** `linker name → real file` inside deps/lib. */
const LINKER_NAMES: Record<string, string> = {
  'libtensorflow.so': 'libtensorflow_cc.so.2',
  'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
};

/** What a layout was made from; a change in any field means laying out again. */
export interface LayoutStamp {
  /** Wheel file name the libraries came from. */
  wheel: string;
  /** Header set in deps/include. */
  headers: string;
  /** Binding cache key, once a binding matching this layout is in place. */
  binding?: string;
}

export function readLayoutStamp(pkgDir: string): LayoutStamp | undefined {
  const file = join(pkgDir, 'deps', STAMP);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LayoutStamp) : undefined;
}

export function writeLayoutStamp(pkgDir: string, stamp: LayoutStamp): void {
  writeFileSync(join(pkgDir, 'deps', STAMP), JSON.stringify(stamp));
}

/** Hard-links (no extra disk; survives the cache being cleared) or, across file systems, copies. */
function linkOrCopy(from: string, to: string): 'linked' | 'copied' {
  try {
    linkSync(from, to);
    return 'linked';
  } catch {
    copyFileSync(from, to);
    return 'copied';
  }
}

/** Lays out deps/ in the tfjs-node folder; returns false when an identical layout was already there. */
export function layOutDeps(pkgDir: string, tf: ExtractedTensorFlow): boolean {
  const stamp = readLayoutStamp(pkgDir);
  const libDir = join(pkgDir, 'deps', 'lib');
  const complete = [...LIBRARIES, ...Object.keys(LINKER_NAMES)].every((f) => existsSync(join(libDir, f)));
  if (stamp && stamp.wheel === tf.wheel && stamp.headers === tf.headers && complete) return false;

  const deps = join(pkgDir, 'deps');
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(libDir, { recursive: true });
  for (const lib of LIBRARIES) linkOrCopy(join(tf.libDir, lib), join(libDir, lib));
  for (const [linkerName, real] of Object.entries(LINKER_NAMES)) symlinkSync(real, join(libDir, linkerName));
  cpSync(tf.includeDir, join(deps, 'include'), { recursive: true });
  writeLayoutStamp(pkgDir, { wheel: tf.wheel, headers: tf.headers });
  return true;
}
