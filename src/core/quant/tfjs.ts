import type { CodebookGrid } from '../coding/tensorPlan';
import { quantizeUniform, type QuantResult } from './uniform';

/** TF.js weights-manifest quantization entry: value = code·scale + min (float32). */
export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16';
  scale: number;
  min: number;
}

/**
 * Expresses a per-tensor affine quantization in TF.js weights-manifest terms: codes as
 * uint8 (bits ≤ 8) or uint16 (bits ≤ 16), scale = s, min = −z·s, so TF.js's
 * value = code·scale + min = (code − z)·s. Because quantizeUniform rounds s to
 * 24 − bits significant bits, z·s and code·scale + min are exact in float32 as well as in
 * double: zero decodes to exactly 0 and every value equals our dequantized x̂ bit for bit.
 * Throws for per-channel or symmetric results (TF.js has one scale/min per tensor, unsigned codes).
 */
export function toTfjsQuantization(q: QuantResult): { quantization: TfjsQuantization; codes: Uint8Array | Uint16Array } {
  if (q.scheme !== 'affine') throw new Error(`toTfjsQuantization: TF.js stores unsigned codes; use scheme 'affine', got '${q.scheme}'`);
  if (q.axis !== -1) throw new Error(`toTfjsQuantization: TF.js has one scale per tensor; quantize without an axis (got axis ${q.axis})`);
  const dtype = q.bits <= 8 ? 'uint8' : 'uint16';
  const codes = dtype === 'uint8' ? new Uint8Array(q.codes) : new Uint16Array(q.codes);
  const scale = q.scale[0];
  // −0 would serialise as 0 anyway; normalise so the manifest reads cleanly.
  const min = q.zeroPoint[0] === 0 ? 0 : -q.zeroPoint[0] * scale;
  return { quantization: { dtype, scale, min }, codes };
}

/**
 * Moves weight-sharing centroids onto an 8-bit affine grid (per-tensor affine quantization of the
 * codebook itself, zero exact), so a clustered tensor can be stored as TF.js uint8 codes:
 * each centroid moves by at most scale/2, with scale = (max(c, 0) − min(c, 0)) / 255 (rounded as
 * quantizeUniform rounds it). Returns the snapped codebook (same order; two centroids may
 * coincide) and its grid.
 */
export function snapCodebookToGrid(codebook: Float32Array): { codebook: Float32Array; grid: CodebookGrid } {
  const q = quantizeUniform(codebook, [codebook.length], { bits: 8 });
  const { quantization, codes } = toTfjsQuantization(q);
  return { codebook: q.values, grid: { scale: quantization.scale, min: quantization.min, codes: Uint8Array.from(codes) } };
}
