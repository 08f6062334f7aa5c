import { describe, expect, it } from 'vitest';
import { createRng, randomNormal } from '../random';
import { kmeans1d, type KMeansResult } from './kmeans1d';

const sse = (x: Float32Array, r: KMeansResult): number => x.reduce((s, v, i) => s + (v - r.values[i]) ** 2, 0);

describe('kmeans1d', () => {
  it('clusters a tiny case by hand', () => {
    const r = kmeans1d(new Float32Array([1, 5, 1.5, 5.5]), [4], { k: 2 });
    expect(Array.from(r.codebook)).toEqual([1.25, 5.25]);
    expect(Array.from(r.indices)).toEqual([0, 1, 0, 1]);
    expect(Array.from(r.values)).toEqual([1.25, 5.25, 1.25, 5.25]);
    expect(r.zeroIndex).toBe(-1);
    expect(r.sse).toBeCloseTo(4 * 0.0625, 12);
  });

  it('keeps zero as its own centroid, excluded from the others', () => {
    const x = new Float32Array([0, -1, 0, 0.5, 0.75, 3, 0]);
    const r = kmeans1d(x, [7], { k: 3 });
    // Non-zeros {−1, 0.5, 0.75, 3} in 2 clusters: {−1, 0.5, 0.75} → 0.25/3, {3}; the zeros alone.
    expect(Array.from(r.codebook)).toEqual([0, Math.fround(0.25 / 3), 3]);
    expect(r.zeroIndex).toBeGreaterThanOrEqual(0);
    expect(r.codebook[r.zeroIndex]).toBe(0);
    for (let i = 0; i < x.length; i++) if (x[i] === 0) expect(r.indices[i]).toBe(r.zeroIndex);
    const free = kmeans1d(x, [7], { k: 3, keepZero: false });
    expect(free.zeroIndex).toBe(-1);
  });

  it('lies between numpy Lloyd from linear init and the exact DP optimum (both pasted)', () => {
    const x = Float32Array.from({ length: 60 }, (_, i) => ((i * 37) % 101) / 100 - 0.5 + (i % 3 === 0 ? 0.3 : 0));
    // Optimal 1-D k-means by O(k·n²) DP, and the error of plain numpy Lloyd from linear init.
    // c: the centroids we must find — the optimum for k = 2 and 5 (the split chain reaches it), and
    // numpy's linear-init Lloyd fixed point for k = 3 (a local optimum; the DP one is 0.92056).
    const ref: Record<number, { c: number[]; sse: number; lloydLinearSse: number }> = {
      2: { c: [-0.1770000010728836, 0.367333322763443], sse: 1.8574166605708533, lloydLinearSse: 1.8577390378379883 },
      3: { c: [-0.261904776096344, 0.1295454502105713, 0.49176469445228577], sse: 0.9205633775022041, lloydLinearSse: 0.9244663046856602 },
      5: { c: [-0.35999998450279236, -0.0806666687130928, 0.16357143223285675, 0.3978571593761444, 0.6759999990463257], sse: 0.316970474516483, lloydLinearSse: 0.3169704745164831 },
    };
    for (const k of [2, 3, 5]) {
      const r = kmeans1d(x, [60], { k, keepZero: false });
      r.codebook.forEach((c, j) => expect(c).toBeCloseTo(ref[k].c[j], 6));
      expect(r.sse).toBeGreaterThanOrEqual(ref[k].sse - 1e-7);
      expect(r.sse).toBeLessThanOrEqual(ref[k].lloydLinearSse + 1e-7);
    }
  });

  it('handles empty, all-zero, single-valued and few-distinct inputs', () => {
    const e = kmeans1d(new Float32Array(0), [0], { k: 4 });
    expect(e.codebook.length).toBe(0);
    expect(e.indices.length).toBe(0);
    const z = kmeans1d(new Float32Array(6), [2, 3], { k: 4 });
    expect(Array.from(z.codebook)).toEqual([0]);
    expect(z.sse).toBe(0);
    const one = kmeans1d(new Float32Array([2.5, 2.5, 2.5]), [3], { k: 1 });
    expect(Array.from(one.values)).toEqual([2.5, 2.5, 2.5]);
    const few = kmeans1d(new Float32Array([1, 2, 1, 2, 3]), [5], { k: 8 });
    expect(Array.from(few.codebook)).toEqual([1, 2, 3]);
    expect(few.sse).toBe(0);
  });

  it('throws clear errors for NaN, ±Inf and bad k', () => {
    expect(() => kmeans1d(new Float32Array([1, NaN]), [2], { k: 2 })).toThrow('kmeans1d: values[1] is NaN; weights must be finite');
    expect(() => kmeans1d(new Float32Array([Infinity]), [1], { k: 2 })).toThrow('kmeans1d: values[0] is Infinity');
    expect(() => kmeans1d(new Float32Array(2), [2], { k: 0 })).toThrow('kmeans1d: k must be an integer in [1, 65536], got 0');
    expect(() => kmeans1d(new Float32Array(2), [2], { k: 70000 })).toThrow(/k must be an integer/);
    expect(() => kmeans1d(new Float32Array([0, 1]), [2], { k: 1 })).toThrow('kmeans1d: k must be ≥ 2 to keep zero as its own centroid next to non-zero weights');
    expect(() => kmeans1d(new Float32Array(2), [2], { k: 2, init: 'random' as 'linear' })).toThrow(/init must be/);
  });

  it('reaches a Lloyd fixed point: nearest-centroid assignment and centroid = cluster mean', () => {
    const x = randomNormal(5000, 0.1, createRng(21));
    for (const init of ['linear', 'kmeans++'] as const) {
      const r = kmeans1d(x, [5000], { k: 8, init, seed: 3 });
      const sums = new Float64Array(8);
      const counts = new Float64Array(8);
      for (let i = 0; i < x.length; i++) {
        const d = Math.abs(x[i] - r.codebook[r.indices[i]]);
        for (const c of r.codebook) expect(d).toBeLessThanOrEqual(Math.abs(x[i] - c));
        sums[r.indices[i]] += x[i];
        counts[r.indices[i]]++;
      }
      r.codebook.forEach((c, j) => counts[j] && expect(c).toBeCloseTo(sums[j] / counts[j], 6));
      expect(r.sse).toBeCloseTo(sse(x, r), 9);
    }
  });

  it('never increases the error as k grows, and keeps pruned zeros exactly', () => {
    const r = createRng(22);
    for (const sparsity of [0, 0.5, 0.9]) {
      const x = randomNormal(20000, 0.05, r).map((v) => (r.next() < sparsity ? 0 : v));
      let prev = Infinity;
      for (let k = 2; k <= 32; k++) {
        const res = kmeans1d(x, [x.length], { k });
        expect(res.sse).toBeLessThanOrEqual(prev * (1 + 1e-9));
        prev = res.sse;
        for (let i = 0; i < x.length; i++) if ((x[i] === 0) !== (res.values[i] === 0)) throw new Error(`sparsity changed at ${i}, k ${k}`);
      }
    }
  });

  it('is deterministic for k-means++ given a seed', () => {
    const x = randomNormal(3000, 1, createRng(5));
    const a = kmeans1d(x, [3000], { k: 16, init: 'kmeans++', seed: 9 });
    expect(kmeans1d(x, [3000], { k: 16, init: 'kmeans++', seed: 9 }).codebook).toEqual(a.codebook);
    expect(a.codebook.length).toBe(16);
  });
});
