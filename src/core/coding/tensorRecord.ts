/**
 * Tensor record, version 1 — the unit of the compact model file. Self-delimiting (starts with
 * its own length), little-endian, every section starting on a byte boundary; bit-packed
 * sections are MSB-first and zero-padded to a whole byte. w = symbol width (below).
 *
 *   u32   byteLength        size of the whole record in bytes, this field included
 *   u8    version = 1
 *   u8    valueKind         0 float32 · 1 float16 · 2 codebook · 3 affine
 *   u8    indexKind         0 dense · 1 relative · 2 csr
 *   u8    entropyKind       0 fixed-width · 1 canonical Huffman
 *   u8    rank r, then u32 × r dims (n = ∏ dims)
 *   value parameters:
 *     float32 | float16     none; symbol = the value's IEEE bits, w = 32 | 16 (±0 = zero)
 *     codebook              u32 K (1–65536), f32 × K centroids, u32 zeroSymbol (0xFFFFFFFF = none);
 *                           w = ⌈log₂ K⌉; x̂ = codebook[symbol]
 *     affine                u8 bits b, u8 axis+1 (0 = per tensor), u32 C, f32 × C scale,
 *                           u16 × C zeroPoint; w = b; symbol = (q − z_c) mod 2ᵇ (zero = 0);
 *                           q = (symbol + z_c) mod 2ᵇ, x̂ = float32((q − z_c)·s_c)
 *   index (which positions have an entry; the others are +0):
 *     dense                 none; E = n entries, every position in order
 *     relative              u8 gap bits g (1–16), u32 E, then E gaps × g bits, gⱼ = pⱼ − pⱼ₋₁ − 1
 *                           with p₋₁ = −1 (Deep Compression); a jump of more than 2^g positions
 *                           inserts a filler entry at pⱼ₋₁ + 2^g holding the zero symbol
 *     csr                   u32 nnz = E, then R row ends (rowPtr[1…R]) × ⌈log₂(nnz+1)⌉ bits (aligned),
 *                           then E column indices × ⌈log₂ C⌉ bits (aligned); [R, C] = the matrix view
 *                           [n / last dim, last dim] ([1, n] for a vector, [1, 1] for a scalar)
 *   symbols of the E entries, in position order:
 *     fixed                 E × w bits
 *     huffman               u8 L (longest code), L varints (codes of each length 1…L), the used
 *                           symbols in canonical order × w bits (aligned), then the E codes (aligned)
 *
 * Size = 9 + 4r + params + index + symbols bytes, exactly what encodedTensorBytes returns.
 */
import type { KMeansResult } from '../cluster/kmeans1d';
import type { QuantResult } from '../quant/uniform';
import { matrixView, type Shape } from '../tensor';
import { bitsFor, ByteWriter } from './bits';
import { canonicalCodes, huffmanWrite } from './huffman';
import { csrEncode, relativeIndexEncode } from './sparse';
import { INDEX_KINDS, planRecord, symbolize, VALUE_KINDS, type RecordOptions, type RecordPlan, type TensorPayload } from './tensorPlan';

export { decodeTensor, type DecodedTensor } from './tensorDecode';

/** Payload, options and plan types live in tensorPlan.ts; re-exported here with the codec. */
export type { RecordOptions, RecordPlan, TensorPayload };

/** Plans the smallest encoding of `payload` (or the one forced by `opts`) and its exact size in bytes. */
export function planTensorRecord(payload: TensorPayload, opts?: RecordOptions): RecordPlan {
  return planRecord(symbolize(payload), opts);
}

/**
 * Exact byte length of encodeTensor(payload, opts) — the layout at the top of this file — computed
 * in one pass over the symbols without building the record; 'auto' options pick the smallest.
 */
export function encodedTensorBytes(payload: TensorPayload, opts?: RecordOptions): number {
  return planTensorRecord(payload, opts).bytes;
}

/**
 * Encodes one tensor record (layout at the top of this file, smallest encoding unless `opts`
 * force one); its length is encodedTensorBytes(payload, opts) and decodeTensor inverts it.
 * Throws for NaN/±Inf floats, out-of-range codes or indices, and invalid options.
 */
export function encodeTensor(payload: TensorPayload, opts?: RecordOptions): Uint8Array {
  const s = symbolize(payload);
  const plan = planRecord(s, opts);
  const w = new ByteWriter(plan.bytes);
  w.u32(plan.bytes);
  w.u8(1);
  w.u8(VALUE_KINDS.indexOf(payload.kind));
  w.u8(INDEX_KINDS.indexOf(plan.index));
  w.u8(plan.entropy === 'huffman' ? 1 : 0);
  w.u8(payload.shape.length);
  for (const d of payload.shape) w.u32(d);
  if (payload.kind === 'codebook') {
    w.u32(payload.codebook.length);
    for (const c of payload.codebook) w.f32(c);
    w.u32(s.zeroA);
  } else if (payload.kind === 'affine') {
    w.u8(payload.bits);
    w.u8(payload.axis + 1);
    w.u32(payload.scale.length);
    for (let c = 0; c < payload.scale.length; c++) w.f32(payload.scale[c]);
    for (let c = 0; c < payload.zeroPoint.length; c++) w.u16(payload.zeroPoint[c]);
  }
  const positions: number[] = [];
  for (let i = 0; i < s.n; i++) if (s.symbols[i] !== s.zeroA && s.symbols[i] !== s.zeroB) positions.push(i);
  let entrySymbols: ArrayLike<number> = s.symbols;
  if (plan.index === 'relative') {
    const { gaps, entries } = relativeIndexEncode(positions, plan.gapBits);
    w.u8(plan.gapBits);
    w.u32(entries.length);
    for (const g of gaps) w.bits(g, plan.gapBits);
    w.align();
    // A filler stands for a zero; raw floats write +0, symbols the zero symbol.
    entrySymbols = Array.from(entries, (p) => (s.symbols[p] === s.zeroB ? s.zeroA : s.symbols[p]));
  } else if (plan.index === 'csr') {
    const { rows, cols } = matrixView(payload.shape);
    const { rowEnds, colIdx } = csrEncode(positions, rows, cols);
    w.u32(positions.length);
    const rw = bitsFor(positions.length + 1);
    for (const r of rowEnds) w.bits(r, rw);
    w.align();
    const cw = bitsFor(cols);
    for (const c of colIdx) w.bits(c, cw);
    w.align();
    entrySymbols = positions.map((p) => s.symbols[p]);
  }
  if (plan.entropy === 'fixed') {
    for (let i = 0; i < entrySymbols.length; i++) w.bits(entrySymbols[i], s.width);
    w.align();
  } else {
    writeHuffmanTable(w, plan.lengths, s.width);
    huffmanWrite(w, entrySymbols, plan.lengths, canonicalCodes(plan.lengths));
    w.align();
  }
  if (w.pos !== plan.bytes) throw new Error(`encodeTensor: wrote ${w.pos} bytes but planned ${plan.bytes} (internal error)`);
  return w.bytes;
}

function writeHuffmanTable(w: ByteWriter, lengths: Uint8Array, width: number): void {
  let max = 0;
  for (const l of lengths) max = Math.max(max, l);
  w.u8(max);
  for (let len = 1; len <= max; len++) w.varint(lengths.reduce((c, l) => c + (l === len ? 1 : 0), 0));
  for (let len = 1; len <= max; len++) for (let s = 0; s < lengths.length; s++) if (lengths[s] === len) w.bits(s, width);
  w.align();
}

/** Payload of a uniform quantization: symmetric codes are stored as q + 2ᵇ⁻¹ with z = 2ᵇ⁻¹. */
export function quantPayload(q: QuantResult, shape: Shape): TensorPayload {
  if (q.scheme === 'affine') return { kind: 'affine', shape, bits: q.bits, axis: q.axis, scale: q.scale, zeroPoint: q.zeroPoint, codes: q.codes };
  const off = 2 ** (q.bits - 1);
  return { kind: 'affine', shape, bits: q.bits, axis: q.axis, scale: q.scale, zeroPoint: new Int32Array(q.scale.length).fill(off), codes: q.codes.map((c) => c + off) };
}

/** Payload of a weight-sharing result (codebook + indices, zero symbol kept). */
export function clusterPayload(k: KMeansResult, shape: Shape): TensorPayload {
  return { kind: 'codebook', shape, codebook: k.codebook, indices: k.indices, zeroIndex: k.zeroIndex >= 0 ? k.zeroIndex : undefined };
}
