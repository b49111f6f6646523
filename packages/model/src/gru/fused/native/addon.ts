/**
 * Finds, and when needed builds, the native GRU kernel: an N-API addon in C on the system's CBLAS
 * (OpenBLAS), sources in `packages/model/native/`.
 *
 * It is optional and never built by `npm ci` (npm does not run this package's install scripts):
 * the first process that asks for it builds it with node-gyp into `build/grugan-native.node` when
 * that is missing or older than its sources (about 5 s, one log line), or `npm run build:native
 * -w packages/model` does. Each build runs in its own temporary copy of the sources and renames
 * the finished binary into place, so processes that build at the same time (test workers) cannot
 * load half a file. A failed build (no BLAS headers, no compiler) leaves its log in
 * `build/grugan-native.failed.log`; while that is newer than the sources, later processes fail
 * fast with its message instead of rebuilding — `npm run build:native` retries.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPreferredBlasCore } from './blas-core.js';

/** The addon's exports (native/src/addon.c documents each). Optional arrays are null. */
export interface NativeAddon {
  gruForward(...args: (number | Float32Array | null)[]): void;
  gruBackward(...args: (number | Float32Array | null)[]): void;
  /** C = op(A)·op(B) + beta·C, row-major, operands at element offsets. */
  sgemm(
    transA: number, transB: number, M: number, N: number, K: number,
    A: Float32Array, offA: number, lda: number,
    B: Float32Array, offB: number, ldb: number,
    beta: number, C: Float32Array, offC: number, ldc: number,
  ): void;
  /** out[outOff + j] = Σ_i m[off + i·ld + j] for j < cols, summed in float64. */
  columnSums(rows: number, cols: number, m: Float32Array, off: number, ld: number, out: Float32Array, outOff: number): void;
  /** BLAS threads for the calls that follow (OpenBLAS; ignored by other CBLAS builds). */
  setThreads(n: number): void;
  /** The BLAS build and its thread count, for logs. */
  blasInfo(): string;
  /** glibc malloc: blocks under `mmapBytes` from the heap, up to `trimBytes` of freed memory kept; false elsewhere (native/src/addon.c says why). */
  keepFreedMemory(mmapBytes: number, trimBytes: number): boolean;
}

/** Turns the process' freed-memory policy off: `GRUGAN_KEEP_FREED_MEMORY=off`. */
export const KEEP_FREED_MEMORY_ENV = 'GRUGAN_KEEP_FREED_MEMORY';
/** glibc's largest mmap threshold on 64-bit (32 MiB) and a trim threshold of 512 MiB. */
const MMAP_THRESHOLD_BYTES = 32 << 20;
const TRIM_THRESHOLD_BYTES = 512 << 20;

/**
 * Makes glibc keep the memory a training loop frees and allocates again every step, instead of
 * returning it to the system and faulting it back in (measured: M 4.1 → 4.8 it/s). Process-wide;
 * called when the native GRU kernel is chosen, unless GRUGAN_KEEP_FREED_MEMORY=off. The process
 * then keeps up to 512 MiB of freed heap, and blocks under 32 MiB are no longer mmapped.
 */
export function keepFreedMemory(addon: NativeAddon, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[KEEP_FREED_MEMORY_ENV] === 'off') return false;
  return addon.keepFreedMemory(MMAP_THRESHOLD_BYTES, TRIM_THRESHOLD_BYTES);
}

/** Thrown when the addon can neither be built nor loaded here; `message` says why. */
export class NativeAddonError extends Error {
  readonly code = 'ERR_GRU_NATIVE_ADDON';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NativeAddonError';
  }
}

/** packages/model, from this file's place in src/gru/fused/native/. */
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const sourceDir = join(packageDir, 'native');
const buildDir = join(packageDir, 'build');
export const NATIVE_ADDON_PATH = join(buildDir, 'grugan-native.node');
const FAILURE_LOG = join(buildDir, 'grugan-native.failed.log');

function newestSourceTime(): number {
  let t = statSync(join(sourceDir, 'binding.gyp')).mtimeMs;
  for (const f of readdirSync(join(sourceDir, 'src'))) t = Math.max(t, statSync(join(sourceDir, 'src', f)).mtimeMs);
  return t;
}

/** node-gyp as npm runs it: npm's own copy (next to this Node, or named by npm), else PATH. */
function nodeGyp(): string[] {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const bundled = resolve(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  return ['node-gyp'];
}

/** Node's headers: npm's nodedir when set, else those installed next to this Node (no download). */
function nodeDirFlag(): string[] {
  const configured = process.env.npm_config_nodedir;
  if (configured) return [`--nodedir=${configured}`];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

/** Builds the addon into `outFile`; throws a NativeAddonError with the build's last lines on failure. */
export function buildNativeAddon(outFile = NATIVE_ADDON_PATH): void {
  mkdirSync(dirname(outFile), { recursive: true });
  const work = mkdtempSync(join(dirname(outFile), 'native-build-'));
  try {
    cpSync(join(sourceDir, 'binding.gyp'), join(work, 'binding.gyp'));
    cpSync(join(sourceDir, 'src'), join(work, 'src'), { recursive: true });
    const [cmd, ...pre] = nodeGyp();
    try {
      execFileSync(cmd, [...pre, 'rebuild', ...nodeDirFlag()], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      const log = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim() || e.message;
      writeFileSync(FAILURE_LOG, log);
      const firstError = log.split('\n').find((l) => /error|not found|cannot find/i.test(l) && !l.startsWith('gyp info')) ?? 'node-gyp failed';
      throw new NativeAddonError(`build failed (${firstError.trim()}; log: build/grugan-native.failed.log)`, { cause: err });
    }
    renameSync(join(work, 'build', 'Release', 'grugan_native.node'), outFile);
    rmSync(FAILURE_LOG, { force: true });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let cached: NativeAddon | NativeAddonError | undefined;

/** The loaded addon, built first when missing or stale. Throws a NativeAddonError (remembered). */
export function nativeAddon(): NativeAddon {
  if (cached instanceof Error) throw cached;
  if (cached) return cached;
  try {
    const sourceTime = existsSync(sourceDir) ? newestSourceTime() : 0;
    const stale = !existsSync(NATIVE_ADDON_PATH) || statSync(NATIVE_ADDON_PATH).mtimeMs < sourceTime;
    if (stale && sourceTime > 0) {
      if (existsSync(FAILURE_LOG) && statSync(FAILURE_LOG).mtimeMs >= sourceTime) {
        throw new NativeAddonError('an earlier build failed (build/grugan-native.failed.log; `npm run build:native -w packages/model` retries)');
      }
      process.stderr.write('grugan: building the native GRU kernel (packages/model/native → build/grugan-native.node)\n');
      buildNativeAddon();
    }
    // OpenBLAS chooses its kernels when the library loads: name the AVX-512 ones where it would not (blas-core.ts).
    const loaded = withPreferredBlasCore(() => createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon).value;
    cached = loaded;
    return loaded;
  } catch (err) {
    cached = err instanceof NativeAddonError ? err : new NativeAddonError(`cannot load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
    throw cached;
  }
}

/** The failure log's text, when the last build failed (for `npm run build:native`). */
export function lastBuildLog(): string | undefined {
  return existsSync(FAILURE_LOG) ? readFileSync(FAILURE_LOG, 'utf8') : undefined;
}

/** Why the addon cannot be used here, or undefined when it loads (tests name the reason they skip). */
export function nativeAddonUnavailable(): string | undefined {
  try {
    nativeAddon();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
