import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeAddon, nativeAddonUnavailable } from './addon.js';
import { avx512CoreType, cpuFlags, withPreferredBlasCore } from './blas-core.js';

const AVX512 = ['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'];

describe('OpenBLAS core type', () => {
  it('names SkylakeX for AVX-512, Cooperlake with BF16, nothing without the full subset', () => {
    expect(avx512CoreType(new Set(AVX512))).toBe('SkylakeX');
    expect(avx512CoreType(new Set([...AVX512, 'avx512_bf16']))).toBe('Cooperlake');
    expect(avx512CoreType(new Set(['avx2', 'fma']))).toBeUndefined();
    expect(avx512CoreType(new Set(AVX512.filter((f) => f !== 'avx512bw')))).toBeUndefined();
  });

  it('reads the first CPU flags line of /proc/cpuinfo', () => {
    const text = 'processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu avx2 avx512f\nprocessor\t: 1\nflags\t\t: other\n';
    expect([...cpuFlags(text)]).toEqual(['fpu', 'avx2', 'avx512f']);
    expect(cpuFlags('').size).toBe(0);
  });

  it('sets OPENBLAS_CORETYPE only while loading, and never over the user’s choice', () => {
    const cpuinfo = () => `flags : ${AVX512.join(' ')}`;
    const env: NodeJS.ProcessEnv = {};
    const seen = withPreferredBlasCore(() => env.OPENBLAS_CORETYPE, env, cpuinfo);
    expect(seen).toEqual({ value: 'SkylakeX', coreType: 'SkylakeX' });
    expect(env.OPENBLAS_CORETYPE).toBeUndefined();

    const chosen: NodeJS.ProcessEnv = { OPENBLAS_CORETYPE: 'Haswell' };
    expect(withPreferredBlasCore(() => chosen.OPENBLAS_CORETYPE, chosen, cpuinfo)).toEqual({ value: 'Haswell' });
    const forced: NodeJS.ProcessEnv = { OPENBLAS_CORETYPE: 'Haswell', GRUGAN_OPENBLAS_CORETYPE: 'auto' };
    expect(withPreferredBlasCore(() => forced.OPENBLAS_CORETYPE, forced, cpuinfo)).toEqual({ value: 'SkylakeX', coreType: 'SkylakeX' });
    expect(forced.OPENBLAS_CORETYPE).toBe('Haswell');
    const off: NodeJS.ProcessEnv = { GRUGAN_OPENBLAS_CORETYPE: 'off' };
    expect(withPreferredBlasCore(() => off.OPENBLAS_CORETYPE, off, cpuinfo)).toEqual({ value: undefined });
    const named: NodeJS.ProcessEnv = { GRUGAN_OPENBLAS_CORETYPE: 'Zen' };
    expect(withPreferredBlasCore(() => named.OPENBLAS_CORETYPE, named, () => '')).toEqual({ value: 'Zen', coreType: 'Zen' });
    const plain: NodeJS.ProcessEnv = {};
    expect(withPreferredBlasCore(() => plain.OPENBLAS_CORETYPE, plain, () => 'flags : avx2 fma')).toEqual({ value: undefined });

    const failing: NodeJS.ProcessEnv = {};
    expect(() => withPreferredBlasCore(() => { throw new Error('load failed'); }, failing, cpuinfo)).toThrow('load failed');
    expect(failing.OPENBLAS_CORETYPE).toBeUndefined();
  });

  const nativeMissing = nativeAddonUnavailable();
  let hostFlags = new Set<string>();
  try {
    hostFlags = cpuFlags(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    // not Linux: nothing to check against
  }
  const expected = avx512CoreType(hostFlags);
  const choice = process.env.GRUGAN_OPENBLAS_CORETYPE;
  const openblasCoreTypeBefore = process.env.OPENBLAS_CORETYPE;
  const userChose = choice === undefined ? process.env.OPENBLAS_CORETYPE !== undefined : choice !== 'auto';
  // Only an OpenBLAS built with DYNAMIC_ARCH (Debian's, Ubuntu's) chooses its kernels at load time.
  const dynamic = nativeMissing === undefined && nativeAddon().blasInfo().includes('DYNAMIC_ARCH');
  it.skipIf(!dynamic || expected === undefined || userChose)(
    `the loaded addon runs OpenBLAS' AVX-512 kernels on this CPU (${expected ?? 'no AVX-512 here'})`,
    () => {
      expect(nativeAddon().blasInfo()).toContain(expected);
      // and the process' environment is as it was (the core type is set only while the addon loads)
      expect(process.env.OPENBLAS_CORETYPE).toBe(openblasCoreTypeBefore);
    },
  );
});
