/**
 * Single-precision matrix product C (+)= A·B for the WebAssembly GRU kernel, GotoBLAS style
 * (Goto & van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 2008):
 *
 * - B is packed once into panels of NR = 8 columns, k-major (`packB`): the GRU packs each weight
 *   once per layer call and reuses it at every time step; a column range of C is a panel range.
 * - A is packed per (MC × KC) block into micro-panels of MR = 4 rows, k-major (`packA`).
 * - A 4×8 micro-kernel keeps C in 8 SIMD accumulators: per k, 2 loads of B, 4 broadcasts of A,
 *   8 multiplies and 8 adds (WebAssembly SIMD has no fused multiply-add without relaxed-simd).
 *
 * Operands are addressed by byte pointers into linear memory; A by element strides (sAm, sAk) so
 * that Aᵀ costs nothing; C by a row stride in elements. Packed buffers are zero-padded, so edge
 * tiles compute a full 4×8 tile and store only the valid part.
 */

export const MR = 4;
export const NR = 8;
const KC = 256;
const MC = 64;

/** Floats of scratch `gemm` needs for its packed A block. */
export function gemmScratchFloats(): i32 {
  return MC * KC + MR * NR;
}

/** Packed size in floats of a [K, N] B operand. */
export function packedBFloats(K: i32, N: i32): i32 {
  return ((N + NR - 1) / NR) * NR * K;
}

/**
 * Packs panels [p0, p1) of B [K, N] (element (k, n) at src + 4·(k·sK + n·sN)) into `dst`, where
 * panel p starts at dst + 4·p·K·NR and holds K rows of NR floats (zero beyond column N).
 */
export function packB(K: i32, N: i32, src: usize, sK: i32, sN: i32, dst: usize, p0: i32, p1: i32): void {
  for (let p = p0; p < p1; p++) {
    const n0 = p * NR;
    const cols = min<i32>(NR, N - n0);
    let d = dst + <usize>(p * K * NR) * 4;
    if (cols === NR && sN === 1) {
      for (let k = 0; k < K; k++) {
        const s = src + <usize>(k * sK + n0) * 4;
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += NR * 4;
      }
    } else {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(d + <usize>j * 4, j < cols ? load<f32>(src + <usize>(k * sK + (n0 + j) * sN) * 4) : 0);
        }
        d += NR * 4;
      }
    }
  }
}

/** Packs A rows [0, mc) × k [0, kc) (element (i, k) at a + 4·(i·sAm + k·sAk)) into 4-row micro-panels. */
function packA(mc: i32, kc: i32, a: usize, sAm: i32, sAk: i32, dst: usize): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = min<i32>(MR, mc - i0);
    let d = dst + <usize>(i0 * kc) * 4;
    if (rows === MR && sAk === 1) {
      const r0 = a + <usize>(i0 * sAm) * 4;
      const r1 = r0 + <usize>sAm * 4;
      const r2 = r1 + <usize>sAm * 4;
      const r3 = r2 + <usize>sAm * 4;
      for (let k = 0; k < kc; k++) {
        const o = <usize>k * 4;
        store<f32>(d, load<f32>(r0 + o));
        store<f32>(d, load<f32>(r1 + o), 4);
        store<f32>(d, load<f32>(r2 + o), 8);
        store<f32>(d, load<f32>(r3 + o), 12);
        d += 16;
      }
    } else if (rows === MR && sAm === 1) {
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load(a + <usize>(i0 + k * sAk) * 4));
        d += 16;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let i = 0; i < MR; i++) {
          store<f32>(d + <usize>i * 4, i < rows ? load<f32>(a + <usize>((i0 + i) * sAm + k * sAk) * 4) : 0);
        }
        d += 16;
      }
    }
  }
}

/** C[4, 8] (+)= Ap[4, kc]·Bp[kc, 8]; stores rows < mr and columns < nr (tmp: 32 floats). */
// @ts-ignore: decorator
@inline
function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, accumulate: bool, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  const ld = <usize>ldc * 4;
  if (mr === MR && nr === NR) {
    let p = c;
    if (accumulate) {
      v128.store(p, f32x4.add(c00, v128.load(p))); v128.store(p, f32x4.add(c01, v128.load(p, 16)), 16); p += ld;
      v128.store(p, f32x4.add(c10, v128.load(p))); v128.store(p, f32x4.add(c11, v128.load(p, 16)), 16); p += ld;
      v128.store(p, f32x4.add(c20, v128.load(p))); v128.store(p, f32x4.add(c21, v128.load(p, 16)), 16); p += ld;
      v128.store(p, f32x4.add(c30, v128.load(p))); v128.store(p, f32x4.add(c31, v128.load(p, 16)), 16);
    } else {
      v128.store(p, c00); v128.store(p, c01, 16); p += ld;
      v128.store(p, c10); v128.store(p, c11, 16); p += ld;
      v128.store(p, c20); v128.store(p, c21, 16); p += ld;
      v128.store(p, c30); v128.store(p, c31, 16);
    }
    return;
  }
  v128.store(tmp, c00); v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const p = c + <usize>i * ld + <usize>j * 4;
      const v = load<f32>(tmp + <usize>(i * NR + j) * 4);
      store<f32>(p, accumulate ? load<f32>(p) + v : v);
    }
  }
}

/**
 * C[M, N] (+)= A[M, K]·B[k0 : k0 + K, 0 : N] with B packed by `packB` (bpK rows per panel).
 * `scratch` holds `gemmScratchFloats()` floats private to the calling thread.
 */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, sAm: i32, sAk: i32,
  bp: usize, bpK: i32, k0: i32,
  c: usize, ldc: i32,
  accumulate: bool, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  const panels = (N + NR - 1) / NR;
  const tmp = scratch + <usize>(MC * KC) * 4;
  if (K <= 0) {
    if (!accumulate) for (let i = 0; i < M; i++) memory.fill(c + <usize>(i * ldc) * 4, 0, <usize>N * 4);
    return;
  }
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min<i32>(KC, K - pc);
    const acc = accumulate || pc > 0;
    for (let ic = 0; ic < M; ic += MC) {
      const mc = min<i32>(MC, M - ic);
      packA(mc, kc, a + <usize>(ic * sAm + pc * sAk) * 4, sAm, sAk, scratch);
      for (let jr = 0; jr < panels; jr++) {
        const nr = min<i32>(NR, N - jr * NR);
        const b = bp + <usize>(jr * bpK * NR + (k0 + pc) * NR) * 4;
        for (let ir = 0; ir < mc; ir += MR) {
          micro(kc, scratch + <usize>(ir * kc) * 4, b, c + <usize>((ic + ir) * ldc + jr * NR) * 4, ldc, acc, min<i32>(MR, mc - ir), nr, tmp);
        }
      }
    }
  }
}

/**
 * The N-split job for weight gradients: packs panels [p0, p1) of B from its source, then
 * C[:, p0·8 : p1·8] (+)= A·B. Threads given disjoint panel ranges write disjoint columns, and each
 * element's sum runs over k in the same order whatever the split: results do not depend on it.
 */
export function gemmPanels(
  M: i32, N: i32, K: i32,
  a: usize, sAm: i32, sAk: i32,
  bsrc: usize, bsK: i32, bsN: i32, bp: usize,
  p0: i32, p1: i32,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  if (p0 >= p1) return;
  packB(K, N, bsrc, bsK, bsN, bp, p0, p1);
  const n0 = p0 * NR;
  gemm(M, min<i32>(N, p1 * NR) - n0, K, a, sAm, sAk, bp + <usize>(p0 * K * NR) * 4, K, 0, c + <usize>n0 * 4, ldc, accumulate, scratch);
}
