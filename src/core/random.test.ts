import { describe, expect, it } from 'vitest';
import { createRng, randomNormal, shuffledIndices } from './random';

describe('createRng (sfc32 seeded by splitmix32)', () => {
  it('matches a reference implementation (Python, pasted)', () => {
    const r = createRng(42);
    expect(Array.from({ length: 5 }, () => r.nextUint32())).toEqual([0x93a4035d, 0x88298e11, 0x368294cf, 0xca8f8b33, 0x3bf458b5]);
    const z = createRng(0);
    expect(Array.from({ length: 3 }, () => z.nextUint32())).toEqual([0x23427724, 0xa326e0cb, 0x066a84ca]);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = randomNormal(100, 1, createRng(7));
    expect(randomNormal(100, 1, createRng(7))).toEqual(a);
    expect(randomNormal(100, 1, createRng(8))).not.toEqual(a);
  });

  it('gives uniforms in [0, 1) and normals with mean 0, variance std²', () => {
    const r = createRng(3);
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < 10000; i++) {
      const u = r.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const x = randomNormal(200000, 2, createRng(11));
    let mean = 0;
    for (const v of x) mean += v / x.length;
    let v2 = 0;
    for (const v of x) v2 += (v - mean) ** 2 / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(v2).toBeCloseTo(4, 1);
  });
});

describe('shuffledIndices', () => {
  it('is a permutation of 0…n−1, the same for the same seed, and handles 0 and 1', () => {
    const a = shuffledIndices(1000, createRng(5));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffledIndices(1000, createRng(5))).toEqual(a);
    expect(shuffledIndices(1000, createRng(6))).not.toEqual(a);
    expect(shuffledIndices(0, createRng(1))).toEqual([]);
    expect(shuffledIndices(1, createRng(1))).toEqual([0]);
  });
});
