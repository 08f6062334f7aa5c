import { describe, expect, it } from 'vitest';
import { createRng, randomNormal } from '../random';
import { sortFloat32 } from '../sort';
import { linearInit, lloyd, partition, prepareSorted, rangeSse, splitWorst, upperBound } from './lloyd1d';

describe('Lloyd on sorted 1-D data', () => {
  it('computes ranges, means and errors by hand', () => {
    const d = prepareSorted(new Float32Array([0, 1, 2, 10, 12]));
    expect(Array.from(partition(d, Float64Array.from([1, 11])))).toEqual([3, 5]); // midpoint 6
    expect(rangeSse(d, 0, 3, 1)).toBe(2); // (0−1)² + 0 + (2−1)²
    const r = lloyd(d, Float64Array.from([0, 12]), 100);
    expect(Array.from(r.c)).toEqual([1, 11]);
    expect(r.sse).toBe(4);
    expect(Array.from(linearInit(d, 3))).toEqual([0, 6, 12]);
  });

  it('finds upper bounds by galloping from any guess', () => {
    const a = new Float32Array([1, 2, 2, 2, 3, 5, 8, 8, 9]);
    for (const v of [0, 1, 2, 2.5, 8, 9, 10]) {
      const expected = a.findIndex((x) => x > v) === -1 ? a.length : a.findIndex((x) => x > v);
      for (let guess = 0; guess <= a.length; guess++) expect(upperBound(a, v, 0, a.length, guess)).toBe(expected);
    }
    expect(upperBound(a, 2, 4, 9, 0)).toBe(4); // clamped to the range
  });

  it('never increases the error: per iteration, and when a cluster is split', () => {
    const d = prepareSorted(sortFloat32(randomNormal(20000, 1, createRng(26))));
    let c = linearInit(d, 6);
    let prev = Infinity;
    for (let it = 0; it < 20; it++) {
      const r = lloyd(d, c, 1);
      expect(r.sse).toBeLessThanOrEqual(prev * (1 + 1e-12));
      prev = r.sse;
      c = r.c;
    }
    const split = splitWorst(d, c);
    expect(split.length).toBe(7);
    expect(lloyd(d, split, 0).sse).toBeLessThanOrEqual(prev);
  });
});
