import { describe, expect, it } from 'vitest';
import { createRng, randomNormal } from '../random';
import { lowRankConv, truncatedSvd } from './svd';

const cauchy = Float32Array.from({ length: 300 * 200 }, (_, t) => 1 / (1 + 0.5 * Math.floor(t / 200) + (t % 200)));

function product(a: Float32Array, b: Float32Array, m: number, r: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let t = 0; t < r; t++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * r + t] * b[t * n + j];
  return out;
}
const frob2 = (x: ArrayLike<number>, y: ArrayLike<number>): number => Array.from(x).reduce((s, v, i) => s + (v - y[i]) ** 2, 0);

describe('truncatedSvd', () => {
  it('factors a tiny rank-1 matrix exactly with √σ split (hand-checked)', () => {
    // [[3, 0], [0, 0]] = (√3·e₁)(√3·e₁ᵀ)
    const r = truncatedSvd(new Float32Array([3, 0, 0, 0]), 2, 2, { rank: 1 });
    expect(Math.abs(r.a[0])).toBeCloseTo(Math.sqrt(3), 6);
    expect(r.a[0] * r.b[0]).toBeCloseTo(3, 6);
    expect(r.energy).toBe(1);
    expect(r.method).toBe('exact');
  });

  it('gives the best rank-r error ‖A − AB‖² = Σ_{i≥r} σᵢ² (Eckart–Young), exact and randomised', () => {
    const m = 40;
    const n = 30;
    const w = randomNormal(m * n, 1, createRng(40));
    const full = truncatedSvd(w, m, n, { rank: n, method: 'exact' });
    const s = full.singularValues;
    expect(frob2(product(full.a, full.b, m, n, n), w)).toBeLessThan(1e-8);
    for (const r of [1, 5, 17]) {
      const t = truncatedSvd(w, m, n, { rank: r });
      let tail = 0;
      for (let i = r; i < n; i++) tail += s[i] ** 2;
      expect(frob2(product(t.a, t.b, m, r, n), w)).toBeCloseTo(tail, 3);
      const rnd = truncatedSvd(w, m, n, { rank: r, method: 'randomized', powerIters: 4, oversample: 10 });
      expect(frob2(product(rnd.a, rnd.b, m, r, n), w)).toBeLessThan(tail * 1.05 + 1e-6);
    }
  });

  it('chooses the rank by retained energy (numpy: cumulative energy 0.98712, 0.99909 at r = 2, 3)', () => {
    const e = truncatedSvd(cauchy, 300, 200, { energy: 0.99, method: 'exact' });
    expect(e.rank).toBe(3);
    expect(e.energy).toBeCloseTo(0.9990929657119514, 6);
    const r = truncatedSvd(cauchy, 300, 200, { energy: 0.99, method: 'randomized', maxRank: 20 });
    expect(r.rank).toBe(3);
    expect(truncatedSvd(cauchy, 300, 200, { energy: 1e-9 }).rank).toBe(1);
    expect(truncatedSvd(new Float32Array(6), 2, 3, { energy: 0.5 })).toMatchObject({ rank: 1, energy: 1 });
  });

  it('reshapes conv kernels [kh, kw, cin, cout] to [kh·kw·cin, cout]', () => {
    const w = randomNormal(3 * 3 * 4 * 8, 0.1, createRng(41));
    const r = lowRankConv(w, [3, 3, 4, 8], { rank: 2 });
    expect(r.m).toBe(36);
    expect(r.n).toBe(8);
    expect(r.shapeA).toEqual([3, 3, 4, 2]);
    expect(r.shapeB).toEqual([1, 1, 2, 8]);
    expect(lowRankConv(new Float32Array(12), [4, 3], { rank: 1 }).shapeB).toEqual([1, 3]);
  });

  it('rejects bad options, empty matrices and non-finite weights', () => {
    const w = new Float32Array(6);
    expect(() => truncatedSvd(w, 2, 3, {})).toThrow('truncatedSvd: give exactly one of rank and energy');
    expect(() => truncatedSvd(w, 2, 3, { rank: 1, energy: 0.5 })).toThrow(/exactly one/);
    expect(() => truncatedSvd(w, 2, 3, { rank: 3 })).toThrow('truncatedSvd: rank must be an integer in [1, 2], got 3');
    expect(() => truncatedSvd(w, 2, 3, { energy: 1.5 })).toThrow('truncatedSvd: energy must be in (0, 1], got 1.5');
    expect(() => truncatedSvd(new Float32Array(0), 0, 3, { rank: 1 })).toThrow('truncatedSvd: an empty 0×3 matrix has no factorisation');
    expect(() => truncatedSvd(new Float32Array([1, NaN]), 1, 2, { rank: 1 })).toThrow('truncatedSvd: values[1] is NaN; weights must be finite');
    expect(() => lowRankConv(new Float32Array(3), [3], { rank: 1 })).toThrow(/rank ≥ 2/);
  });
});
