/**
 * Which OpenBLAS kernel set ("core type") the native addon should load with.
 *
 * Why: OpenBLAS built with DYNAMIC_ARCH (Debian's, Ubuntu's) picks its kernels from the CPU's
 * family and model, and a release older than the CPU does not know it. OpenBLAS 0.3.21 (Debian
 * 12) takes an AMD family 26 (Zen 5) EPYC for a Haswell and runs its AVX2 kernels, although the
 * CPU has full-width AVX-512: measured there, one thread, `sgemm` [64,128]·[128,384] 69.8 µs with
 * Haswell's kernels against 39.8 µs with SkylakeX's (1.75×; [4096,128]·[128,384] 2.1×). So when the
 * CPU reports the AVX-512 subsets OpenBLAS' SkylakeX kernels use, and the user has not chosen a
 * core type, we name one — the same rule OpenBLAS itself applies to CPUs it knows (Cooperlake where
 * AVX-512 BF16 is there too, else SkylakeX). OpenBLAS reads `OPENBLAS_CORETYPE` once, when the
 * library loads, so it must be in the environment before the addon is required.
 */
import { readFileSync } from 'node:fs';

/** AVX-512 subsets that OpenBLAS' SkylakeX kernels execute (its `support_avx512()` checks F, BW, VL; DQ and CD come with them on every CPU that has them). */
const AVX512_FLAGS = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'] as const;

/** The OpenBLAS core type for a CPU with these `/proc/cpuinfo` flags, or undefined to let OpenBLAS choose. Pure. */
export function avx512CoreType(flags: ReadonlySet<string>): 'Cooperlake' | 'SkylakeX' | undefined {
  if (!AVX512_FLAGS.every((f) => flags.has(f))) return undefined;
  return flags.has('avx512_bf16') ? 'Cooperlake' : 'SkylakeX';
}

/** The first CPU's flags from a `/proc/cpuinfo` text (empty where there is none: not Linux). Pure. */
export function cpuFlags(cpuinfo: string): Set<string> {
  const line = cpuinfo.split('\n').find((l) => /^flags\s*:/.test(l));
  return new Set(line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : []);
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/**
 * Runs `load` with `OPENBLAS_CORETYPE` set to the core type we prefer, then restores the
 * environment, so that child processes (a Python peer, say) see what they would have seen.
 * `GRUGAN_OPENBLAS_CORETYPE` says which: unset, the AVX-512 one where the CPU has it unless
 * `OPENBLAS_CORETYPE` is already set (the user's choice stands); `auto`, the AVX-512 one where the
 * CPU has it, over `OPENBLAS_CORETYPE`; a core name, that one; `off`, whatever OpenBLAS would do.
 * Returns what `load` returns and the core type it set, if any.
 */
export function withPreferredBlasCore<T>(load: () => T, env: NodeJS.ProcessEnv = process.env, cpuinfo: () => string = readCpuinfo): { value: T; coreType?: string } {
  const choice = env.GRUGAN_OPENBLAS_CORETYPE || undefined; // empty = unset
  if (choice === 'off' || (choice === undefined && env.OPENBLAS_CORETYPE !== undefined)) return { value: load() };
  const coreType = choice === undefined || choice === 'auto' ? avx512CoreType(cpuFlags(cpuinfo())) : choice;
  if (coreType === undefined) return { value: load() };
  const before = env.OPENBLAS_CORETYPE;
  env.OPENBLAS_CORETYPE = coreType;
  try {
    return { value: load(), coreType };
  } finally {
    if (before === undefined) delete env.OPENBLAS_CORETYPE;
    else env.OPENBLAS_CORETYPE = before;
  }
}
