import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { float16BitsToFloat32Bits, float16ToFloat32Array, float32BitsToFloat16Bits, float32ToFloat16Array, fromFloat16Bits, toFloat16Bits } from './float16';

// Computed with numpy 2.4 (np.float32 → astype(np.float16)), pasted.
const F32_TO_F16: [number, number][] = [
  [0x00000000, 0x0000], // 0.0
  [0x80000000, 0x8000], // -0.0
  [0x3f800000, 0x3c00], // 1.0
  [0xbf800000, 0xbc00], // -1.0
  [0x3f000000, 0x3800], // 0.5
  [0x40490fdb, 0x4248], // 3.1415927
  [0x477fe000, 0x7bff], // 65504.0 (largest half)
  [0x477fefff, 0x7bff], // 65519.996
  [0x477ff000, 0x7c00], // 65520.0 → overflows to Inf (tie rounds to even = Inf)
  [0x47800000, 0x7c00], // 65536.0
  [0x7f7fffff, 0x7c00], // 3.4028235e+38
  [0x7f800000, 0x7c00], // inf
  [0xff800000, 0xfc00], // -inf
  [0x7fc00000, 0x7e00], // nan (quiet)
  [0x7f800001, 0x7c01], // nan (payload below half precision stays NaN)
  [0x38800000, 0x0400], // 6.1035156e-05 (smallest normal half)
  [0x387fe000, 0x0400], // 6.1005354e-05 (rounds up into the normals)
  [0x33800000, 0x0001], // 5.9604645e-08 (smallest subnormal half)
  [0x33000000, 0x0000], // 2.9802322e-08 (exact tie → even = 0)
  [0x33000001, 0x0001], // 2.9802326e-08
  [0x32ffffff, 0x0000], // 2.980232e-08
  [0x33c00000, 0x0002], // 8.940697e-08 (tie 1.5 → 2)
  [0x34200000, 0x0002], // 1.4901161e-07 (tie 2.5 → 2)
  [0x3f801000, 0x3c00], // 1.0004883 (tie → even)
  [0x3f803000, 0x3c02], // 1.0014648 (tie → even)
  [0x3f801001, 0x3c01], // 1.0004884
  [0x3f802000, 0x3c01], // 1.0009766
  [0x3dcccccd, 0x2e66], // 0.1
  [0x00000001, 0x0000], // 1e-45 (float32 subnormal)
  [0x3eaaaaab, 0x3555], // 0.33333334
  [0xc2f6e979, 0xd7b7], // -123.456
  [0x38000000, 0x0200], // 3.0517578e-05
  [0x37ffffff, 0x0200], // 3.0517576e-05
  [0x387fc000, 0x03ff], // 6.097555e-05 (largest subnormal half)
  [0x387ff000, 0x0400], // 6.1020255e-05
];
const F16_TO_F32: [number, number][] = [
  [0x0000, 0x00000000], [0x8000, 0x80000000], [0x0001, 0x33800000], [0x8001, 0xb3800000],
  [0x03ff, 0x387fc000], [0x0400, 0x38800000], [0x3c00, 0x3f800000], [0x3c01, 0x3f802000],
  [0x7bff, 0x477fe000], [0x7c00, 0x7f800000], [0xfc00, 0xff800000], [0x3555, 0x3eaaa000],
  [0xc000, 0xc0000000], [0x0200, 0x38000000], [0x5640, 0x42c80000],
];

const bitsOf = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0];

describe('float16', () => {
  it('converts a tiny case by hand', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00); // sign 0, exponent 15, mantissa 0
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(fromFloat16Bits(0x3555)).toBe(0.333251953125); // (1 + 341/1024)/4
  });

  it('matches the numpy reference table both ways', () => {
    for (const [f, h] of F32_TO_F16) expect([f, float32BitsToFloat16Bits(f)]).toEqual([f, h]);
    for (const [h, f] of F16_TO_F32) expect([h, float16BitsToFloat32Bits(h)]).toEqual([h, f]);
  });

  it('handles NaN, ±Inf and ±0 in the array forms', () => {
    const h = float32ToFloat16Array(new Float32Array([NaN, Infinity, -Infinity, -0, 1e6, -1e-9]));
    expect(Array.from(h)).toEqual([0x7e00, 0x7c00, 0xfc00, 0x8000, 0x7c00, 0x8000]);
    const back = float16ToFloat32Array(h);
    expect(Number.isNaN(back[0])).toBe(true);
    expect(Object.is(back[3], -0)).toBe(true);
    expect(float16ToFloat32Array(new Uint16Array(0)).length).toBe(0);
  });

  it('round-trips all 65 536 half patterns exactly', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    expect(float32ToFloat16Array(float16ToFloat32Array(all))).toEqual(all);
  });

  it('rounds to the nearest half, ties to even (random float32 vs. a neighbour search)', () => {
    const r = createRng(16);
    for (let t = 0; t < 20000; t++) {
      const x = Math.fround(r.normal() * 2 ** ((r.nextUint32() % 44) - 28));
      const h = toFloat16Bits(x);
      const y = fromFloat16Bits(h);
      if (!Number.isFinite(y)) {
        expect(Math.abs(x)).toBeGreaterThanOrEqual(65520);
        continue;
      }
      // The neighbours one step away (same sign direction) must not be strictly nearer.
      for (const nb of [h - 1, h + 1]) {
        if ((nb & 0x7fff) >= 0x7c00 || nb < 0 || (nb ^ h) & 0x8000) continue;
        const d = Math.abs(fromFloat16Bits(nb) - x);
        const d0 = Math.abs(y - x);
        expect(d0 <= d).toBe(true);
        if (d0 === d) expect(h & 1).toBe(0);
      }
    }
    expect(bitsOf(fromFloat16Bits(0x7bff))).toBe(0x477fe000);
  });
});
