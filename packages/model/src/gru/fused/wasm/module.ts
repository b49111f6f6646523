/**
 * Finds, and when needed builds, the WebAssembly GRU kernel module.
 *
 * The module is compiled from `packages/model/assembly/` (AssemblyScript) by `npm run
 * build:kernels -w packages/model` into `packages/model/build/gru-kernels.wasm`, with the flags in
 * `asconfig.json`. It is a build output, not committed: when it is missing or older than its
 * sources it is built here, synchronously, on first use (a few seconds, one log line), so a fresh
 * `npm ci` needs no build step. Writes go to a temporary file renamed into place, so processes
 * that build at the same time cannot see half a file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wasm, type WasmModule } from './wasm-api.js';

/** packages/model, from this file's place in src/gru/fused/wasm/. */
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const KERNEL_WASM_PATH = join(packageDir, 'build', 'gru-kernels.wasm');
const sourceDir = join(packageDir, 'assembly');
const configPath = join(packageDir, 'asconfig.json');

function newestSourceTime(): number {
  let t = statSync(configPath).mtimeMs;
  for (const f of readdirSync(sourceDir)) if (f.endsWith('.ts')) t = Math.max(t, statSync(join(sourceDir, f)).mtimeMs);
  return t;
}

/** Runs the AssemblyScript compiler with asconfig.json's release target, writing `outFile`. */
export function buildKernelWasm(outFile = KERNEL_WASM_PATH): void {
  const asc = join(dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')), 'bin', 'asc.js');
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  try {
    execFileSync(process.execPath, [asc, '--config', configPath, '--target', 'release', '--outFile', tmp], { cwd: packageDir, stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(tmp, outFile);
  } finally {
    rmSync(tmp, { force: true });
  }
}

let cached: WasmModule | undefined;

/** The compiled module; builds the .wasm first when it is missing or stale (sources present). */
export function kernelModule(): WasmModule {
  if (cached) return cached;
  const haveSources = existsSync(sourceDir) && existsSync(configPath);
  if (haveSources && (!existsSync(KERNEL_WASM_PATH) || statSync(KERNEL_WASM_PATH).mtimeMs < newestSourceTime())) {
    process.stderr.write('grugan: building the WebAssembly GRU kernel (packages/model/assembly → build/gru-kernels.wasm)\n');
    buildKernelWasm();
  }
  // Synchronous compilation is allowed in Node for any size; gruLayer is synchronous.
  const module = new Wasm.Module(readFileSync(KERNEL_WASM_PATH));
  cached = module;
  return module;
}
