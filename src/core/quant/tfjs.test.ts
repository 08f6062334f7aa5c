import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { snapCodebookToGrid, toTfjsQuantization } from './tfjs';
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

describe('snapCodebookToGrid', () => {
  it('puts centroids on a uint8 grid TF.js decodes exactly, zero kept, each moved by at most scale/2', () => {
    const r = createRng(5);
    const codebook = Float32Array.from({ length: 32 }, (_, i) => (i === 7 ? 0 : r.normal() * 0.1)).sort();
    const { codebook: snapped, grid } = snapCodebookToGrid(codebook);
    expect(snapped).toHaveLength(32);
    for (let k = 0; k < 32; k++) {
      expect(Math.fround(grid.codes[k] * grid.scale + grid.min)).toBe(snapped[k]);
      expect(Math.abs(snapped[k] - codebook[k])).toBeLessThanOrEqual(grid.scale / 2 + 1e-12);
      if (codebook[k] === 0) expect(snapped[k]).toBe(0);
    }
  });

  it('a hand-checked codebook: [−1, 0, 0.5, 2] → scale ≈ 3/255, zero point 85, codes 0, 85, 127, 255', () => {
    // z = round(1 / (3/255)) = 85; 0.5 → 85 + 42.5 − (rounding of the stored scale) = 127; 2 → 85 + 170 = 255.
    const { codebook, grid } = snapCodebookToGrid(new Float32Array([-1, 0, 0.5, 2]));
    expect(grid.scale).toBeCloseTo(3 / 255, 6);
    expect(Array.from(grid.codes)).toEqual([0, 85, 127, 255]);
    expect(codebook[1]).toBe(0);
    expect(codebook[2]).toBeCloseTo(42 * 3 / 255, 4);
  });
});
