import { axisLayout, checkInt, checkShape, normalizeAxis, type Shape } from '../tensor';

/** 'affine' (asymmetric, codes 0…2ᵇ−1 with a zero-point) or 'symmetric' (signed, zero-point 0). */
export type QuantScheme = 'affine' | 'symmetric';

/** Options of {@link quantizeUniform}. */
export interface QuantOptions {
  /** Bits per code, integer 1–16 (symmetric needs ≥ 2). */
  bits: number;
  /** Default 'affine'. */
  scheme?: QuantScheme;
  /** Quantize per channel along this axis (−1 = last, the output channel of TF.js kernels); omit for one scale per tensor. */
  axis?: number;
  /**
   * Clipping range per channel (length 1 per tensor), e.g. from {@link searchRange}: the grid covers
   * [min(lo_c, 0), max(hi_c, 0)] (symmetric: ±max(−lo_c, hi_c)) instead of the values' own min/max;
   * values outside it clip to the end codes. Omit for the min/max range.
   */
  range?: { lo: ArrayLike<number>; hi: ArrayLike<number> };
}

/** The grid of one channel: step s, zero-point z and the code bounds, x̂ = (clamp(round(x/s) + z, qmin, qmax) − z)·s. */
export interface ChannelGrid {
  scale: number;
  zeroPoint: number;
  qmin: number;
  qmax: number;
}

/**
 * The grid {@link quantizeUniform} uses for a clipping range [lo, hi] (lo ≤ 0 ≤ hi is enforced by
 * widening to include 0): affine s = exactScale((hi − lo)/(2ᵇ − 1)), z = clamp(round(−lo/s), 0, 2ᵇ − 1);
 * symmetric s = exactScale(max(−lo, hi)/(2ᵇ⁻¹ − 1)), z = 0. Shared with the range search so it scores
 * exactly the grid the quantizer then builds.
 */
export function channelGrid(lo: number, hi: number, bits: number, scheme: QuantScheme): ChannelGrid {
  const a = Math.min(lo, 0);
  const b = Math.max(hi, 0);
  if (scheme === 'affine') {
    const qmax = 2 ** bits - 1;
    const scale = exactScale((b - a) / qmax, bits);
    return { scale, zeroPoint: Math.min(qmax, Math.max(0, Math.round(-a / scale))), qmin: 0, qmax };
  }
  const qmax = 2 ** (bits - 1) - 1;
  return { scale: exactScale(Math.max(-a, b) / qmax, bits - 1), zeroPoint: 0, qmin: -qmax, qmax };
}

/** Integer codes plus everything needed to map them back: x̂ = (q − z_c)·s_c. */
export interface QuantResult {
  bits: number;
  scheme: QuantScheme;
  /** Normalised channel axis, or −1 when per tensor. */
  axis: number;
  /** Codes: affine in [0, 2ᵇ−1]; symmetric in [−(2ᵇ⁻¹−1), 2ᵇ⁻¹−1]. */
  codes: Int32Array;
  /** Step size s_c per channel (length 1 per tensor), in weight units; a float32 value. */
  scale: Float32Array;
  /** Zero-point z_c per channel (the code of 0.0); always 0 when symmetric. */
  zeroPoint: Int32Array;
  /** Dequantized values x̂ = (q − z_c)·s_c, exact in float32. */
  values: Float32Array;
}

/**
 * The min/max range of each channel along `axis` (one for the whole tensor when undefined):
 * lo_c = min(x_c, 0), hi_c = max(x_c, 0), the range {@link quantizeUniform} covers by default.
 * Throws, naming `fn`, for NaN/±Inf values or a bad axis.
 */
export function channelRanges(fn: string, values: Float32Array, shape: Shape, axis?: number): { lo: Float64Array; hi: Float64Array } {
  const { outer, size, inner } = axis !== undefined ? axisLayout(fn, shape, axis) : { outer: 1, size: 1, inner: values.length };
  const lo = new Float64Array(size);
  const hi = new Float64Array(size);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c++) {
      let a = lo[c];
      let b = hi[c];
      for (let i = 0; i < inner; i++, p++) {
        const v = values[p];
        if (v - v !== 0) throw new Error(`${fn}: values[${p}] is ${v}; weights must be finite`);
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[c] = a;
      hi[c] = b;
    }
  }
  return { lo, hi };
}

/**
 * Rounds a step size up to a float32 with at most 24 − codeBits significant bits, so that
 * (q − z)·s is exact in float32 for every |q − z| < 2^codeBits: dequantization then gives the
 * same float32 bits in double (JS), float32 (TF.js, GPU) and after TF.js's code·scale + min.
 * Rounding up keeps the whole range covered; the relative change is < 2^(codeBits−24).
 */
export function exactScale(raw: number, codeBits: number): number {
  if (!(raw > 0)) return 1; // all-zero range: any step represents 0 exactly
  const r = Math.max(raw, 2 ** -100); // far below any weight; keeps the grid inside float32
  let e = Math.floor(Math.log2(r));
  if (2 ** e > r) e--;
  else if (2 ** (e + 1) <= r) e++;
  const ulp = 2 ** (e - (23 - codeBits));
  const s = Math.ceil(r / ulp) * ulp;
  if (!Number.isFinite(Math.fround(s))) throw new Error(`exactScale: step ${raw} does not fit in float32; the value range is too large`);
  return s;
}

/**
 * Uniform quantization, per tensor or per channel (Jacob et al. 2018):
 * - affine: range [lo, hi] = [min(x, 0), max(x, 0)], s = (hi − lo)/(2ᵇ − 1), z = round(−lo/s),
 *   q = clamp(round(x/s) + z, 0, 2ᵇ − 1);
 * - symmetric: s = max|x| / (2ᵇ⁻¹ − 1), z = 0, q = clamp(round(x/s), −(2ᵇ⁻¹−1), 2ᵇ⁻¹−1);
 * then x̂ = (q − z)·s, with s rounded up per {@link exactScale}. The range always contains 0
 * and 0 ↦ q = z ↦ x̂ = 0 exactly, so pruned weights stay zero. Guarantee, checked per element:
 * |x − x̂| ≤ s/2 for every x inside the range (all of them with the min/max range); with an explicit
 * `opts.range` (one [lo, hi] per channel) values outside clip to the end codes. A channel of zeros
 * gets s = 1. Throws for bits outside 1–16 (2–16 symmetric), NaN/±Inf values or ranges, a range of
 * the wrong length, or a bad axis.
 */
export function quantizeUniform(values: Float32Array, shape: Shape, opts: QuantOptions): QuantResult {
  const fn = 'quantizeUniform';
  checkShape(fn, values, shape);
  const scheme = opts.scheme ?? 'affine';
  if (scheme !== 'affine' && scheme !== 'symmetric') throw new Error(`${fn}: scheme must be 'affine' or 'symmetric', got ${String(scheme)}`);
  const bits = checkInt(fn, 'bits', opts.bits, scheme === 'symmetric' ? 2 : 1, 16);
  const perChannel = opts.axis !== undefined;
  const { outer, size, inner } = perChannel ? axisLayout(fn, shape, opts.axis as number) : { outer: 1, size: 1, inner: values.length };
  const axis = perChannel ? normalizeAxis(fn, opts.axis as number, shape.length) : -1;
  const { lo, hi } = channelRanges(fn, values, shape, opts.axis);
  if (opts.range) {
    const r = opts.range;
    if (r.lo.length !== size || r.hi.length !== size) throw new Error(`${fn}: range needs ${size} lo and hi values (one per channel), got ${r.lo.length} and ${r.hi.length}`);
    for (let c = 0; c < size; c++) {
      if (!Number.isFinite(r.lo[c]) || !Number.isFinite(r.hi[c])) throw new Error(`${fn}: range of channel ${c} is [${r.lo[c]}, ${r.hi[c]}]; it must be finite`);
      lo[c] = r.lo[c];
      hi[c] = r.hi[c];
    }
  }
  const qmax = scheme === 'affine' ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  const qmin = scheme === 'affine' ? 0 : -qmax;
  const scale = new Float32Array(size);
  const zeroPoint = new Int32Array(size);
  for (let c = 0; c < size; c++) {
    const g = channelGrid(lo[c], hi[c], bits, scheme);
    scale[c] = g.scale;
    zeroPoint[c] = g.zeroPoint;
  }
  const codes = new Int32Array(values.length);
  const out = new Float32Array(values.length);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c++) {
      const s = scale[c];
      const z = zeroPoint[c];
      const half = s / 2;
      const inv = 1 / s;
      for (let i = 0; i < inner; i++, p++) {
        const x = values[p];
        let q = Math.floor(x * inv + 0.5) + z; // round half up; floor is cheaper than Math.round in V8
        q = q < qmin ? qmin : q > qmax ? qmax : q;
        // x·(1/s) is rounded twice in double; on a near-tie that can pick the far code. x − x̂ is
        // exact (both float32), so test it and step back: this makes |x − x̂| ≤ s/2 a guarantee.
        const r = x - (q - z) * s;
        if (r > half && q < qmax) q++;
        else if (r < -half && q > qmin) q--;
        codes[p] = q;
        out[p] = (q - z) * s;
      }
    }
  }
  return { bits, scheme, axis, codes, scale, zeroPoint, values: out };
}

/**
 * Dequantizes codes: x̂ᵢ = (qᵢ − z_c)·s_c with c the channel of element i along `axis`
 * (−1 = per tensor, one scale). Returns float32 values, bit-identical to quantizeUniform's.
 */
export function dequantizeUniform(codes: ArrayLike<number>, shape: Shape, params: { axis: number; scale: ArrayLike<number>; zeroPoint: ArrayLike<number> }): Float32Array {
  const fn = 'dequantizeUniform';
  checkShape(fn, codes, shape);
  const { outer, size, inner } = params.axis >= 0 ? axisLayout(fn, shape, params.axis) : { outer: 1, size: 1, inner: codes.length };
  if (params.scale.length !== size || params.zeroPoint.length !== size) throw new Error(`${fn}: expected ${size} scales and zero-points, got ${params.scale.length} and ${params.zeroPoint.length}`);
  const out = new Float32Array(codes.length);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c++) {
      const s = params.scale[c];
      const z = params.zeroPoint[c];
      for (let i = 0; i < inner; i++, p++) out[p] = (codes[p] - z) * s;
    }
  }
  return out;
}
