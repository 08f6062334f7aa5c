import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { dequantizeUniform, exactScale, quantizeUniform, type QuantResult } from './uniform';

/** Every element: |x − x̂| ≤ s_c/2, exactly (x̂ and x are float32, their difference exact in double). */
function maxErrorRatio(x: Float32Array, q: QuantResult, shape: number[]): number {
  const axis = q.axis;
  const inner = axis < 0 ? x.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = axis < 0 ? 1 : shape[axis];
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const c = Math.floor(i / inner) % size;
    worst = Math.max(worst, Math.abs(x[i] - q.values[i]) / (q.scale[c] / 2));
  }
  return worst;
}

describe('quantizeUniform', () => {
  it('quantizes a tiny case by hand (2-bit affine, 3-bit symmetric)', () => {
    const a = quantizeUniform(new Float32Array([-1, 0, 0.5, 2]), [4], { bits: 2 });
    // lo = −1, hi = 2, s = 3/3 = 1, z = 1; 0.5/1 = 0.5 rounds half up to code 2.
    expect(a.scale[0]).toBe(1);
    expect(a.zeroPoint[0]).toBe(1);
    expect(Array.from(a.codes)).toEqual([0, 1, 2, 3]);
    expect(Array.from(a.values)).toEqual([-1, 0, 1, 2]);
    const s = quantizeUniform(new Float32Array([-0.6, 0.3, 1.5]), [3], { bits: 3, scheme: 'symmetric' });
    // s = 1.5/3 = 0.5; codes round(−1.2) = −1, round(0.6) = 1, 3
    expect(s.scale[0]).toBe(0.5);
    expect(Array.from(s.codes)).toEqual([-1, 1, 3]);
    expect(Array.from(s.values)).toEqual([-0.5, 0.5, 1.5]);
  });

  it('matches reference values computed with numpy (pasted)', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => (((i * 29) % 23) - 11) / 7);
    const a = quantizeUniform(x, [3, 4], { bits: 4 });
    expect(a.scale[0]).toBe(0.1904764175415039);
    expect(a.zeroPoint[0]).toBe(8);
    expect(Array.from(a.codes)).toEqual([0, 4, 9, 13, 1, 5, 9, 14, 1, 6, 10, 15]);
    expect(Array.from(a.values)).toEqual([-1.52381134033203125, -0.761905670166015625, 0.19047641754150390625, 0.95238208770751953125, -1.33333492279052734375,
      -0.57142925262451171875, 0.19047641754150390625, 1.1428585052490234375, -1.33333492279052734375, -0.3809528350830078125, 0.3809528350830078125, 1.33333492279052734375]);
    const s = quantizeUniform(x, [3, 4], { bits: 3, scheme: 'symmetric' });
    expect(s.scale[0]).toBe(0.5238096714019775);
    expect(Array.from(s.codes)).toEqual([-3, -1, 0, 2, -3, -1, 1, 2, -2, -1, 1, 2]);
  });

  it('quantizes per channel along an axis', () => {
    // [2, 2] with axis −1: channel 0 = {−1, 0}, channel 1 = {4, 2}
    const q = quantizeUniform(new Float32Array([-1, 4, 0, 2]), [2, 2], { bits: 1, axis: -1 });
    expect(q.axis).toBe(1);
    expect(Array.from(q.scale)).toEqual([1, 4]);
    expect(Array.from(q.zeroPoint)).toEqual([1, 0]);
    expect(Array.from(q.values)).toEqual([-1, 4, 0, 4]);
    expect(dequantizeUniform(q.codes, [2, 2], q)).toEqual(q.values);
  });

  it('handles empty, all-zero and single-valued tensors', () => {
    expect(quantizeUniform(new Float32Array(0), [0], { bits: 8 }).codes.length).toBe(0);
    const z = quantizeUniform(new Float32Array(5), [5], { bits: 4, axis: 0 });
    expect(Array.from(z.values)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(z.scale)).toEqual([1, 1, 1, 1, 1]);
    const c = quantizeUniform(new Float32Array([0.75, 0.75]), [2], { bits: 8 });
    expect(Math.abs(c.values[0] - 0.75)).toBeLessThanOrEqual(c.scale[0] / 2);
    const neg = quantizeUniform(new Float32Array([-3, -3]), [2], { bits: 2, scheme: 'symmetric' });
    expect(Array.from(neg.values)).toEqual([-3, -3]);
  });

  it('rejects bits out of range, bad schemes, bad axes and non-finite values', () => {
    const x = new Float32Array([1, 2]);
    expect(() => quantizeUniform(x, [2], { bits: 0 })).toThrow('quantizeUniform: bits must be an integer in [1, 16], got 0');
    expect(() => quantizeUniform(x, [2], { bits: 17 })).toThrow(/bits must be an integer in \[1, 16\], got 17/);
    expect(() => quantizeUniform(x, [2], { bits: 4.5 })).toThrow(/got 4.5/);
    expect(() => quantizeUniform(x, [2], { bits: 1, scheme: 'symmetric' })).toThrow('quantizeUniform: bits must be an integer in [2, 16], got 1');
    expect(() => quantizeUniform(x, [2], { bits: 4, scheme: 'log' as 'affine' })).toThrow("quantizeUniform: scheme must be 'affine' or 'symmetric', got log");
    expect(() => quantizeUniform(x, [2], { bits: 4, axis: 1 })).toThrow('quantizeUniform: axis 1 is out of range for a rank-1 tensor');
    expect(() => quantizeUniform(new Float32Array([1, NaN]), [2], { bits: 4 })).toThrow('quantizeUniform: values[1] is NaN; weights must be finite');
    expect(() => quantizeUniform(new Float32Array([-Infinity]), [1], { bits: 4 })).toThrow('quantizeUniform: values[0] is -Infinity');
  });

  it('keeps |x − x̂| ≤ s/2, zeros exact and codes in range for every bit width and scheme', () => {
    const r = createRng(12);
    for (let bits = 1; bits <= 16; bits++) {
      for (const scheme of ['affine', 'symmetric'] as const) {
        if (scheme === 'symmetric' && bits < 2) continue;
        for (const axis of [undefined, 0, -1]) {
          const shape = [6, 35];
          // Pruned-looking data: a third exact zeros, the rest spread over several magnitudes.
          const x = Float32Array.from({ length: 210 }, (_, i) => (i % 3 === 0 ? 0 : r.normal() * 10 ** ((i % 5) - 2) + (bits % 3 === 0 ? 0.7 : 0)));
          const q = quantizeUniform(x, shape, { bits, scheme, axis });
          expect(maxErrorRatio(x, q, shape)).toBeLessThanOrEqual(1);
          const qmax = scheme === 'affine' ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
          for (let i = 0; i < x.length; i++) {
            expect(q.codes[i]).toBeLessThanOrEqual(qmax);
            expect(q.codes[i]).toBeGreaterThanOrEqual(scheme === 'affine' ? 0 : -qmax);
            if (x[i] === 0) expect(q.values[i]).toBe(0);
          }
          expect(dequantizeUniform(q.codes, shape, q)).toEqual(q.values);
        }
      }
    }
  });

  it('rounds scales up to 24 − bits significant bits so (q − z)·s is exact in float32', () => {
    expect(exactScale(1, 8)).toBe(1);
    expect(exactScale(0, 8)).toBe(1);
    const s = exactScale(0.1, 16); // 8 significant bits
    expect(s).toBeGreaterThanOrEqual(0.1);
    expect(s / 0.1 - 1).toBeLessThan(2 ** -7);
    expect(s * 2 ** 11 % 1).toBe(0); // 0.1 ≈ 1.6·2⁻⁴, 8 bits → a multiple of 2⁻¹¹
    const q = quantizeUniform(Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3), [64], { bits: 16 });
    for (let i = 0; i < 64; i++) {
      const exact = (q.codes[i] - q.zeroPoint[0]) * q.scale[0];
      expect(Math.fround(exact)).toBe(exact);
    }
  });
});
