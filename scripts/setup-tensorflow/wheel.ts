/**
 * Steps 2 and 3: fetch the `tensorflow-cpu` Python wheel with pip (from whatever index the user's pip
 * is configured for) into the cache, then extract from it the TensorFlow C library and the C API
 * headers. The wheel's `tensorflow/libtensorflow_cc.so.2` exports the C and eager C APIs that
 * tfjs-node's binding calls (`TF_*`, `TFE_*`), so it stands in for the libtensorflow tarball that
 * tfjs-node's install script would download.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SetupConfig } from './config.js';
import { SetupError, SetupErrorCode } from './errors.js';
import { exec, tail } from './exec.js';

/** Libraries the binding needs; `libtensorflow_cc` carries the C API, `_framework` the runtime. */
export const LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'] as const;

/**
 * Header folders (under the wheel's `tensorflow/include/`) that `c_api.h` and `eager/c_api.h`
 * include, found with `g++ -M` on the binding's sources: ~2.5 MB instead of the wheel's 255 MB.
 * When a future wheel needs more, the build step retries with every header (`full`).
 */
export const HEADER_SUBSET = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/c/'] as const;

/** Which headers an extraction holds. */
export type HeaderSet = 'subset' | 'full';

/** Result of extraction: folders holding the libraries and the headers. */
export interface ExtractedTensorFlow {
  /** Folder with the two shared libraries. */
  libDir: string;
  /** Folder to use as the binding's include root. */
  includeDir: string;
  /** Which headers `includeDir` holds. */
  headers: HeaderSet;
  /** File name of the wheel the files came from. */
  wheel: string;
}

function wheelsDir(config: SetupConfig): string {
  return join(config.cacheDir, 'wheels');
}

/** Checks that `python -m pip` works, with an error that says what to install or set otherwise. */
function requirePip(config: SetupConfig): void {
  const probe = exec(config.python, ['-m', 'pip', '--version']);
  if (probe.notFound) {
    throw new SetupError(
      SetupErrorCode.PythonMissing,
      `Python interpreter "${config.python}" not found. Install Python 3 with pip, set GRUGAN_PYTHON ` +
        `to an interpreter that has pip, or set GRUGAN_TF_WHEEL to a tensorflow-cpu wheel file.`,
    );
  }
  if (probe.status !== 0) {
    throw new SetupError(
      SetupErrorCode.PythonMissing,
      `"${config.python} -m pip" does not work (${tail(probe.stderr, 3)}). Install pip ` +
        `(e.g. "${config.python} -m ensurepip") or set GRUGAN_TF_WHEEL to a tensorflow-cpu wheel file.`,
    );
  }
}

/** Returns a cached wheel, downloading it with pip first if needed; `fetched` says which. */
export function ensureWheel(config: SetupConfig): { wheel: string; fetched: boolean } {
  if (config.wheelFile) {
    if (!existsSync(config.wheelFile)) {
      throw new SetupError(SetupErrorCode.WheelNotFound, `GRUGAN_TF_WHEEL=${config.wheelFile} does not exist.`);
    }
    return { wheel: config.wheelFile, fetched: false };
  }
  const dir = wheelsDir(config);
  const prefix = `tensorflow_cpu-${config.wheelVersion}-`;
  const cached = () => (existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.whl')) : undefined);
  const hit = cached();
  if (hit) return { wheel: join(dir, hit), fetched: false };

  requirePip(config);
  // Download into a private folder, then move: an interrupted run never leaves a partial wheel
  // where the next run would take it for a cached one.
  const partial = join(dir, `.partial-${process.pid}`);
  mkdirSync(partial, { recursive: true });
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--dest', partial];
  args.push(`tensorflow-cpu==${config.wheelVersion}`);
  console.log(`  $ ${config.python} ${args.join(' ')}`);
  const result = exec(config.python, args);
  const downloaded = existsSync(partial) ? readdirSync(partial).find((f) => f.endsWith('.whl')) : undefined;
  if (result.status !== 0 || !downloaded) {
    rmSync(partial, { recursive: true, force: true });
    throw new SetupError(
      SetupErrorCode.WheelNotFound,
      `pip could not download tensorflow-cpu==${config.wheelVersion} from its configured index ` +
        `(check "pip config list", or set GRUGAN_TF_WHEEL_VERSION / GRUGAN_TF_WHEEL):\n` +
        tail(result.stderr || result.stdout),
    );
  }
  renameSync(join(partial, downloaded), join(dir, downloaded));
  rmSync(partial, { recursive: true, force: true });
  return { wheel: join(dir, downloaded), fetched: true };
}

// Extraction runs in Python (already required for pip) because Node has no zip reader built in.
// Exit 3: not a zip file; exit 4: a needed member is missing.
const EXTRACT_PY = `
import json, os, sys, zipfile
wheel, out, libs, prefixes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
inc = 'tensorflow/include/'
try:
    z = zipfile.ZipFile(wheel)
except (zipfile.BadZipFile, OSError) as e:
    print(e, file=sys.stderr); sys.exit(3)
names = set(z.namelist())
for lib in libs:
    if 'tensorflow/' + lib not in names:
        print('missing tensorflow/' + lib, file=sys.stderr); sys.exit(4)
def write(member, dest):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with z.open(member) as src, open(dest, 'wb') as dst:
        while True:
            chunk = src.read(1 << 22)
            if not chunk: break
            dst.write(chunk)
try:
    for lib in libs:
        write('tensorflow/' + lib, os.path.join(out, 'lib', lib))
    count = 0
    for name in names:
        if name.startswith(inc) and not name.endswith('/'):
            rel = name[len(inc):]
            if prefixes is None or any(rel.startswith(p) for p in prefixes):
                write(name, os.path.join(out, 'include', rel)); count += 1
except zipfile.BadZipFile as e:
    print(e, file=sys.stderr); sys.exit(3)
print(count)
`;

interface ExtractStamp {
  wheel: string;
  size: number;
  headers: HeaderSet;
}

/**
 * Extracts libraries and headers from the wheel into the cache (once per wheel and header set) and
 * returns where they are. A corrupt cached wheel is deleted so the next run fetches it again.
 */
export function extractWheel(config: SetupConfig, wheel: string, headers: HeaderSet): ExtractedTensorFlow & { extracted: boolean } {
  const target = join(config.cacheDir, `tensorflow-cpu-${config.wheelVersion}`);
  const stampFile = join(target, '.complete.json');
  const want: ExtractStamp = { wheel: basename(wheel), size: statSync(wheel).size, headers };
  const result = { libDir: join(target, 'lib'), includeDir: join(target, 'include'), headers, wheel: want.wheel };
  if (existsSync(stampFile)) {
    const have = JSON.parse(readFileSync(stampFile, 'utf8')) as ExtractStamp;
    // A full extraction also satisfies a request for the subset.
    const headersOk = have.headers === headers || have.headers === 'full';
    if (have.wheel === want.wheel && have.size === want.size && headersOk) {
      return { ...result, headers: have.headers, extracted: false };
    }
  }
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const prefixes = headers === 'full' ? null : HEADER_SUBSET;
  const run = exec(config.python, ['-c', EXTRACT_PY, wheel, partial, JSON.stringify(LIBRARIES), JSON.stringify(prefixes)]);
  if (run.notFound) requirePip(config); // throws the "python missing" error
  if (run.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    const corrupt = run.status === 3 || run.status === 4;
    if (corrupt && !config.wheelFile) rmSync(wheel, { force: true });
    throw new SetupError(
      corrupt ? SetupErrorCode.WheelCorrupt : SetupErrorCode.BuildFailed,
      corrupt
        ? `${wheel} is not a usable tensorflow-cpu wheel (${tail(run.stderr, 3)})` +
            (config.wheelFile ? '.' : '; it was removed from the cache, run the setup again to fetch it anew.')
        : `extracting ${wheel} failed:\n${tail(run.stderr)}`,
    );
  }
  writeFileSync(join(partial, '.complete.json'), JSON.stringify(want));
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  return { ...result, extracted: true };
}
