import { describe, expect, it } from 'vitest';
import { decode16, encode16, f32BitsToBf16, f32BitsToF16, roundTrip16 } from './half-precision.js';

const bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0];

describe('fp16', () => {
  it('encodes known values (IEEE 754 binary16 table)', () => {
    expect(f32BitsToF16(bits(1))).toBe(0x3c00);
    expect(f32BitsToF16(bits(-2))).toBe(0xc000);
    expect(f32BitsToF16(bits(65504))).toBe(0x7bff); // largest finite
    expect(f32BitsToF16(bits(65520))).toBe(0x7c00); // rounds up to +Inf
    expect(f32BitsToF16(bits(2 ** -24))).toBe(0x0001); // smallest subnormal
    expect(f32BitsToF16(bits(2 ** -26))).toBe(0x0000); // underflows to zero
    expect(f32BitsToF16(bits(-0))).toBe(0x8000);
    expect(f32BitsToF16(bits(NaN)) & 0x7c00).toBe(0x7c00);
    expect(f32BitsToF16(bits(NaN)) & 0x3ff).not.toBe(0);
    // Ties go to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
    expect(f32BitsToF16(bits(1 + 2 ** -11))).toBe(0x3c00);
    expect(f32BitsToF16(bits(1 + 3 * 2 ** -11))).toBe(0x3c02);
  });

  it('round-trips with relative error at most 2^-11 in the normal range', () => {
    const src = new Float32Array(10_000).map((_, i) => Math.sin(i) * 10 ** ((i % 8) - 4));
    const half = new Uint16Array(src.length);
    const back = new Float32Array(src.length);
    encode16('f16', src, half);
    decode16('f16', half, back);
    for (let i = 0; i < src.length; i++) {
      if (Math.abs(src[i]) < 2 ** -14) continue;
      expect(Math.abs(back[i] - src[i]) / Math.abs(src[i])).toBeLessThanOrEqual(2 ** -11);
      expect(back[i]).toBe(roundTrip16('f16', src[i]));
    }
  });
});

describe('bf16', () => {
  it('encodes known values and rounds to nearest even', () => {
    expect(f32BitsToBf16(bits(1))).toBe(0x3f80);
    expect(f32BitsToBf16(bits(-1))).toBe(0xbf80);
    expect(f32BitsToBf16(bits(1 + 2 ** -8))).toBe(0x3f80); // tie → even
    expect(f32BitsToBf16(bits(1 + 3 * 2 ** -8))).toBe(0x3f82);
    expect(f32BitsToBf16(bits(Infinity))).toBe(0x7f80);
    expect(f32BitsToBf16(bits(NaN))).toBe(0x7fc0);
  });

  it('round-trips with relative error at most 2^-8', () => {
    const src = new Float32Array(10_000).map((_, i) => Math.cos(i) * 10 ** ((i % 20) - 10));
    const half = new Uint16Array(src.length);
    const back = new Float32Array(src.length);
    encode16('bf16', src, half);
    decode16('bf16', half, back);
    for (let i = 0; i < src.length; i++) {
      expect(Math.abs(back[i] - src[i]) / Math.abs(src[i])).toBeLessThanOrEqual(2 ** -8);
    }
  });
});
