/*
 * The N-API surface of the native GRU kernel (src/gru/fused/native/ is its only caller):
 *   gruForward(B, T, in, u, resetAfter, reverse, x, h0|null, W, U, b, bu|null, seq, final, saved)
 *   gruBackward(B, T, u, resetAfter, reverse, U, h0|null, seq, saved, dSeq|null, dFinal|null,
 *               dA, dN|null, hprev, rh|null, dh0)
 *   sgemm(transA, transB, M, N, K, A, offA, lda, B, offB, ldb, beta, C, offC, ldc)
 *        C = op(A) op(B) + beta C, row-major, operands at element offsets (alpha = 1)
 *   columnSums(rows, cols, m, off, ld, out, outOff)   out[outOff + j] = sum_i m[off + i ld + j]
 *   setThreads(n)                                      BLAS threads for the calls that follow
 *   blasInfo() -> string                               the BLAS build and its thread count
 *   keepFreedMemory(mmapBytes, trimBytes) -> boolean   glibc malloc: serve blocks under mmapBytes from
 *                                                      the heap, keep up to trimBytes of freed memory
 *                                                      (false where the C library is not glibc)
 * Every call is synchronous on the caller's thread, on Float32Arrays the caller owns; sizes are
 * checked against the arrays' lengths before any pointer is used.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "args.h"
#include "gru.h"

/* OpenBLAS' own introspection (declared in its cblas.h; other CBLAS builds lack it). */
#ifdef OPENBLAS_VERSION
#define GRUGAN_HAVE_OPENBLAS 1
#endif

static napi_value out_of_memory(napi_env env) {
  napi_throw_error(env, NULL, "grugan native: out of memory");
  return NULL;
}

static int read_dims(Args *a, GruDims *d, int with_input) {
  size_t i = 0;
  d->batch = args_int(a, i++, "batch");
  d->steps = args_int(a, i++, "steps");
  d->input_size = with_input ? args_int(a, i++, "inputSize") : 0;
  d->units = args_int(a, i++, "units");
  d->reset_after = args_int(a, i++, "resetAfter") != 0;
  d->reverse = args_int(a, i++, "reverse") != 0;
  return (int)i;
}

static napi_value gru_forward_js(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_read(env, info, 15, &a)) return NULL;
  GruDims d;
  int i = read_dims(&a, &d, 1);
  const size_t B = d.batch, T = d.steps, n_in = d.input_size, u = d.units, u3 = 3 * u;
  const float *x = args_f32(&a, i++, "x", B * T * n_in, 0, NULL);
  const float *h0 = args_f32(&a, i++, "h0", B * u, 1, NULL);
  const float *W = args_f32(&a, i++, "kernel", n_in * u3, 0, NULL);
  const float *U = args_f32(&a, i++, "recurrentKernel", u * u3, 0, NULL);
  const float *bias = args_f32(&a, i++, "bias", u3, 0, NULL);
  const float *bu = args_f32(&a, i++, "recurrentBias", u3, !d.reset_after, NULL);
  float *seq = args_f32(&a, i++, "sequence", B * T * u, 0, NULL);
  float *fin = args_f32(&a, i++, "final", B * u, 0, NULL);
  float *saved = args_f32(&a, i++, "saved", B * T * gru_saved_width(&d), 0, NULL);
  if (a.failed) return NULL;
  if (gru_forward(&d, x, h0, W, U, bias, bu, seq, fin, saved) != 0) return out_of_memory(env);
  return NULL;
}

static napi_value gru_backward_js(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_read(env, info, 16, &a)) return NULL;
  GruDims d;
  int i = read_dims(&a, &d, 0);
  const size_t B = d.batch, T = d.steps, u = d.units, u3 = 3 * u;
  const float *U = args_f32(&a, i++, "recurrentKernel", u * u3, 0, NULL);
  const float *h0 = args_f32(&a, i++, "h0", B * u, 1, NULL);
  const float *seq = args_f32(&a, i++, "sequence", B * T * u, 0, NULL);
  const float *saved = args_f32(&a, i++, "saved", B * T * gru_saved_width(&d), 0, NULL);
  const float *dseq = args_f32(&a, i++, "dSequence", B * T * u, 1, NULL);
  const float *dfin = args_f32(&a, i++, "dFinal", B * u, 1, NULL);
  float *dA = args_f32(&a, i++, "dA", B * T * u3, 0, NULL);
  float *dN = args_f32(&a, i++, "dN", B * T * u, !d.reset_after, NULL);
  float *hprev = args_f32(&a, i++, "hprev", B * T * u, 0, NULL);
  float *rh = args_f32(&a, i++, "rh", B * T * u, d.reset_after, NULL);
  float *dh0 = args_f32(&a, i++, "dh0", B * u, 0, NULL);
  if (a.failed) return NULL;
  if (gru_backward(&d, U, h0, seq, saved, dseq, dfin, dA, d.reset_after ? dN : NULL, hprev, d.reset_after ? NULL : rh, dh0) != 0)
    return out_of_memory(env);
  return NULL;
}

/* Elements a row-major [rows, cols] operand with leading dimension ld spans from its first. */
static size_t span(size_t rows, size_t cols, size_t ld) {
  return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
}

static napi_value sgemm_js(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_read(env, info, 15, &a)) return NULL;
  const int ta = args_int(&a, 0, "transA") != 0, tb = args_int(&a, 1, "transB") != 0;
  const size_t M = args_int(&a, 2, "M"), N = args_int(&a, 3, "N"), K = args_int(&a, 4, "K");
  const size_t offA = args_int(&a, 6, "offA"), lda = args_int(&a, 7, "lda");
  const size_t offB = args_int(&a, 9, "offB"), ldb = args_int(&a, 10, "ldb");
  const size_t offC = args_int(&a, 13, "offC"), ldc = args_int(&a, 14, "ldc");
  double beta = 0;
  if (!a.failed && napi_get_value_double(env, a.argv[11], &beta) != napi_ok) {
    napi_throw_type_error(env, NULL, "grugan native: beta must be a number");
    return NULL;
  }
  /* Stored shapes: op(A) = A is [M,K], A^T is stored [K,M]; likewise B [K,N] or [N,K]. */
  const size_t ar = ta ? K : M, ac = ta ? M : K, br = tb ? N : K, bc = tb ? K : N;
  if (!a.failed && ((ar > 0 && lda < ac) || (br > 0 && ldb < bc) || (M > 0 && ldc < N))) {
    napi_throw_range_error(env, NULL, "grugan native: a leading dimension is smaller than its row");
    return NULL;
  }
  const float *A = args_f32(&a, 5, "A", offA + span(ar, ac, lda), 0, NULL);
  const float *Bm = args_f32(&a, 8, "B", offB + span(br, bc, ldb), 0, NULL);
  float *C = args_f32(&a, 12, "C", offC + span(M, N, ldc), 0, NULL);
  if (a.failed) return NULL;
  if (M == 0 || N == 0) return NULL;
  /* CBLAS rejects leading dimensions below 1 even for empty operands. */
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K, 1.0f,
              A + offA, lda ? (int)lda : 1, Bm + offB, ldb ? (int)ldb : 1, (float)beta, C + offC, (int)ldc);
  return NULL;
}

static napi_value column_sums_js(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_read(env, info, 7, &a)) return NULL;
  const size_t rows = args_int(&a, 0, "rows"), cols = args_int(&a, 1, "cols");
  const size_t off = args_int(&a, 3, "off"), ld = args_int(&a, 4, "ld"), out_off = args_int(&a, 6, "outOff");
  const float *m = args_f32(&a, 2, "m", off + span(rows, cols, ld), 0, NULL);
  float *out = args_f32(&a, 5, "out", out_off + cols, 0, NULL);
  if (a.failed) return NULL;
  double *acc = calloc(cols ? cols : 1, sizeof(double)); /* float64 sums, as the reference */
  if (!acc) return out_of_memory(env);
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) acc[j] += m[off + i * ld + j];
  for (size_t j = 0; j < cols; j++) out[out_off + j] = (float)acc[j];
  free(acc);
  return NULL;
}

static napi_value set_threads_js(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_read(env, info, 1, &a)) return NULL;
  const int n = args_int(&a, 0, "threads");
  if (a.failed) return NULL;
#ifdef GRUGAN_HAVE_OPENBLAS
  if (n > 0) openblas_set_num_threads(n);
#else
  (void)n; /* other BLAS builds take their thread count from the environment */
#endif
  return NULL;
}

static napi_value blas_info_js(napi_env env, napi_callback_info info) {
  (void)info;
  char text[256];
#ifdef GRUGAN_HAVE_OPENBLAS
  snprintf(text, sizeof text, "%s, %d threads", openblas_get_config(), openblas_get_num_threads());
#else
  snprintf(text, sizeof text, "CBLAS");
#endif
  napi_value s;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &s);
  return s;
}

/* Why: V8 allocates each large ArrayBuffer with calloc, which glibc serves with a fresh mmap (and
 * returns with munmap, or trims from the heap top) once it is over its thresholds. A training
 * iteration allocates and frees the same tens of megabytes of Float32Arrays every step (gate
 * values, gradients, copies in and out of the wasm heap), so every step paid the page faults of
 * first touch again: 12 % of an M iteration's samples in the kernel's fault path (perf), and
 * 4.1 -> 4.8 it/s with these thresholds raised (bench/RESULTS.md). Process-wide, so the caller
 * decides (GRUGAN_KEEP_FREED_MEMORY=off leaves glibc's defaults). */
static napi_value keep_freed_memory_js(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_read(env, info, 2, &a)) return NULL;
  const int mmap_bytes = args_int(&a, 0, "mmapBytes"), trim_bytes = args_int(&a, 1, "trimBytes");
  if (a.failed) return NULL;
  int ok = 0;
#ifdef __GLIBC__
  ok = mallopt(M_MMAP_THRESHOLD, mmap_bytes) == 1 && mallopt(M_TRIM_THRESHOLD, trim_bytes) == 1;
#else
  (void)mmap_bytes, (void)trim_bytes;
#endif
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

/* Context-aware (NAPI_MODULE_INIT): safe to load in several worker threads of one process. */
NAPI_MODULE_INIT() {
  const napi_property_descriptor fns[] = {
      {"gruForward", NULL, gru_forward_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gruBackward", NULL, gru_backward_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sgemm", NULL, sgemm_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"columnSums", NULL, column_sums_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, set_threads_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blasInfo", NULL, blas_info_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"keepFreedMemory", NULL, keep_freed_memory_js, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
  return exports;
}
