/**
 * Matrix products for the TypeScript GRU kernel: one blocked, register-tiled product
 * C (+)= A·B on row-major Float32Arrays with offsets and leading dimensions, so that a time
 * step's rows inside a [B, T, ·] array are an operand without a copy. Transposed operands are
 * materialised once with `transpose` (a [u, 3u] weight per layer call costs nothing next to
 * the products), which keeps one product loop to tune instead of four.
 *
 * The 4×4 register tile follows the classic GotoBLAS micro-kernel idea (Goto & van de Geijn,
 * "Anatomy of High-Performance Matrix Multiplication", 2008): 8 loads feed 16 multiply-adds.
 * Sums are kept in float64 locals (JavaScript numbers) and rounded to float32 once per K block.
 */

/** Columns of K processed per block: a [KC, 4] slice of B stays in L1 across all row tiles. */
const KC = 256;

/** A row-major matrix operand: `data[off + i·ld + j]`. */
export interface MatrixRef {
  data: Float32Array;
  off: number;
  ld: number;
}

/** C[M, N] = A[M, K]·B[K, N] (accumulate: C += A·B). */
export function gemm(M: number, N: number, K: number, A: MatrixRef, B: MatrixRef, C: MatrixRef, accumulate: boolean): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) for (let i = 0; i < M; i++) C.data.fill(0, C.off + i * C.ld, C.off + i * C.ld + N);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    const add = accumulate || k0 > 0;
    gemmBlock(M, N, kc, A.data, A.off + k0, A.ld, B.data, B.off + k0 * B.ld, B.ld, C.data, C.off, C.ld, add);
  }
}

function gemmBlock(
  M: number, N: number, K: number,
  a: Float32Array, aOff: number, lda: number,
  b: Float32Array, bOff: number, ldb: number,
  c: Float32Array, cOff: number, ldc: number,
  add: boolean,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let j = 0; j < N4; j += 4) {
    const bj = bOff + j;
    for (let i = 0; i < M4; i += 4) {
      const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0, bk = bj; k < K; k++, bk += ldb) {
        const b0 = b[bk], b1 = b[bk + 1], b2 = b[bk + 2], b3 = b[bk + 3];
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      let p = cOff + i * ldc + j;
      if (add) {
        c[p] += c00; c[p + 1] += c01; c[p + 2] += c02; c[p + 3] += c03; p += ldc;
        c[p] += c10; c[p + 1] += c11; c[p + 2] += c12; c[p + 3] += c13; p += ldc;
        c[p] += c20; c[p + 1] += c21; c[p + 2] += c22; c[p + 3] += c23; p += ldc;
        c[p] += c30; c[p + 1] += c31; c[p + 2] += c32; c[p + 3] += c33;
      } else {
        c[p] = c00; c[p + 1] = c01; c[p + 2] = c02; c[p + 3] = c03; p += ldc;
        c[p] = c10; c[p + 1] = c11; c[p + 2] = c12; c[p + 3] = c13; p += ldc;
        c[p] = c20; c[p + 1] = c21; c[p + 2] = c22; c[p + 3] = c23; p += ldc;
        c[p] = c30; c[p + 1] = c31; c[p + 2] = c32; c[p + 3] = c33;
      }
    }
  }
  // Edges: the last M % 4 rows over every column, and the last N % 4 columns of the tiled rows.
  if (M4 < M) gemmScalar(M4, M, 0, N, K, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, add);
  if (N4 < N) gemmScalar(0, M4, N4, N, K, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, add);
}

function gemmScalar(
  i0: number, i1: number, j0: number, j1: number, K: number,
  a: Float32Array, aOff: number, lda: number,
  b: Float32Array, bOff: number, ldb: number,
  c: Float32Array, cOff: number, ldc: number,
  add: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    const ai = aOff + i * lda;
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let k = 0, bk = bOff + j; k < K; k++, bk += ldb) s += a[ai + k] * b[bk];
      const p = cOff + i * ldc + j;
      c[p] = add ? c[p] + s : s;
    }
  }
}

/** dst[cols, rows] = src[rows, cols]ᵀ, reading `src` at `off` with leading dimension `ld`. */
export function transpose(src: Float32Array, off: number, ld: number, rows: number, cols: number, dst: Float32Array = new Float32Array(rows * cols)): Float32Array {
  for (let i = 0; i < rows; i++) {
    const s = off + i * ld;
    for (let j = 0; j < cols; j++) dst[j * rows + i] = src[s + j];
  }
  return dst;
}

/** out[j] (+)= Σ_i m[off + i·ld + j] for j < cols: column sums of a [rows, cols] block. */
export function columnSums(m: Float32Array, off: number, ld: number, rows: number, cols: number, out: Float32Array, outOff = 0): void {
  const acc = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const s = off + i * ld;
    for (let j = 0; j < cols; j++) acc[j] += m[s + j];
  }
  for (let j = 0; j < cols; j++) out[outOff + j] = acc[j];
}
