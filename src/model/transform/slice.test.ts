import { describe, expect, it } from 'vitest';
import { flattenedIndices, removedOf, sliceAxis } from './slice';

describe('slice helpers', () => {
  it('sliceAxis keeps the chosen slices of any axis (hand-checked)', () => {
    const v = Float32Array.from({ length: 12 }, (_, i) => i); // shape [2, 3, 2]
    expect(sliceAxis(v, [2, 3, 2], 1, [0, 2])).toEqual({ values: Float32Array.from([0, 1, 4, 5, 6, 7, 10, 11]), shape: [2, 2, 2] });
    expect(sliceAxis(v, [2, 3, 2], -1, [1]).values).toEqual(Float32Array.from([1, 3, 5, 7, 9, 11]));
    expect(sliceAxis(v, [2, 3, 2], 0, []).shape).toEqual([0, 3, 2]);
    expect(() => sliceAxis(v, [2, 3, 2], 1, [3])).toThrow(/out of range/);
    expect(() => sliceAxis(v, [2, 3, 2], 3, [0])).toThrow(/axis/);
  });

  it('flattenedIndices: Flatten of [H, W, C] puts channel c of position p at p·C + c', () => {
    expect(flattenedIndices([0, 2], 3, 6)).toEqual([0, 2, 3, 5]);
    expect(() => flattenedIndices([0], 3, 7)).toThrow(/positions/);
    expect(removedOf([0, 2], 4)).toEqual([1, 3]);
  });
});
