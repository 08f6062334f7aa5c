import { describe, expect, it } from 'vitest';
import { assertFinite, axisLayout, checkShape, matrixView, normalizeAxis, sizeOf } from './tensor';

describe('tensor helpers', () => {
  it('computes sizes and layouts by hand', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([3, 3, 64, 128])).toBe(73728);
    expect(sizeOf([4, 0, 2])).toBe(0);
    expect(axisLayout('t', [2, 3, 4], 1)).toEqual({ outer: 2, size: 3, inner: 4 });
    expect(axisLayout('t', [2, 3, 4], -1)).toEqual({ outer: 6, size: 4, inner: 1 });
    expect(matrixView([5, 5, 20, 50])).toEqual({ rows: 500, cols: 50 });
    expect(matrixView([7])).toEqual({ rows: 1, cols: 7 });
    expect(matrixView([])).toEqual({ rows: 1, cols: 1 });
    expect(normalizeAxis('t', -2, 4)).toBe(2);
  });

  it('rejects bad shapes, axes and non-finite values with a specific message', () => {
    expect(() => sizeOf([2, -1])).toThrow('sizeOf: dimension -1 in [2, -1] is not a non-negative integer');
    expect(() => sizeOf([2.5])).toThrow(/not a non-negative integer/);
    expect(() => checkShape('f', new Float32Array(5), [2, 3])).toThrow('f: values has length 5 but shape [2, 3] holds 6 elements');
    expect(() => normalizeAxis('f', 3, 3)).toThrow('f: axis 3 is out of range for a rank-3 tensor');
    expect(() => normalizeAxis('f', -4, 3)).toThrow(/out of range/);
    expect(() => assertFinite('f', new Float32Array([1, NaN]))).toThrow('f: values[1] is NaN; weights must be finite');
    expect(() => assertFinite('f', new Float32Array([Infinity]))).toThrow('f: values[0] is Infinity');
    expect(() => assertFinite('f', new Float32Array([0, -Infinity]))).toThrow('f: values[1] is -Infinity');
    expect(() => assertFinite('f', new Float32Array([0, -0, 3e38, 1e-45]))).not.toThrow();
  });
});
