import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random';
import { gridError, searchRange } from './rangeSearch';
import { quantizeUniform, type QuantScheme } from './uniform';

const sse = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);

/** Test tensors: normal, Laplace, Student-t (ν = 3), normal with 1 % outliers at ×20, uniform. */
function sample(kind: number, n: number, rng: Rng): Float32Array {
  const laplace = () => { const u = rng.next() - 0.5; return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u) + 1e-12); };
  const studentT = () => { let chi = 0; for (let i = 0; i < 3; i++) chi += rng.normal() ** 2; return rng.normal() / Math.sqrt(chi / 3); };
  const gen = [
    () => rng.normal() * 0.1,
    () => laplace() * 0.05,
    () => studentT() * 0.05,
    () => rng.normal() * 0.1 * (rng.next() < 0.01 ? 20 : 1),
    () => rng.next() * 0.6 - 0.2,
  ][kind];
  return Float32Array.from({ length: n }, gen);
}

describe('searchRange', () => {
  it('finds the hand-computed optimum of a tiny case (3-bit symmetric: twenty 1s and one 4)', () => {
    // Codes −3…3. With step s in (1, 8/7) the 1s round to s and 4 clips to 3s:
    // E(s) = 20(s − 1)² + (4 − 3s)², minimum at s = 64/58, E = 2320/3364 ≈ 0.68966; min/max (s = 4/3) gives 20/9.
    const x = Float32Array.from({ length: 21 }, (_, i) => (i === 20 ? 4 : 1));
    const r = searchRange(x, [21], { bits: 3, scheme: 'symmetric' });
    expect(r.minmaxError[0]).toBeCloseTo(20 / 9, 5); // s is rounded up to 22 significant bits (exactScale)
    expect(r.hi[0]).toBeCloseTo((3 * 64) / 58, 3);
    expect(r.lo[0]).toBe(-r.hi[0]);
    expect(r.error[0]).toBeCloseTo(2320 / 3364, 5);
    // the quantizer built on that range has exactly the error the search scored
    const q = quantizeUniform(x, [21], { bits: 3, scheme: 'symmetric', range: r });
    expect(sse(x, q.values)).toBeCloseTo(r.error[0], 12);
    expect(q.values[20]).toBe(3 * q.scale[0]); // 4 clipped to the end code
  });

  it('is never worse than min/max on Σ(x − Q(x))²: random tensors, per tensor and per channel, affine and symmetric, 2–8 bits', () => {
    const rng = createRng(12);
    let improved = 0;
    let cases = 0;
    for (let kind = 0; kind < 5; kind++) {
      for (const scheme of ['affine', 'symmetric'] as QuantScheme[]) {
        for (const bits of [2, 3, 4, 6, 8]) {
          const shape = [3, 3, 8, 6];
          const x = sample(kind, 3 * 3 * 8 * 6, rng);
          for (const axis of [undefined, -1, 2]) {
            const r = searchRange(x, shape, { bits, scheme, axis, steps: 50 });
            const mse = quantizeUniform(x, shape, { bits, scheme, axis, range: r });
            const minmax = quantizeUniform(x, shape, { bits, scheme, axis });
            const e = sse(x, mse.values);
            const e0 = sse(x, minmax.values);
            expect(e).toBeLessThanOrEqual(e0 * (1 + 1e-9) + 1e-15);
            expect(e).toBeCloseTo(r.error.reduce((a, b) => a + b, 0), 9);
            expect(e0).toBeCloseTo(r.minmaxError.reduce((a, b) => a + b, 0), 9);
            for (let c = 0; c < r.lo.length; c++) expect(r.lo[c] <= 0 && r.hi[c] >= 0).toBe(true);
            cases++;
            if (e < e0 * 0.99) improved++;
          }
        }
      }
    }
    // and it does find better ranges (most of all at low bit widths and with heavy tails)
    expect(improved).toBeGreaterThan(cases / 2);
  });

  it('per channel equals the per-tensor search of each channel on its own', () => {
    const x = sample(2, 4 * 5, createRng(3));
    const r = searchRange(x, [4, 5], { bits: 3, axis: 1 });
    for (let c = 0; c < 5; c++) {
      const col = Float32Array.from({ length: 4 }, (_, i) => x[i * 5 + c]);
      const one = searchRange(col, [4], { bits: 3 });
      expect([r.lo[c], r.hi[c], r.error[c]]).toEqual([one.lo[0], one.hi[0], one.error[0]]);
    }
  });

  it('keeps zero exact: the searched affine grid has an integer zero-point and maps 0 to 0', () => {
    const x = sample(1, 500, createRng(5));
    x[7] = 0;
    const r = searchRange(x, [500], { bits: 4 });
    const q = quantizeUniform(x, [500], { bits: 4, range: r });
    expect(Number.isInteger(q.zeroPoint[0])).toBe(true);
    expect(q.values[7]).toBe(0);
  });

  it('minSize: channels with fewer elements keep the min/max range; larger ones are searched', () => {
    // Per channel along axis 1 of [21, 2]: channel 0 is the tiny case above (searched at minSize 21),
    // channel 1 the same values negated; at minSize 22 both keep min/max: hi = 4 and error = minmaxError = 20/9.
    const x = Float32Array.from({ length: 42 }, (_, i) => (i >> 1 === 20 ? 4 : 1) * (i % 2 ? -1 : 1));
    const opts = { bits: 3, scheme: 'symmetric' as const, axis: 1 };
    const searched = searchRange(x, [21, 2], { ...opts, minSize: 21 });
    expect(Array.from(searched.hi, (h) => +h.toFixed(3))).toEqual([+((3 * 64) / 58).toFixed(3), +((3 * 64) / 58).toFixed(3)]);
    const kept = searchRange(x, [21, 2], { ...opts, minSize: 22 });
    expect(Array.from(kept.hi)).toEqual([4, 4]);
    expect(Array.from(kept.lo)).toEqual([-4, -4]);
    expect(Array.from(kept.error)).toEqual(Array.from(kept.minmaxError));
    expect(kept.error[0]).toBeCloseTo(20 / 9, 5);
    // default 0 searches everything, as before the option
    expect(Array.from(searchRange(x, [21, 2], opts).hi)).toEqual(Array.from(searched.hi));
    expect(() => searchRange(x, [21, 2], { ...opts, minSize: -1 })).toThrow(/minSize/);
    expect(() => searchRange(x, [21, 2], { ...opts, minSize: 1.5 })).toThrow(/minSize/);
  });

  it('handles constant, all-zero, one-element and empty tensors; throws for NaN and bad options', () => {
    const zeros = searchRange(new Float32Array(6), [2, 3], { bits: 4, axis: 1 });
    expect(Array.from(zeros.error)).toEqual([0, 0, 0]);
    expect(Array.from(zeros.hi)).toEqual([0, 0, 0]);
    const constant = new Float32Array([0.3, 0.3, 0.3]);
    const c = searchRange(constant, [3], { bits: 2 });
    expect(c.error[0]).toBeLessThanOrEqual(c.minmaxError[0]);
    expect(sse(constant, quantizeUniform(constant, [3], { bits: 2, range: c }).values)).toBeCloseTo(c.error[0], 15);
    const one = searchRange(new Float32Array([-2.5]), [1], { bits: 8, scheme: 'symmetric' });
    expect(one.error[0]).toBeLessThanOrEqual(one.minmaxError[0]);
    expect(searchRange(new Float32Array(0), [0], { bits: 4 }).error[0]).toBe(0);
    expect(() => searchRange(new Float32Array([1, NaN]), [2], { bits: 4 })).toThrow(/finite/);
    expect(() => searchRange(new Float32Array([1]), [1], { bits: 1, scheme: 'symmetric' })).toThrow(/bits/);
    expect(() => searchRange(new Float32Array([1]), [1], { bits: 4, minFactor: 0 })).toThrow(/minFactor/);
    expect(() => quantizeUniform(new Float32Array([1, 2]), [1, 2], { bits: 4, axis: 1, range: { lo: [0], hi: [1] } })).toThrow(/range/);
  });

  it('gridError matches the quantizer on a min/max grid', () => {
    const x = sample(0, 200, createRng(9));
    const q = quantizeUniform(x, [200], { bits: 5 });
    const lo = Math.min(0, ...x);
    const hi = Math.max(0, ...x);
    expect(gridError(x, lo, hi, 5, 'affine')).toBeCloseTo(sse(x, q.values), 12);
  });
});
