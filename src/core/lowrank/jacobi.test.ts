import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { svdJacobi, type Svd } from './jacobi';

const f = (i: number, j: number): number => (((i * 7 + j * 13) % 11) - 5) / 4 + 1 / (i + j + 1);
const matrix = (m: number, n: number, g: (i: number, j: number) => number): Float64Array => Float64Array.from({ length: m * n }, (_, t) => g(Math.floor(t / n), t % n));

function reconstructionError(a: ArrayLike<number>, s: Svd): number {
  let worst = 0;
  for (let i = 0; i < s.m; i++) {
    for (let j = 0; j < s.n; j++) {
      let v = 0;
      for (let t = 0; t < s.p; t++) v += s.u[i * s.p + t] * s.s[t] * s.v[j * s.p + t];
      worst = Math.max(worst, Math.abs(v - a[i * s.n + j]));
    }
  }
  return worst;
}

function orthonormalityError(q: Float64Array, rows: number, cols: number, skip: (t: number) => boolean = () => false): number {
  let worst = 0;
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < cols; b++) {
      if (skip(a) || skip(b)) continue;
      let d = 0;
      for (let i = 0; i < rows; i++) d += q[i * cols + a] * q[i * cols + b];
      worst = Math.max(worst, Math.abs(d - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('svdJacobi', () => {
  it('decomposes a tiny matrix by hand: diag(3, 2) and [[1, 2], [3, 4], [5, 6]]', () => {
    const d = svdJacobi([0, 2, 3, 0], 2, 2);
    expect(Array.from(d.s)).toEqual([3, 2]);
    const s = svdJacobi([1, 2, 3, 4, 5, 6], 3, 2);
    expect(s.s[0]).toBeCloseTo(9.525518091565107, 13); // numpy
    expect(s.s[1]).toBeCloseTo(0.514300580658644, 13);
  });

  it('matches numpy singular values for tall and wide matrices (pasted)', () => {
    const tall = svdJacobi(matrix(7, 5, f), 7, 5);
    [2.8515406333822835, 2.6421250196218677, 1.6986800389490955, 1.5613791386554152, 1.261017999288806].forEach((v, i) => expect(tall.s[i]).toBeCloseTo(v, 12));
    const wide = svdJacobi(matrix(5, 9, f), 5, 9);
    expect(wide.p).toBe(5);
    [3.647151454897285, 2.9879577399910686, 1.8041415829936704, 1.555723784456514, 1.2612386844152843].forEach((v, i) => expect(wide.s[i]).toBeCloseTo(v, 12));
  });

  it('reconstructs A = UΣVᵀ with orthonormal U and V (random, tall and wide, rank-deficient)', () => {
    const r = createRng(31);
    for (const [m, n] of [[12, 5], [4, 11], [20, 20], [1, 6]]) {
      const a = Float64Array.from({ length: m * n }, () => r.normal());
      const s = svdJacobi(a, m, n);
      expect(reconstructionError(a, s)).toBeLessThan(1e-12);
      expect(orthonormalityError(s.u, m, s.p)).toBeLessThan(1e-12);
      expect(orthonormalityError(s.v, n, s.p)).toBeLessThan(1e-12);
      for (let t = 1; t < s.p; t++) expect(s.s[t]).toBeLessThanOrEqual(s.s[t - 1]);
    }
    // Rank 1: u ⊗ v; one non-zero singular value, the zero ones get zero vectors.
    const rank1 = matrix(6, 4, (i, j) => (i + 1) * (j - 1.5));
    const s1 = svdJacobi(rank1, 6, 4);
    expect(s1.s[1]).toBeLessThan(1e-13);
    expect(reconstructionError(rank1, s1)).toBeLessThan(1e-12);
  });

  it('handles empty and zero matrices; rejects bad sizes and NaN', () => {
    expect(svdJacobi([], 0, 3).p).toBe(0);
    expect(Array.from(svdJacobi(new Float64Array(6), 2, 3).s)).toEqual([0, 0]);
    expect(() => svdJacobi([1, 2, 3], 2, 2)).toThrow('svdJacobi: matrix of length 3 is not 2×2');
    expect(() => svdJacobi([1, NaN, 3, 4], 2, 2)).toThrow('svdJacobi: entry 1 is NaN; the matrix must be finite');
  });
});
