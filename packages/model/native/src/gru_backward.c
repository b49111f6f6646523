/*
 * Backpropagation through time of the fused GRU layer on CBLAS, the algorithm of the TypeScript
 * reference (src/gru/fused/ts-kernel.ts). Per step, from dh (= dL/dh_t carried back, plus the
 * step's upstream gradient):
 *   dz = dh (h~ - h), dA_z = dz z(1 - z), dA_h = dh z (1 - h~^2), dh_prev = dh (1 - z) + ...
 *   'reset-after': dA_r = dA_h n r(1 - r), dN = dA_h r, then ONE sgemm dh_prev += [dA_z dA_r dN] U^T
 *   'cho2014':     dRH = dA_h U_h^T (sgemm), dA_r = dRH h r(1 - r), dh_prev += dRH r,
 *                  then dh_prev += [dA_z dA_r] [U_z U_r]^T (sgemm)
 * It also writes the state entering each step (hprev) and, for 'cho2014', r * hprev: the weight
 * gradients are then large products over all steps at once (dU = hprev^T dA, ...), which the
 * caller runs with sgemm only when they are asked for.
 */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "activations.h"
#include "gru.h"

/* Element-wise part of one row, both variants. d_up is the step's upstream gradient (NULL:
 * zeros). Writes dA_z, dA_h and (1 - z) dh into dhp; for 'reset-after' (n != NULL) also dA_r, dN. */
GRUGAN_VECTOR_CLONES
static void row_gradients(int u, const float *restrict g, const float *restrict n, const float *restrict hp,
                          const float *restrict dh, const float *restrict d_up, float *restrict da_z,
                          float *restrict da_r, float *restrict da_h, float *restrict dn, float *restrict dhp) {
  for (int j = 0; j < u; j++) {
    const float dj = dh[j] + (d_up ? d_up[j] : 0.0f);
    const float z = g[j], r = g[u + j], c = g[2 * u + j];
    const float dz = dj * (c - hp[j]);
    const float dac = dj * z * (1.0f - c * c);
    da_z[j] = dz * z * (1.0f - z);
    da_h[j] = dac;
    dhp[j] = dj * (1.0f - z);
    if (n) {
      da_r[j] = dac * n[j] * r * (1.0f - r);
      dn[j] = dac * r;
    }
  }
}

/* 'cho2014' reset-gate gradient of one row from dRH = dA_h U_h^T; also r * hprev for dU. */
GRUGAN_VECTOR_CLONES
static void cho_reset_gradients(int u, const float *restrict g, const float *restrict hp, const float *restrict drh,
                                float *restrict da_r, float *restrict dhp, float *restrict rh) {
  for (int j = 0; j < u; j++) {
    const float r = g[u + j];
    da_r[j] = drh[j] * hp[j] * r * (1.0f - r);
    dhp[j] += drh[j] * r;
    rh[j] = r * hp[j];
  }
}

int gru_backward(const GruDims *d, const float *U, const float *h0, const float *seq, const float *saved,
                 const float *dseq, const float *dfin, float *dA, float *dN, float *hprev, float *rh, float *dh0) {
  const int B = d->batch, T = d->steps, u = d->units;
  const int G = gru_saved_width(d), u3 = 3 * u;
  const int ra = d->reset_after;
  const size_t Bu = (size_t)B * u;
  float *dh = malloc(sizeof(float) * Bu);  /* dL/d(state after this step), [B,u] */
  float *dhp = malloc(sizeof(float) * Bu); /* dL/d(state before it), [B,u] */
  /* 'reset-after': [dA_z dA_r dN] of this step's rows, [B,3u], contiguous for one sgemm;
   * 'cho2014': dRH, [B,u]. */
  float *step = malloc(sizeof(float) * (size_t)B * (ra ? u3 : u));
  if (!dh || !dhp || !step) {
    free(dh), free(dhp), free(step);
    return -1;
  }
  if (dfin) memcpy(dh, dfin, sizeof(float) * Bu);
  else memset(dh, 0, sizeof(float) * Bu);
  const int ldA = T * u3; /* this step's rows of dA: one every T rows */

  /* hprev: the state entering each step. Per sample, the rows of steps after the first (in scan
   * order) are the output rows one step back, T - 1 of them in a row: one copy per sample rather
   * than one per row (per-row copies of u floats were 4 % of a TimeGAN iteration). */
  for (int b = 0; b < B; b++) {
    float *hp = hprev + (size_t)b * T * u;
    const float *sq = seq + (size_t)b * T * u;
    const int first = d->reverse ? T - 1 : 0; /* the step that starts from h0 */
    if (T > 1) {
      if (d->reverse) memcpy(hp, sq + u, sizeof(float) * (size_t)(T - 1) * u);
      else memcpy(hp + u, sq, sizeof(float) * (size_t)(T - 1) * u);
    }
    if (h0) memcpy(hp + (size_t)first * u, h0 + (size_t)b * u, sizeof(float) * u);
    else memset(hp + (size_t)first * u, 0, sizeof(float) * u);
  }

  for (int s = T - 1; s >= 0; s--) {
    const int t = d->reverse ? T - 1 - s : s;
    for (int b = 0; b < B; b++) {
      const size_t row = (size_t)b * T + t;
      const float *hp = hprev + row * u;
      const float *g = saved + row * G;
      float *da = dA + row * u3;
      const float *d_up = dseq ? dseq + row * u : NULL;
      if (ra) {
        float *st = step + (size_t)b * u3;
        row_gradients(u, g, g + u3, hp, dh + (size_t)b * u, d_up, st, st + u, da + 2 * u, st + 2 * u, dhp + (size_t)b * u);
        memcpy(da, st, sizeof(float) * 2 * u);
        memcpy(dN + row * u, st + 2 * u, sizeof(float) * u);
      } else {
        row_gradients(u, g, NULL, hp, dh + (size_t)b * u, d_up, da, NULL, da + 2 * u, NULL, dhp + (size_t)b * u);
      }
    }
    if (ra) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, u, u3, 1.0f, step, u3, U, u3, 1.0f, dhp, u);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, u, u, 1.0f, dA + (size_t)t * u3 + 2 * u, ldA, U + 2 * u, u3, 0.0f, step, u);
      for (int b = 0; b < B; b++) {
        const size_t row = (size_t)b * T + t;
        cho_reset_gradients(u, saved + row * G, hprev + row * u, step + (size_t)b * u, dA + row * u3 + u, dhp + (size_t)b * u, rh + row * u);
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, u, 2 * u, 1.0f, dA + (size_t)t * u3, ldA, U, u3, 1.0f, dhp, u);
    }
    float *swap = dh;
    dh = dhp;
    dhp = swap;
  }
  memcpy(dh0, dh, sizeof(float) * Bu);
  free(dh), free(dhp), free(step);
  return 0;
}
