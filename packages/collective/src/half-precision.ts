/**
 * 16-bit wire formats for gradients: IEEE 754 binary16 ("fp16") and bfloat16 ("bf16"), both
 * rounded to nearest-even. Encoding is plain bit manipulation on the float32 bits (as in
 * numpy's `npy_floatbits_to_halfbits`); fp16 decoding uses a 64 Ki-entry table built once.
 * Little-endian hosts are assumed, as everywhere typed arrays meet the wire in this package.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 bits → fp16 bits, round to nearest even; overflow → ±Inf, NaN stays NaN. */
export function f32BitsToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: value = m · 2^-24, m = (1.mant) >> (14 − e).
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) !== 0)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa rolls into the exponent, which is the right rounding (up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) !== 0)) half++;
  return sign | half;
}

/** float32 bits → bf16 bits, round to nearest even; NaN stays a quiet NaN. */
export function f32BitsToBf16(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) & 0x8000) | 0x7fc0;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

let f16Table: Float32Array | undefined;
function f16ToF32Table(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToNumber(h);
  }
  return f16Table;
}

/** Encodes `src[0..n)` into `dst[0..n)` (16-bit words) in the given format. */
export function encode16(format: 'f16' | 'bf16', src: Float32Array, dst: Uint16Array): void {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const n = src.length;
  if (format === 'f16') for (let i = 0; i < n; i++) dst[i] = f32BitsToF16(bits[i]);
  else for (let i = 0; i < n; i++) dst[i] = f32BitsToBf16(bits[i]);
}

/** Decodes `src[0..n)` (16-bit words) into `dst[0..n)`. */
export function decode16(format: 'f16' | 'bf16', src: Uint16Array, dst: Float32Array): void {
  const n = src.length;
  if (format === 'f16') {
    const table = f16ToF32Table();
    for (let i = 0; i < n; i++) dst[i] = table[src[i]];
  } else {
    const out = new Uint32Array(dst.buffer, dst.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = src[i] << 16;
  }
}

/** Rounds one number through the 16-bit format and back (tests and reference math). */
export function roundTrip16(format: 'f16' | 'bf16', x: number): number {
  f32[0] = x;
  const h = format === 'f16' ? f32BitsToF16(u32[0]) : f32BitsToBf16(u32[0]);
  if (format === 'f16') return f16ToF32Table()[h];
  u32[0] = h << 16;
  return f32[0];
}
