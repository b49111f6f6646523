/**
 * σ and tanh for the WebAssembly GRU kernel, four lanes at a time (and a scalar twin with the
 * very same operations, for the unit tails, so a value never depends on where it sits in a row).
 *
 * exp follows Cephes' expf (S. L. Moshier): x = n ln2 + r with |r| ≤ ln2/2 (ln2 split in a
 * high and a low part), a degree-6 polynomial for e^r, and 2^n built in the exponent bits.
 * Relative error ~1e-7 on the clamped range [−87.3, 88.4]; outside it σ and tanh are saturated.
 * Written with operations that are one x86 instruction each in V8: the clamp uses pmin/pmax
 * (wasm's min/max carry NaN rules that cost ~6 instructions), and n is rounded with the
 * 1.5·2^23 trick (adding it leaves round-to-nearest-even(x·log2e) in the low mantissa bits)
 * instead of nearest + trunc_sat (which saturates at the cost of ~7 instructions).
 * tanh follows Cephes' tanhf: an odd polynomial for |x| < 0.625 (where 1 − 2/(e^2x + 1) would
 * lose digits to cancellation), 1 − 2/(e^2|x| + 1) with the sign restored elsewhere.
 */

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_HI: f32 = 88.3762626647949;
const EXP_LO: f32 = -87.3365478515625;
const ROUND: f32 = 12582912.0; // 1.5·2^23
const ROUND_BITS: i32 = 0x4b400000; // its bit pattern
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const T0: f32 = -5.70498872745e-3;
const T1: f32 = 2.06390887954e-2;
const T2: f32 = -5.37397155531e-2;
const T3: f32 = 1.33314422036e-1;
const T4: f32 = -3.33332819422e-1;
const TANH_SMALL: f32 = 0.625;

// @ts-ignore: decorator
@inline
export function exp4(v: v128): v128 {
  let x = f32x4.pmin(f32x4.pmax(v, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND));
  const n = f32x4.sub(t, f32x4.splat(ROUND)); // nearest integer to x·log2e, as a float
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(P0);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, x), x), x), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.sub(t, i32x4.splat(ROUND_BITS)), i32x4.splat(127)), 23); // 2^n
  return f32x4.mul(p, scale);
}

// @ts-ignore: decorator
@inline
export function exp1(v: f32): f32 {
  let x = v < EXP_LO ? EXP_LO : v; // = pmax(v, EXP_LO), lane for lane
  x = EXP_HI < x ? EXP_HI : x; // = pmin(x, EXP_HI)
  const t = x * LOG2E + ROUND;
  const n = t - ROUND;
  x = x - n * LN2_HI;
  x = x - n * LN2_LO;
  let p = P0;
  p = p * x + P1;
  p = p * x + P2;
  p = p * x + P3;
  p = p * x + P4;
  p = p * x + P5;
  p = p * x * x + x + 1;
  return p * reinterpret<f32>((reinterpret<i32>(t) - ROUND_BITS + 127) << 23);
}

// @ts-ignore: decorator
@inline
export function sigmoid4(v: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(v))));
}

// @ts-ignore: decorator
@inline
export function sigmoid1(v: f32): f32 {
  return 1 / (1 + exp1(-v));
}

// @ts-ignore: decorator
@inline
export function tanh4(v: v128): v128 {
  const a = f32x4.abs(v);
  const z = f32x4.mul(v, v);
  let p = f32x4.splat(T0);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), v), v);
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(a, a)), f32x4.splat(1))));
  const signed = v128.or(big, v128.and(v, i32x4.splat(0x80000000))); // copy the sign of v
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(TANH_SMALL)));
}

// @ts-ignore: decorator
@inline
export function tanh1(v: f32): f32 {
  const a = abs<f32>(v);
  if (a < TANH_SMALL) {
    const z = v * v;
    let p = T0;
    p = p * z + T1;
    p = p * z + T2;
    p = p * z + T3;
    p = p * z + T4;
    return p * z * v + v;
  }
  const big: f32 = 1 - 2 / (exp1(a + a) + 1);
  return reinterpret<f32>(reinterpret<i32>(big) | (reinterpret<i32>(v) & 0x80000000));
}
