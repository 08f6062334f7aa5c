import { axisLayout, checkInt, checkRange, checkShape, type Shape } from '../tensor';
import { channelGrid, type QuantScheme } from './uniform';

/** Options of {@link searchRange}. */
export interface RangeSearchOptions {
  /** Bits per code, integer 1–16 (symmetric needs ≥ 2), as for quantizeUniform. */
  bits: number;
  /** Default 'affine'. */
  scheme?: QuantScheme;
  /** One range per channel along this axis (−1 = last); omit for one range per tensor. */
  axis?: number;
  /** Grid steps of the shrink factor α from 1 down to `minFactor` (default 100). */
  steps?: number;
  /** Smallest shrink factor tried, in (0, 1] (default 0.2). */
  minFactor?: number;
  /**
   * Channels (or a tensor) with fewer elements than this keep the min/max range, unsearched
   * (integer ≥ 0; default 0: search all). Why: on a 3×3 filter the weight-MSE optimum clips the
   * largest of 9 taps. fashion-cnn, 3 bits per channel, top-1 mean of 8 grids (scripts/diagnose-ptq.ts
   * --part lottery): affine min/max 88.54 %, all searched 85.70 %, minSize 17 88.26 %; symmetric
   * 86.06 / 85.33 / 86.97 %.
   */
  minSize?: number;
}

/** Per channel (length 1 per tensor): the chosen range and its squared error next to min/max's. */
export interface RangeSearchResult {
  /** Lower clipping bound lo_c ≤ 0 (symmetric: −c). */
  lo: Float64Array;
  /** Upper clipping bound hi_c ≥ 0 (symmetric: +c). */
  hi: Float64Array;
  /** Σ(x − Q(x))² over the channel with the chosen range, in squared weight units. */
  error: Float64Array;
  /** The same sum with the min/max range (α = 1), for comparison: error ≤ minmaxError always. */
  minmaxError: Float64Array;
}

/** Σ(x − x̂)² of `x` on the grid of [lo, hi], with exactly quantizeUniform's rounding (half up, near-tie fix, clamp to the end codes). */
export function gridError(x: ArrayLike<number>, lo: number, hi: number, bits: number, scheme: QuantScheme): number {
  const { scale: s, zeroPoint: z, qmin, qmax } = channelGrid(lo, hi, bits, scheme);
  const inv = 1 / s;
  const half = s / 2;
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    let q = Math.floor(x[i] * inv + 0.5) + z;
    q = q < qmin ? qmin : q > qmax ? qmax : q;
    let d = x[i] - (q - z) * s;
    // the same near-tie step back as quantizeUniform, so this is exactly its error
    if (d > half && q < qmax) d -= s;
    else if (d < -half && q > qmin) d += s;
    e += d * d;
  }
  return e;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * MSE clipping-range search (the "MSE observer" of PTQ libraries): per tensor or per channel, the
 * range [α·lo, α·hi] (lo = min(x, 0), hi = max(x, 0); symmetric: ±α·max|x|) that minimises
 * Σ(x − Q(x))², Q the exact grid quantizeUniform builds for that range (zero exactly representable,
 * integer zero-point, values beyond the range clipped to the end codes). α runs over a grid of
 * `steps` + 1 values from 1 down to `minFactor`, then a golden-section search refines it in the
 * bracket around the best grid point; the best range evaluated wins, and α = 1 (min/max) is always
 * one of them, so the result is never worse than min/max on this objective. Cost ≈ (steps + 25)
 * passes over the tensor. Channels smaller than `minSize` keep α = 1. Throws for NaN/±Inf values,
 * bad bits, steps, minFactor or minSize, or a bad axis.
 */
export function searchRange(values: Float32Array, shape: Shape, opts: RangeSearchOptions): RangeSearchResult {
  const fn = 'searchRange';
  checkShape(fn, values, shape);
  const scheme = opts.scheme ?? 'affine';
  if (scheme !== 'affine' && scheme !== 'symmetric') throw new Error(`${fn}: scheme must be 'affine' or 'symmetric', got ${String(scheme)}`);
  const bits = checkInt(fn, 'bits', opts.bits, scheme === 'symmetric' ? 2 : 1, 16);
  const steps = checkInt(fn, 'steps', opts.steps ?? 100, 1, 100000);
  const minFactor = checkRange(fn, 'minFactor', opts.minFactor ?? 0.2, Number.MIN_VALUE, 1);
  const minSize = checkInt(fn, 'minSize', opts.minSize ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const { outer, size, inner } = opts.axis !== undefined ? axisLayout(fn, shape, opts.axis) : { outer: 1, size: 1, inner: values.length };
  const search = outer * inner >= minSize;
  const res: RangeSearchResult = { lo: new Float64Array(size), hi: new Float64Array(size), error: new Float64Array(size), minmaxError: new Float64Array(size) };
  const x = new Float32Array(outer * inner);
  for (let c = 0; c < size; c++) {
    // Gather channel c (strided when the axis is not the first) into one contiguous buffer.
    let lo = 0;
    let hi = 0;
    for (let o = 0, k = 0; o < outer; o++) {
      const base = (o * size + c) * inner;
      for (let i = 0; i < inner; i++, k++) {
        const v = values[base + i];
        if (v - v !== 0) throw new Error(`${fn}: values[${base + i}] is ${v}; weights must be finite`);
        x[k] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (scheme === 'symmetric') { hi = Math.max(-lo, hi); lo = -hi; }
    const err = (a: number) => gridError(x, a * lo, a * hi, bits, scheme);
    let bestA = 1;
    let best = err(1);
    res.minmaxError[c] = best;
    const step = (1 - minFactor) / steps;
    if (search && hi - lo > 0) {
      for (let k = 1; k <= steps; k++) {
        const a = 1 - k * step;
        const e = err(a);
        if (e < best) { best = e; bestA = a; }
      }
      // Golden-section refine in the bracket of the best grid point; the objective is only roughly
      // unimodal (rounding makes it piecewise), so keep the best point seen rather than trust the bracket.
      let a = Math.max(minFactor, bestA - step);
      let b = Math.min(1, bestA + step);
      let m1 = b - GOLDEN * (b - a);
      let m2 = a + GOLDEN * (b - a);
      let e1 = err(m1);
      let e2 = err(m2);
      for (let it = 0; it < 20; it++) {
        if (e1 < best) { best = e1; bestA = m1; }
        if (e2 < best) { best = e2; bestA = m2; }
        if (e1 <= e2) { b = m2; m2 = m1; e2 = e1; m1 = b - GOLDEN * (b - a); e1 = err(m1); }
        else { a = m1; m1 = m2; e1 = e2; m2 = a + GOLDEN * (b - a); e2 = err(m2); }
      }
      if (e1 < best) { best = e1; bestA = m1; }
      if (e2 < best) { best = e2; bestA = m2; }
    }
    res.lo[c] = bestA * lo;
    res.hi[c] = bestA * hi;
    res.error[c] = best;
  }
  return res;
}
