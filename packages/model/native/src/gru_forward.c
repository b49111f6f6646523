/*
 * Forward pass of the fused GRU layer (Cho et al., 2014; 'reset-after' as cuDNN / Keras) on CBLAS:
 *   P = x W + b for all B*T rows in one sgemm, written straight into `saved` (gates overwrite it)
 *   per step: S = h U (z, r columns; all three for 'reset-after') as one sgemm [B,u]x[u,3u],
 *             then the gate math row by row: z, r = σ(P + S (+ b_u)),
 *             'cho2014':     h~ = tanh(P_h + (r*h) U_h)   (a second sgemm for the candidate)
 *             'reset-after': n = S_h + b_uh, h~ = tanh(P_h + r*n)
 *             h' = h + z (h~ - h)
 * BLAS threads share each product; the gate math runs on the calling thread (it is a small part
 * of the work once vectorised, and splitting it would need a barrier per step).
 */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "activations.h"
#include "gru.h"

/* 'cho2014' gates of one row: z, r into saved, r*h into rh. */
GRUGAN_VECTOR_CLONES
static void cho_gates(int u, float *restrict g, const float *restrict s, const float *restrict h, float *restrict rh) {
  for (int j = 0; j < u; j++) {
    const float z = grugan_sigmoid(g[j] + s[j]);
    const float r = grugan_sigmoid(g[u + j] + s[u + j]);
    g[j] = z;
    g[u + j] = r;
    rh[j] = r * h[j];
  }
}

/* 'cho2014' candidate and new state of one row; s_h = (r*h) U_h. The state update runs in
 * double, as in the TypeScript reference: in float32, h + z (h~ - h) loses up to an ulp of |h|
 * to cancellation, which on near-zero states measured just over the tests' 1e-4 relative bound. */
GRUGAN_VECTOR_CLONES
static void cho_update(int u, float *restrict g, const float *restrict s_h, float *restrict h, float *restrict out) {
  for (int j = 0; j < u; j++) {
    const float c = grugan_tanh(g[2 * u + j] + s_h[j]);
    const float z = g[j];
    const float next = (float)((double)h[j] + (double)z * ((double)c - h[j]));
    g[2 * u + j] = c;
    h[j] = next;
    out[j] = next;
  }
}

/* 'reset-after' gates, candidate and new state of one row (saved row g holds z|r|h~|n). */
GRUGAN_VECTOR_CLONES
static void reset_after_row(int u, float *restrict g, const float *restrict s, const float *restrict bu, float *restrict h, float *restrict out) {
  for (int j = 0; j < u; j++) {
    const float z = grugan_sigmoid(g[j] + s[j] + bu[j]);
    const float r = grugan_sigmoid(g[u + j] + s[u + j] + bu[u + j]);
    const float n = s[2 * u + j] + bu[2 * u + j];
    const float c = grugan_tanh(g[2 * u + j] + r * n);
    const float next = (float)((double)h[j] + (double)z * ((double)c - h[j])); /* see cho_update */
    g[j] = z;
    g[u + j] = r;
    g[2 * u + j] = c;
    g[3 * u + j] = n;
    h[j] = next;
    out[j] = next;
  }
}

int gru_forward(const GruDims *d, const float *x, const float *h0, const float *W, const float *U,
                const float *bias, const float *bu, float *seq, float *fin, float *saved) {
  const int B = d->batch, T = d->steps, n_in = d->input_size, u = d->units;
  const int G = gru_saved_width(d), u3 = 3 * u, rows = B * T;
  const int cho = !d->reset_after;
  float *h = malloc(sizeof(float) * (size_t)B * u);      /* state entering the step, [B,u] */
  float *s = malloc(sizeof(float) * (size_t)B * u3);     /* h U for this step, [B,3u] */
  float *rh = cho ? malloc(sizeof(float) * (size_t)B * u) : NULL; /* r*h, [B,u] */
  if (!h || !s || (cho && !rh)) {
    free(h), free(s), free(rh);
    return -1;
  }

  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, u3, n_in, 1.0f, x, n_in, W, u3, 0.0f, saved, G);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < u3; c++) saved[(size_t)r * G + c] += bias[c];
  if (h0) memcpy(h, h0, sizeof(float) * (size_t)B * u);
  else memset(h, 0, sizeof(float) * (size_t)B * u);

  for (int step = 0; step < T; step++) {
    const int t = d->reverse ? T - 1 - step : step;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, cho ? 2 * u : u3, u, 1.0f, h, u, U, u3, 0.0f, s, u3);
    if (cho) {
      for (int b = 0; b < B; b++) cho_gates(u, saved + ((size_t)b * T + t) * G, s + (size_t)b * u3, h + (size_t)b * u, rh + (size_t)b * u);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, u, u, 1.0f, rh, u, U + 2 * u, u3, 0.0f, s + 2 * u, u3);
      for (int b = 0; b < B; b++)
        cho_update(u, saved + ((size_t)b * T + t) * G, s + (size_t)b * u3 + 2 * u, h + (size_t)b * u, seq + ((size_t)b * T + t) * u);
    } else {
      for (int b = 0; b < B; b++)
        reset_after_row(u, saved + ((size_t)b * T + t) * G, s + (size_t)b * u3, bu, h + (size_t)b * u, seq + ((size_t)b * T + t) * u);
    }
  }
  memcpy(fin, h, sizeof(float) * (size_t)B * u);
  free(h), free(s), free(rh);
  return 0;
}
