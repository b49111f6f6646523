/*
 * The fused GRU layer on CBLAS: forward over all steps and backpropagation through time, with the
 * same layouts and semantics as the TypeScript reference kernel (src/gru/fused/ts-kernel.ts,
 * layouts in src/gru/fused/types.ts): row-major float32, rows r = b*T + t, gates z | r | h.
 */
#ifndef GRUGAN_GRU_H
#define GRUGAN_GRU_H

typedef struct {
  int batch;       /* B */
  int steps;       /* T */
  int input_size;  /* in (unused by the backward pass) */
  int units;       /* u */
  int reset_after; /* 1: 'reset-after' (saved rows hold z|r|h~|n), 0: 'cho2014' (z|r|h~) */
  int reverse;     /* scan from t = T-1 down to 0 */
} GruDims;

/* Float32 values per row of `saved`. */
static inline int gru_saved_width(const GruDims *d) { return (d->reset_after ? 4 : 3) * d->units; }

/* Forward: writes seq [B,T,u], fin [B,u] and saved [B*T, saved width]. h0 and bu may be NULL
 * (zeros; bu is required by 'reset-after'). Returns 0, or -1 when out of memory. */
int gru_forward(const GruDims *d, const float *x, const float *h0, const float *W, const float *U,
                const float *bias, const float *bu, float *seq, float *fin, float *saved);

/* Backpropagation through time. Writes dA [B*T, 3u] (dL/d of each gate's input projection),
 * dN [B*T, u] ('reset-after' only, else NULL), hprev [B*T, u] (the state entering each step),
 * rh [B*T, u] ('cho2014' only: r * hprev, else NULL) and dh0 [B,u]. h0, dseq, dfin may be NULL
 * (zeros). Returns 0, or -1 when out of memory. */
int gru_backward(const GruDims *d, const float *U, const float *h0, const float *seq, const float *saved,
                 const float *dseq, const float *dfin, float *dA, float *dN, float *hprev, float *rh, float *dh0);

#endif
