import { describe, expect, it } from 'vitest';
import { svdRandomized } from './randomized';

const cauchy = Float64Array.from({ length: 300 * 200 }, (_, t) => 1 / (1 + 0.5 * Math.floor(t / 200) + (t % 200)));
// numpy.linalg.svd of the 300×200 Cauchy matrix 1/(1 + i/2 + j), first 10 singular values.
const CAUCHY_S = [3.0638536714122204, 1.2046551343449021, 0.36251697954333245, 0.09670624543280873, 0.023955896073424843,
  0.005604558183127498, 0.001249187066673405, 0.000266749175605312, 5.4791103186080256e-05, 1.085863597289097e-05];

describe('svdRandomized (Halko–Martinsson–Tropp)', () => {
  it('recovers a tiny rank-1 matrix exactly', () => {
    const s = svdRandomized([1, 2, 2, 4, 3, 6], 3, 2, { rank: 1, oversample: 0 });
    expect(s.s[0]).toBeCloseTo(Math.sqrt(14 * 5), 12);
  });

  it('matches numpy singular values of a fast-decaying matrix (pasted)', () => {
    const s = svdRandomized(cauchy, 300, 200, { rank: 10, seed: 4 });
    CAUCHY_S.forEach((v, i) => expect(Math.abs(s.s[i] - v) / v).toBeLessThan(1e-6));
  });

  it('is seeded and deterministic; gives orthonormal U', () => {
    const a = svdRandomized(cauchy, 300, 200, { rank: 5, seed: 7, powerIters: 1 });
    const b = svdRandomized(cauchy, 300, 200, { rank: 5, seed: 7, powerIters: 1 });
    expect(a.s).toEqual(b.s);
    for (let x = 0; x < 5; x++) {
      let d = 0;
      for (let i = 0; i < 300; i++) d += a.u[i * a.p + x] ** 2;
      expect(d).toBeCloseTo(1, 10);
    }
  });

  it('rejects bad ranks and options', () => {
    expect(() => svdRandomized(cauchy, 300, 200, { rank: 0 })).toThrow('svdRandomized: rank must be an integer in [1, 200], got 0');
    expect(() => svdRandomized(cauchy, 300, 200, { rank: 2, powerIters: -1 })).toThrow(/non-negative integers/);
    expect(() => svdRandomized([1, Infinity], 1, 2, { rank: 1 })).toThrow('svdRandomized: entry 1 is Infinity; the matrix must be finite');
  });
});
