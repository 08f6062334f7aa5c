import { describe, expect, it } from 'vitest';
import { createRng } from './random';
import { maskSmallestMagnitude, selectMagnitude } from './select';

/** Reference: sort |x| (an independent method) and read rank k. */
function bySort(arrays: Float32Array[], k: number): { value: number; below: number } {
  const all = arrays.flatMap((a) => Array.from(a, Math.abs)).sort((x, y) => x - y);
  return { value: all[k], below: all.findIndex((v) => v === all[k]) };
}

describe('selectMagnitude (radix select on |x|)', () => {
  it('finds ranks in a tiny hand-checked case', () => {
    const x = new Float32Array([3, -1, 2, -5, 0, 2]);
    // |x| sorted: 0 1 2 2 3 5
    expect(selectMagnitude([x], 0)).toMatchObject({ value: 0, below: 0 });
    expect(selectMagnitude([x], 1)).toMatchObject({ value: 1, below: 1 });
    expect(selectMagnitude([x], 3)).toMatchObject({ value: 2, below: 2 });
    expect(selectMagnitude([x], 5)).toMatchObject({ value: 5, below: 5 });
    expect(selectMagnitude([new Float32Array([-0, 0, -0.5])], 1)).toMatchObject({ value: 0, below: 0 });
  });

  it('rejects NaN, ±Inf, empty input and bad ranks', () => {
    expect(() => selectMagnitude([new Float32Array([1, NaN])], 0)).toThrow('selectMagnitude: values[1] is NaN; weights must be finite');
    expect(() => selectMagnitude([new Float32Array([1]), new Float32Array([-Infinity])], 0)).toThrow('selectMagnitude: tensor 1, values[0] is -Infinity');
    expect(() => selectMagnitude([new Float32Array(0)], 0)).toThrow('selectMagnitude: rank k must be an integer in [0, 0), got 0');
    expect(() => selectMagnitude([new Float32Array(3)], 3)).toThrow(/rank k/);
    expect(() => selectMagnitude([new Float32Array(3)], 1.5)).toThrow(/rank k/);
  });

  it('agrees with sorting on random data with many ties, across several arrays', () => {
    const r = createRng(5);
    for (let trial = 0; trial < 30; trial++) {
      const arrays = Array.from({ length: 1 + (trial % 3) }, () =>
        Float32Array.from({ length: r.nextUint32() % 500 }, () => Math.round(r.normal() * (trial % 2 ? 4 : 1000)) / 8));
      const n = arrays.reduce((s, a) => s + a.length, 0);
      if (n === 0) continue;
      for (const k of [0, n >> 1, n - 1, r.nextUint32() % n]) {
        const got = selectMagnitude(arrays, k);
        expect({ value: got.value, below: got.below }).toEqual(bySort(arrays, k));
      }
    }
  });

  it('masks exactly k elements, ties by array then index', () => {
    const a = new Float32Array([1, -1, 2]);
    const b = new Float32Array([1, 0.5]);
    const masks = [new Uint8Array(3), new Uint8Array(2)];
    maskSmallestMagnitude([a, b], 3, masks);
    // 0.5 first, then the ties at |1| in order: a[0], a[1]; b[0] survives.
    expect(Array.from(masks[0])).toEqual([0, 0, 1]);
    expect(Array.from(masks[1])).toEqual([1, 0]);
    maskSmallestMagnitude([a, b], 0, masks);
    expect(Array.from(masks[0])).toEqual([1, 1, 1]);
  });
});
