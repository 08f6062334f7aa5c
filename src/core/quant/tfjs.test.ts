import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { toTfjsQuantization } from './tfjs';
import { quantizeUniform } from './uniform';

describe('toTfjsQuantization', () => {
  it('expresses a tiny affine quantization as {dtype, scale, min} (hand-checked)', () => {
    const q = quantizeUniform(new Float32Array([-1, 0, 0.5, 2]), [4], { bits: 2 });
    const { quantization, codes } = toTfjsQuantization(q);
    expect(quantization).toEqual({ dtype: 'uint8', scale: 1, min: -1 });
    expect(Array.from(codes)).toEqual([0, 1, 2, 3]);
  });

  it('decodes bit-identically under TF.js\'s code·scale + min, in double and in float32, with zero exact', () => {
    const r = createRng(3);
    for (const bits of [4, 8, 12, 16]) {
      const x = Float32Array.from({ length: 500 }, (_, i) => (i % 4 === 0 ? 0 : r.normal() * 0.05 + 0.01));
      const q = quantizeUniform(x, [500], { bits });
      const { quantization: t, codes } = toTfjsQuantization(q);
      expect(t.dtype).toBe(bits <= 8 ? 'uint8' : 'uint16');
      expect(codes).toBeInstanceOf(bits <= 8 ? Uint8Array : Uint16Array);
      const f = Math.fround;
      for (let i = 0; i < x.length; i++) {
        const viaDouble = f(codes[i] * t.scale + t.min); // tfjs io: Float32Array ← JS arithmetic
        const viaFloat32 = f(f(codes[i] * f(t.scale)) + f(t.min)); // a float32 shader
        expect(viaDouble).toBe(q.values[i]);
        expect(viaFloat32).toBe(q.values[i]);
        if (x[i] === 0) expect(viaFloat32).toBe(0);
      }
    }
  });

  it('refuses per-channel and symmetric results', () => {
    const x = new Float32Array([1, -1, 2, 3]);
    expect(() => toTfjsQuantization(quantizeUniform(x, [2, 2], { bits: 8, axis: -1 }))).toThrow('toTfjsQuantization: TF.js has one scale per tensor; quantize without an axis (got axis 1)');
    expect(() => toTfjsQuantization(quantizeUniform(x, [4], { bits: 8, scheme: 'symmetric' }))).toThrow(/use scheme 'affine'/);
  });
});
