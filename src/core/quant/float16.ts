/**
 * IEEE-754 binary16 ("half", float16) ⇄ binary32 conversion on bit patterns, as TF.js's
 * `float16` weight dtype and WebGPU `f16` store them. Half: 1 sign bit, 5 exponent bits
 * (bias 15), 10 mantissa bits; normal value (−1)ˢ·2^(e−15)·(1 + m/1024), subnormal
 * (−1)ˢ·m·2⁻²⁴, largest finite 65504, smallest subnormal 2⁻²⁴ ≈ 5.96e−8.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Converts float32 bits to float16 bits with round-to-nearest, ties-to-even; handles
 * subnormal results, underflow to ±0, overflow to ±Inf (|x| ≥ 65520), ±Inf, and NaN
 * (payload's top 10 bits kept, as numpy does, forced non-zero so NaN stays NaN).
 */
export function float32BitsToFloat16Bits(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00;
    const m = mant >>> 13;
    return sign | 0x7c00 | (m === 0 ? 1 : m);
  }
  const e = exp - 127; // unbiased exponent; float32 subnormals (exp 0) fall under e < −25
  if (e >= 16) return sign | 0x7c00;
  if (e >= -14) {
    const h = ((e + 15) << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    // A carry out of the mantissa bumps the exponent, and past 30 gives exactly Inf (0x7c00).
    return sign | (rem > 0x1000 || (rem === 0x1000 && (h & 1)) ? h + 1 : h);
  }
  if (e < -25) return sign;
  const sig = 0x800000 | mant; // 24-bit significand, value = sig·2^(e−23) = m·2⁻²⁴ with m = sig·2^(e+1)
  const shift = -(e + 1); // 14…24
  let m = sig >>> shift;
  const rem = sig & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rem > halfway || (rem === halfway && (m & 1))) m++; // m = 1024 becomes the smallest normal
  return sign | m;
}

/** Converts a number to float16 bits: first to float32 (Math.fround), then RNE as above. */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  return float32BitsToFloat16Bits(u32[0]);
}

/** Converts float16 bits to float32 bits exactly (every half is a float32; NaN payload kept). */
export function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return (sign | 0x7f800000 | (m << 13)) >>> 0;
  if (e !== 0) return (sign | ((e + 112) << 23) | (m << 13)) >>> 0;
  if (m === 0) return sign >>> 0;
  // Subnormal half: normalise into a float32 normal; value m·2⁻²⁴.
  let shift = 0;
  let mm = m;
  while ((mm & 0x400) === 0) {
    mm <<= 1;
    shift++;
  }
  return (sign | ((113 - shift) << 23) | ((mm & 0x3ff) << 13)) >>> 0;
}

/** The value of float16 bits `h` as a number. */
export function fromFloat16Bits(h: number): number {
  u32[0] = float16BitsToFloat32Bits(h);
  return f32[0];
}

/** Converts a whole Float32Array to float16 bits (Uint16Array), element by element, RNE. */
export function float32ToFloat16Array(values: Float32Array): Uint16Array {
  const u = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < u.length; i++) out[i] = float32BitsToFloat16Bits(u[i]);
  return out;
}

/** Converts float16 bits back to a Float32Array (exact; NaN payloads preserved bit for bit). */
export function float16ToFloat32Array(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32Bits(bits[i]);
  return new Float32Array(out.buffer);
}
