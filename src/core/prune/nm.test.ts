import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { pruneNM } from './nm';

describe('pruneNM', () => {
  it('keeps the 2 largest of every 4 along the input axis (hand-checked)', () => {
    // Dense kernel [in=4, out=2]; groups run down each column (the input axis, rank − 2).
    const x = new Float32Array([
      1, -8,
      -3, 7,
      2, 0.5,
      0.5, -6,
    ]);
    const r = pruneNM(x, [4, 2], { n: 2, m: 4 });
    // column 0: 1 −3 2 0.5 → keep −3, 2; column 1: −8 7 0.5 −6 → keep −8, 7
    expect(Array.from(r.values)).toEqual([0, -8, -3, 7, 2, 0, 0, 0]);
    expect(Array.from(r.mask)).toEqual([0, 1, 1, 1, 1, 0, 0, 0]);
    expect(r.pruned).toBe(4);
  });

  it('supports general N:M on any axis, ties to the lower index, and a short last group', () => {
    const r = pruneNM(new Float32Array([5, 5, 5, 1, 2, 3, 9]), [7], { n: 1, m: 3, axis: 0 });
    // groups [5 5 5] → keep the last 5 (lower indices pruned first); [1 2 3] → keep 3; [9] keeps min(1, 1).
    expect(Array.from(r.mask)).toEqual([0, 0, 1, 0, 0, 1, 1]);
    expect(r.pruned).toBe(4);
    const none = pruneNM(new Float32Array([1, 2, 3, 4]), [4], { n: 4, m: 4 });
    expect(none.pruned).toBe(0);
    const all = pruneNM(new Float32Array([1, 2, 3, 4]), [4], { n: 0, m: 2 });
    expect(Array.from(all.values)).toEqual([0, 0, 0, 0]);
  });

  it('handles empty tensors and rejects bad options and non-finite weights', () => {
    expect(pruneNM(new Float32Array(0), [0, 4], { n: 2, m: 4 }).values.length).toBe(0);
    expect(() => pruneNM(new Float32Array(4), [4], { n: 3, m: 2 })).toThrow('pruneNM: n must be an integer in [0, 2], got 3');
    expect(() => pruneNM(new Float32Array(4), [4], { n: 1, m: 0 })).toThrow(/m must be an integer/);
    expect(() => pruneNM(new Float32Array(4), [4], { n: 1, m: 2, axis: 1 })).toThrow(/axis 1 is out of range/);
    expect(() => pruneNM(new Float32Array([1, -Infinity]), [2], { n: 1, m: 2 })).toThrow('pruneNM: values[1] is -Infinity; weights must be finite');
  });

  it('leaves at most n non-zeros per group and sparsity exactly (m − n)/m (random conv kernels)', () => {
    const r = createRng(4);
    for (const [n, m] of [[2, 4], [1, 4], [3, 8], [1, 2]]) {
      const shape = [3, 3, 16, 5];
      const x = Float32Array.from({ length: 3 * 3 * 16 * 5 }, () => r.normal());
      const res = pruneNM(x, shape, { n, m }); // along cin (axis 2)
      expect(res.pruned).toBe((x.length * (m - n)) / m);
      for (let o = 0; o < 9; o++) {
        for (let c = 0; c < 5; c++) {
          for (let g = 0; g < 16; g += m) {
            const group = Array.from({ length: m }, (_, j) => ({ v: x[(o * 16 + g + j) * 5 + c], k: res.mask[(o * 16 + g + j) * 5 + c] }));
            expect(group.filter((e) => e.k).length).toBe(n);
            const minKept = Math.min(...group.filter((e) => e.k).map((e) => Math.abs(e.v)));
            const maxDropped = Math.max(...group.filter((e) => !e.k).map((e) => Math.abs(e.v)));
            expect(maxDropped).toBeLessThanOrEqual(minKept);
          }
        }
      }
    }
  });
});
