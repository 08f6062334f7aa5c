import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { pruneMagnitude, pruneMagnitudeGlobal } from './magnitude';

const zeros = (x: Float32Array): number => x.reduce((c, v) => c + (v === 0 ? 1 : 0), 0);

/** Reference by sorting (|w|, tensor, index) and taking the first k: an independent method. */
function referenceMask(arrays: Float32Array[], ratio: number): Uint8Array[] {
  const all = arrays.flatMap((a, t) => Array.from(a, (v, i) => ({ m: Math.abs(v), t, i })));
  all.sort((x, y) => x.m - y.m || x.t - y.t || x.i - y.i);
  const masks = arrays.map((a) => new Uint8Array(a.length).fill(1));
  for (const e of all.slice(0, Math.round(ratio * all.length))) masks[e.t][e.i] = 0;
  return masks;
}

describe('pruneMagnitude', () => {
  it('prunes the smallest |w| in a tiny hand-checked case', () => {
    const r = pruneMagnitude(new Float32Array([0.1, -0.5, 0.3, -0.2]), [2, 2], { ratio: 0.5 });
    expect(Array.from(r.values)).toEqual([0, -0.5, 0.3, 0].map(Math.fround));
    expect(Array.from(r.mask)).toEqual([0, 1, 1, 0]);
    expect(r.pruned).toBe(2);
  });

  it('breaks ties by index and prunes exactly round(ratio·n)', () => {
    const r = pruneMagnitude(new Float32Array([1, -1, 1, 1, 1]), [5], { ratio: 0.5 }); // round(2.5) = 3
    expect(Array.from(r.mask)).toEqual([0, 0, 0, 1, 1]);
  });

  it('ratio 0 changes nothing, ratio 1 zeroes all, empty is fine', () => {
    const x = new Float32Array([0, -2, 3]);
    const r0 = pruneMagnitude(x, [3], { ratio: 0 });
    expect(r0.values).toEqual(x);
    expect(r0.values).not.toBe(x);
    expect(Array.from(r0.mask)).toEqual([1, 1, 1]);
    expect(r0.pruned).toBe(0);
    const r1 = pruneMagnitude(x, [3], { ratio: 1 });
    expect(Array.from(r1.values)).toEqual([0, 0, 0]);
    expect(pruneMagnitude(new Float32Array(0), [0], { ratio: 0.5 }).values.length).toBe(0);
    const allZero = pruneMagnitude(new Float32Array(4), [4], { ratio: 0.5 });
    expect(zeros(allZero.values)).toBe(4);
    expect(allZero.pruned).toBe(2);
    const same = pruneMagnitude(new Float32Array([7, 7, 7, 7]), [4], { ratio: 0.25 });
    expect(Array.from(same.values)).toEqual([0, 7, 7, 7]);
  });

  it('throws clear errors', () => {
    expect(() => pruneMagnitude(new Float32Array([1, NaN]), [2], { ratio: 0.5 })).toThrow('pruneMagnitude: values[1] is NaN; weights must be finite');
    expect(() => pruneMagnitude(new Float32Array([Infinity]), [1], { ratio: 0 })).toThrow('pruneMagnitude: values[0] is Infinity');
    expect(() => pruneMagnitude(new Float32Array(2), [2], { ratio: 1.5 })).toThrow('pruneMagnitude: ratio must be in [0, 1], got 1.5');
    expect(() => pruneMagnitude(new Float32Array(2), [2], { ratio: NaN })).toThrow(/ratio must be in \[0, 1\]/);
    expect(() => pruneMagnitude(new Float32Array(0), [0], { ratio: -1 })).toThrow(/ratio/);
    expect(() => pruneMagnitude(new Float32Array(3), [2], { ratio: 0 })).toThrow(/holds 2 elements/);
  });

  it('reaches the sparsity exactly and keeps the largest weights (random, with ties)', () => {
    const r = createRng(1);
    for (let t = 0; t < 40; t++) {
      const n = 1 + (r.nextUint32() % 400);
      const x = Float32Array.from({ length: n }, () => Math.round(r.normal() * 6) / 4);
      const ratio = r.next();
      const res = pruneMagnitude(x, [n], { ratio });
      expect(res.pruned).toBe(Math.round(ratio * n));
      expect(Array.from(res.mask)).toEqual(Array.from(referenceMask([x], ratio)[0]));
      const nonzeroBefore = n - zeros(x);
      expect(zeros(res.values)).toBe(Math.max(n - nonzeroBefore, Math.round(ratio * n)));
    }
  });
});

describe('pruneMagnitudeGlobal', () => {
  it('uses one threshold over all tensors (hand-checked)', () => {
    const res = pruneMagnitudeGlobal([
      { values: new Float32Array([0.1, 0.9]), shape: [2] },
      { values: new Float32Array([-0.2, 0.05, 0.5, 0.3]), shape: [2, 2] },
    ], { ratio: 0.5 });
    expect(Array.from(res[0].mask)).toEqual([0, 1]);
    expect(Array.from(res[1].mask)).toEqual([0, 0, 1, 1]);
    expect(res.map((x) => x.pruned)).toEqual([1, 2]);
  });

  it('matches a sort-based reference on random tensors and reaches sparsity exactly', () => {
    const r = createRng(2);
    for (let t = 0; t < 15; t++) {
      const arrays = Array.from({ length: 1 + (t % 4) }, () => Float32Array.from({ length: r.nextUint32() % 300 }, () => Math.round(r.normal() * 40) / 16));
      const ratio = [0, 0.3, 0.8, 1, r.next()][t % 5];
      const res = pruneMagnitudeGlobal(arrays.map((values) => ({ values, shape: [values.length] })), { ratio });
      const ref = referenceMask(arrays, ratio);
      res.forEach((p, i) => expect(Array.from(p.mask)).toEqual(Array.from(ref[i])));
      const n = arrays.reduce((s, a) => s + a.length, 0);
      expect(res.reduce((s, p) => s + p.pruned, 0)).toBe(Math.round(ratio * n));
    }
  });

  it('handles no tensors, empty tensors, and names the bad tensor', () => {
    expect(pruneMagnitudeGlobal([], { ratio: 0.5 })).toEqual([]);
    expect(pruneMagnitudeGlobal([{ values: new Float32Array(0), shape: [0] }], { ratio: 0.5 })[0].values.length).toBe(0);
    expect(() => pruneMagnitudeGlobal([{ values: new Float32Array(1), shape: [1] }, { values: new Float32Array([NaN]), shape: [1] }], { ratio: 0.5 }))
      .toThrow('pruneMagnitudeGlobal: tensor 1, values[0] is NaN; weights must be finite');
    expect(() => pruneMagnitudeGlobal([{ values: new Float32Array(2), shape: [3] }], { ratio: 0.5 })).toThrow(/tensor 0/);
  });
});
