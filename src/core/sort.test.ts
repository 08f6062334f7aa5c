import { describe, expect, it } from 'vitest';
import { createRng } from './random';
import { sortFloat32 } from './sort';

describe('sortFloat32 (LSD radix)', () => {
  it('sorts a tiny case, with −0 before +0 and ±Inf at the ends', () => {
    const got = sortFloat32(new Float32Array([3, -1, 0, -0, Infinity, -2.5, 1e-45, -Infinity]));
    expect(Array.from(got)).toEqual([-Infinity, -2.5, -1, -0, 0, Math.fround(1e-45), 3, Infinity]);
    expect(Object.is(got[3], -0)).toBe(true);
  });

  it('handles empty, constant and does not modify its input', () => {
    expect(sortFloat32(new Float32Array(0)).length).toBe(0);
    expect(Array.from(sortFloat32(new Float32Array([2, 2, 2])))).toEqual([2, 2, 2]);
    const x = new Float32Array([2, 1]);
    sortFloat32(x);
    expect(Array.from(x)).toEqual([2, 1]);
  });

  it('matches the built-in numeric sort on random data', () => {
    const r = createRng(9);
    for (const n of [1, 7, 1000, 50000]) {
      const x = Float32Array.from({ length: n }, () => r.normal() * 10 ** ((r.nextUint32() % 20) - 10));
      expect(sortFloat32(x)).toEqual(x.slice().sort());
    }
  });
});
