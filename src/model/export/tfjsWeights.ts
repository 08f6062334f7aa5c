/**
 * How one compressed tensor is stored in a TF.js weights manifest, and its bytes. Stock TF.js
 * (tf.io.decodeWeights, used by tf.loadLayersModel) reads four element encodings:
 *
 *   float32   4 bytes/element, IEEE-754 binary32 little-endian; value = the bits
 *   float16   2 bytes/element, binary16 LE; value = TF.js's table-driven half → float conversion
 *   uint8     1 byte/element,  code q; value = float32(q·scale + min), computed in double
 *   uint16    2 bytes/element, code q LE; same formula
 *
 * The encoding is chosen from the payload: 'float16' → float16; 'affine' with one channel (per
 * tensor) → uint8 when bits ≤ 8, else uint16, with scale = s and min = −z·s (core's
 * toTfjsQuantization mapping, so q·s + min = (q − z)·s); 'codebook' on a uint8 grid
 * (plan cluster.grid) → uint8, each element the grid code of its centroid; other 'codebook's whose
 * centroids are all float16 numbers → float16; anything else (float32, per-channel affine, other codebooks) → float32.
 * The candidate is then decoded with TF.js's own tf.io.decodeWeights and compared with the tensor's
 * `values` bit for bit; if any element differs, the tensor is written as float32 instead — so a
 * TF.js export always computes exactly what the studio evaluated.
 */
import * as tf from '@tensorflow/tfjs';
import { float32ToFloat16Array, fromFloat16Bits, toFloat16Bits, type TensorPayload } from '../../core';
import { weightBytes, type CompressedTensor } from '../weights';

/** Element encoding of a weight in the manifest (its `quantization.dtype`, or float32 when none). */
export type TfjsStorage = 'float32' | 'float16' | 'uint8' | 'uint16';

/** One tensor ready for the manifest: its entry, its bytes in the shard, and what was chosen. */
export interface TfjsWeight {
  spec: tf.io.WeightsManifestEntry;
  /** Little-endian element bytes: elements × 4 (float32), 2 (float16, uint16) or 1 (uint8). */
  data: Uint8Array;
  storage: TfjsStorage;
  /** Set when a quantized encoding was tried but did not decode exactly, so float32 was used. */
  fallback?: string;
}

const bytesOf = (a: Float32Array | Uint16Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const isFloat16 = (x: number) => Object.is(fromFloat16Bits(toFloat16Bits(x)), Math.fround(x));

/** The quantized candidate a payload maps to, or null when only float32 fits (see the file comment). */
function candidate(t: CompressedTensor): TfjsWeight | null {
  const p: TensorPayload = t.payload;
  const base = { name: t.name, shape: [...t.shape], dtype: 'float32' as const };
  const half = (): TfjsWeight => ({ spec: { ...base, quantization: { dtype: 'float16' } }, data: bytesOf(float32ToFloat16Array(t.values)), storage: 'float16' });
  if (p.kind === 'float16') return half();
  if (p.kind === 'codebook' && p.grid) {
    const { scale, min, codes } = p.grid;
    return { spec: { ...base, quantization: { dtype: 'uint8', scale, min } }, data: Uint8Array.from(p.indices, (k) => codes[k]), storage: 'uint8' };
  }
  if (p.kind === 'codebook') return p.codebook.every((c) => isFloat16(c)) ? half() : null;
  if (p.kind === 'affine' && p.scale.length === 1 && p.zeroPoint.length === 1) {
    const dtype = p.bits <= 8 ? 'uint8' : 'uint16';
    const codes = dtype === 'uint8' ? Uint8Array.from(p.codes) : Uint16Array.from(p.codes);
    const scale = p.scale[0];
    // −0 would serialise as 0 anyway; normalise so the manifest reads cleanly.
    const min = p.zeroPoint[0] === 0 ? 0 : -p.zeroPoint[0] * scale;
    return { spec: { ...base, quantization: { dtype, scale, min } }, data: bytesOf(codes), storage: dtype };
  }
  return null;
}

/** Plain float32 storage of `values`: always exact. */
function float32Weight(t: CompressedTensor, fallback?: string): TfjsWeight {
  const spec = { name: t.name, shape: [...t.shape], dtype: 'float32' as const };
  return { spec, data: bytesOf(t.values.slice()), storage: 'float32', ...(fallback ? { fallback } : {}) };
}

/**
 * Index of the first element where TF.js's decoding of (spec, data) differs from `values` in its
 * float32 bits, or −1 when every element is identical. Runs tf.io.decodeWeights itself.
 */
export function firstTfjsMismatch(spec: tf.io.WeightsManifestEntry, data: Uint8Array, values: Float32Array): number {
  const decoded = tf.io.decodeWeights(data.slice().buffer, [spec])[spec.name];
  try {
    const got = decoded.dataSync();
    if (!(got instanceof Float32Array) || got.length !== values.length) return 0;
    const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
    const b = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  } finally {
    decoded.dispose();
  }
}

/**
 * Chooses and verifies the manifest encoding of one tensor (rules in the file comment). Throws
 * when `values` does not hold ∏shape elements.
 */
export function tfjsWeight(t: CompressedTensor): TfjsWeight {
  const n = t.shape.reduce((a, d) => a * d, 1);
  if (t.values.length !== n) throw new Error(`exportTfjs: "${t.name}" has ${t.values.length} values for shape [${t.shape.join(', ')}] (${n} elements)`);
  // A graph model's int32 / bool constants (shapes, indices) are written as they were read.
  if (t.dtype && t.dtype !== 'float32') return { spec: { name: t.name, shape: [...t.shape], dtype: t.dtype }, data: weightBytes(t), storage: 'float32' };
  const c = candidate(t);
  if (!c) return float32Weight(t);
  const bad = firstTfjsMismatch(c.spec, c.data, t.values);
  if (bad < 0) return c;
  return float32Weight(t, `${c.storage} would decode element ${bad} differently, so "${t.name}" is stored as float32`);
}
