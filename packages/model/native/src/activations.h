/*
 * σ and tanh for the native GRU kernel, written branch-free so that gcc vectorises the gate loops
 * that call them. The same algorithm as the WebAssembly kernel (assembly/activations.ts), after
 * Cephes' expf and tanhf (S. L. Moshier): x = n ln2 + r with ln2 split in a high and a low part,
 * a degree-6 polynomial for e^r, 2^n built in the exponent bits; tanh by an odd polynomial for
 * |x| < 0.625 (where 1 - 2/(e^2x + 1) loses digits to cancellation) and by e^2|x| elsewhere.
 * Relative error ~1e-7; outside [-87.3, 88.4] the argument is clamped, so σ and tanh saturate.
 */
#ifndef GRUGAN_ACTIVATIONS_H
#define GRUGAN_ACTIVATIONS_H

#include <stdint.h>
#include <string.h>

/* Loops that run per gate element get AVX-512 and AVX2 copies picked at load time (an ifunc), so the
 * binary needs no -march flag and still runs on any x86-64; elsewhere they compile as is. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GRUGAN_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GRUGAN_VECTOR_CLONES
#endif

static inline float grugan_exp(float v) {
  const float lo = -87.3365478515625f, hi = 88.3762626647949f;
  const float round = 12582912.0f; /* 1.5 * 2^23: adding it rounds to the nearest integer */
  float x = v < lo ? lo : v;
  x = x > hi ? hi : x;
  const float t = x * 1.44269504088896341f + round;
  const float n = t - round;
  x = x - n * 0.693359375f;
  x = x - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * x + 1.3981999507e-3f;
  p = p * x + 8.3334519073e-3f;
  p = p * x + 4.1665795894e-2f;
  p = p * x + 1.6666665459e-1f;
  p = p * x + 5.0000001201e-1f;
  p = p * x * x + x + 1.0f;
  int32_t bits;
  memcpy(&bits, &t, sizeof bits);
  bits = (bits - 0x4b400000 + 127) << 23; /* 2^n */
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

static inline float grugan_sigmoid(float v) { return 1.0f / (1.0f + grugan_exp(-v)); }

static inline float grugan_tanh(float v) {
  const float a = v < 0 ? -v : v;
  const float z = v * v;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z + -5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z + -3.33332819422e-1f;
  const float small = p * z * v + v;
  const float big = 1.0f - 2.0f / (grugan_exp(a + a) + 1.0f);
  const float signed_big = v < 0 ? -big : big;
  return a < 0.625f ? small : signed_big;
}

#endif
