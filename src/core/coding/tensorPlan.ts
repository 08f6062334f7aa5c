import { toFloat16Bits } from '../quant/float16';
import { checkShape, matrixView, normalizeAxis, sizeOf, type Shape } from '../tensor';
import { bitsFor, packedBytes, varintBytes } from './bits';
import { huffmanBitLength, huffmanCodeLengths } from './huffman';
import { csrIndexBytes, fillersPerWidth, relativeIndexBytes } from './sparse';

/**
 * Centroids that lie on an 8-bit affine grid: codebook[k] = float32(codes[k]·scale + min), as
 * TF.js decodes a uint8 weight, so the tensor can be exported as uint8 codes (the record itself
 * still stores the codebook; the grid is export metadata).
 */
export interface CodebookGrid {
  scale: number;
  min: number;
  /** the grid code of each centroid */
  codes: Uint8Array;
}

/**
 * What a tensor record can hold: raw floats, a codebook (weight sharing) or affine codes
 * (uniform quantization). x̂ = values | codebook[indices] | (codes − z_c)·scale_c.
 */
export type TensorPayload =
  | { kind: 'float32'; shape: Shape; values: Float32Array }
  | { kind: 'float16'; shape: Shape; values: Float32Array }
  | { kind: 'codebook'; shape: Shape; codebook: Float32Array; indices: ArrayLike<number>; zeroIndex?: number; grid?: CodebookGrid }
  | { kind: 'affine'; shape: Shape; bits: number; axis: number; scale: ArrayLike<number>; zeroPoint: ArrayLike<number>; codes: ArrayLike<number> };

/** Encoding choices; 'auto' (the default) takes the one with the fewest bytes. */
export interface RecordOptions {
  index?: 'auto' | 'dense' | 'relative' | 'csr';
  entropy?: 'auto' | 'fixed' | 'huffman';
  /** Gap field width b of the relative index, 1–16, or 'auto' to try them all. */
  gapBits?: number | 'auto';
  /** Maximum Huffman code length in bits, 1–24 (default 16). */
  maxCodeLength?: number;
}

/** The chosen encoding and its exact size. */
export interface RecordPlan {
  /** Exact record size in bytes, header to last padded byte. */
  bytes: number;
  index: 'dense' | 'relative' | 'csr';
  entropy: 'fixed' | 'huffman';
  /** Gap width b of the relative index (0 otherwise). */
  gapBits: number;
  /** Stored entries: n (dense), nnz + fillers (relative) or nnz (csr). */
  entries: number;
  /** Elements that are not zero (the rest are implicit under a sparse index). */
  nonzeros: number;
  /** Huffman code lengths per symbol (empty when fixed). */
  lengths: Uint8Array;
}

/** valueKind byte of a record: the position in this list. */
export const VALUE_KINDS = ['float32', 'float16', 'codebook', 'affine'] as const;
/** indexKind byte of a record: the position in this list. */
export const INDEX_KINDS = ['dense', 'relative', 'csr'] as const;
/** zeroSymbol of a codebook record that has no exact-zero entry. */
export const NO_ZERO = 0xffffffff;

/** A payload reduced to symbols: per-element integers plus how to recognise an implicit zero. */
export interface Symbolized {
  n: number;
  shape: Shape;
  symbols: Uint8Array | Uint16Array | Uint32Array;
  /** Symbol width w in bits of the fixed-width form (and of the Huffman symbol list). */
  width: number;
  /** Alphabet size for Huffman (0 = raw floats, no Huffman). */
  alphabet: number;
  /** Two symbol values that mean "zero" (±0 for floats; zero symbol twice otherwise; NO_ZERO none). */
  zeroA: number;
  zeroB: number;
  /** Bytes of the value parameters section. */
  paramBytes: number;
}

/** Maps a payload to its symbols (views where possible), validating it. Exported for the encoder. */
export function symbolize(p: TensorPayload): Symbolized {
  const fn = 'encodeTensor';
  const shape = p.shape;
  if (shape.length > 255) throw new Error(`${fn}: rank ${shape.length} exceeds 255`);
  const n = sizeOf(shape);
  if (p.kind === 'float32' || p.kind === 'float16') {
    checkShape(fn, p.values, shape);
    for (let i = 0; i < n; i++) if (p.values[i] - p.values[i] !== 0) throw new Error(`${fn}: values[${i}] is ${p.values[i]}; weights must be finite`);
    if (p.kind === 'float32') return { n, shape, symbols: new Uint32Array(p.values.buffer, p.values.byteOffset, n), width: 32, alphabet: 0, zeroA: 0, zeroB: 0x80000000, paramBytes: 0 };
    const half = new Uint16Array(n);
    for (let i = 0; i < n; i++) half[i] = toFloat16Bits(p.values[i]);
    return { n, shape, symbols: half, width: 16, alphabet: 0, zeroA: 0, zeroB: 0x8000, paramBytes: 0 };
  }
  if (p.kind === 'codebook') {
    const k = p.codebook.length;
    if (k < 1 || k > 65536) throw new Error(`${fn}: codebook size must be in [1, 65536], got ${k}`);
    checkShape(fn, p.indices, shape);
    for (let j = 0; j < k; j++) if (!Number.isFinite(p.codebook[j])) throw new Error(`${fn}: codebook[${j}] is ${p.codebook[j]}; must be finite`);
    const symbols = p.indices instanceof Uint8Array || p.indices instanceof Uint16Array ? p.indices : Uint32Array.from(p.indices);
    for (let i = 0; i < n; i++) if (!(symbols[i] < k)) throw new Error(`${fn}: indices[${i}] = ${symbols[i]} is outside the codebook of ${k}`);
    const z = p.zeroIndex ?? p.codebook.findIndex((c) => c === 0);
    if (z >= 0 && p.codebook[z] !== 0) throw new Error(`${fn}: zeroIndex ${z} points at ${p.codebook[z]}, not 0`);
    const zero = z >= 0 ? z : NO_ZERO;
    return { n, shape, symbols, width: bitsFor(k), alphabet: k, zeroA: zero, zeroB: zero, paramBytes: 4 + 4 * k + 4 };
  }
  if (p.kind === 'affine') {
    const bits = p.bits;
    if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new Error(`${fn}: bits must be an integer in [1, 16], got ${bits}`);
    checkShape(fn, p.codes, shape);
    const { outer, size, inner } = channelLayout(fn, shape, p.axis);
    if (p.scale.length !== size || p.zeroPoint.length !== size) throw new Error(`${fn}: expected ${size} scales and zero-points, got ${p.scale.length} and ${p.zeroPoint.length}`);
    const mask = 2 ** bits - 1;
    for (let c = 0; c < size; c++) {
      if (!(p.scale[c] > 0) || !Number.isFinite(p.scale[c])) throw new Error(`${fn}: scale[${c}] is ${p.scale[c]}; must be finite and > 0`);
      if (!Number.isInteger(p.zeroPoint[c]) || p.zeroPoint[c] < 0 || p.zeroPoint[c] > mask) throw new Error(`${fn}: zeroPoint[${c}] = ${p.zeroPoint[c]} is outside [0, ${mask}]`);
    }
    // Symbol = (q − z_c) mod 2ᵇ: zero is symbol 0 in every channel, and all channels share one histogram.
    const symbols = bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < size; c++) {
        const z = p.zeroPoint[c];
        for (let e = 0; e < inner; e++, i++) {
          const q = p.codes[i];
          if (!(q >= 0 && q <= mask) || !Number.isInteger(q)) throw new Error(`${fn}: codes[${i}] = ${q} is outside [0, ${mask}]`);
          symbols[i] = (q - z) & mask;
        }
      }
    }
    return { n, shape, symbols, width: bits, alphabet: 2 ** bits, zeroA: 0, zeroB: 0, paramBytes: 1 + 1 + 4 + 6 * size };
  }
  throw new Error(`${fn}: unknown payload kind ${String((p as { kind: unknown }).kind)}`);
}

/** outer × size × inner around a channel axis; axis −1 means one channel (per tensor). */
export function channelLayout(fn: string, shape: Shape, axis: number): { outer: number; size: number; inner: number } {
  const n = sizeOf(shape);
  if (axis === -1) return { outer: 1, size: 1, inner: n };
  const a = normalizeAxis(fn, axis, shape.length);
  if (a !== axis) throw new Error(`${fn}: affine axis must be −1 (per tensor) or a non-negative axis, got ${axis}`);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, size: shape[a], inner };
}

/**
 * Chooses the encoding and computes its exact byte count in one pass over the symbols plus
 * O(alphabet) work per candidate — no record is materialised. Layout in tensorRecord.ts.
 */
export function planRecord(s: Symbolized, opts: RecordOptions = {}): RecordPlan {
  const fn = 'encodeTensor';
  const { n, symbols, zeroA, zeroB, alphabet, width } = s;
  const indexOpt = opts.index ?? 'auto';
  const entropyOpt = opts.entropy ?? 'auto';
  const maxLen = opts.maxCodeLength ?? 16;
  if (!Number.isInteger(maxLen) || maxLen < 1 || maxLen > 24) throw new Error(`${fn}: maxCodeLength must be an integer in [1, 24], got ${maxLen}`);
  if (!['auto', 'dense', 'relative', 'csr'].includes(indexOpt)) throw new Error(`${fn}: index must be auto, dense, relative or csr, got ${String(indexOpt)}`);
  if (!['auto', 'fixed', 'huffman'].includes(entropyOpt)) throw new Error(`${fn}: entropy must be auto, fixed or huffman, got ${String(entropyOpt)}`);
  if (entropyOpt === 'huffman' && alphabet === 0) throw new Error(`${fn}: Huffman coding applies to codebook and affine payloads, not raw floats`);
  const gapOpt = opts.gapBits ?? 'auto';
  if (gapOpt !== 'auto' && (!Number.isInteger(gapOpt) || gapOpt < 1 || gapOpt > 16)) throw new Error(`${fn}: gapBits must be an integer in [1, 16] or 'auto', got ${gapOpt}`);
  // One pass: histogram of non-zero symbols, count of non-zeros, histogram of gaps.
  const hist = new Float64Array(alphabet);
  const gapHist = new Uint32Array(Math.min(n + 1, 65536));
  const large: number[] = [];
  let nnz = 0;
  let maxGap = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const sym = symbols[i];
    if (sym === zeroA || sym === zeroB) continue;
    if (alphabet) hist[sym]++;
    const g = i - prev - 1;
    if (g < 65536) gapHist[g]++;
    else large.push(g);
    if (g > maxGap) maxGap = g;
    prev = i;
    nnz++;
  }
  const fillers = fillersPerWidth(gapHist, maxGap, large);
  const zeroSym = zeroA === NO_ZERO ? -1 : zeroA;
  const zeros = n - nnz;
  let usedNonzero = 0;
  for (let i = 0; i < alphabet; i++) if (hist[i] > 0) usedNonzero++;
  const { rows, cols } = matrixView(s.shape);
  const base = 9 + 4 * s.shape.length + s.paramBytes;
  let best: RecordPlan | null = null;
  const consider = (index: RecordPlan['index'], gapBits: number, entries: number, indexBytes: number, extraZeros: number): void => {
    const header = base + indexBytes;
    if (entropyOpt !== 'huffman') {
      const bytes = header + packedBytes(entries, width);
      if (!best || bytes < best.bytes) best = { bytes, index, entropy: 'fixed', gapBits, entries, nonzeros: nnz, lengths: new Uint8Array(0) };
    }
    const used = usedNonzero + (extraZeros > 0 ? 1 : 0);
    if (entropyOpt === 'huffman' && used > 2 ** maxLen) throw new Error(`${fn}: ${used} symbols do not fit Huffman codes of at most ${maxLen} bits`);
    if (entropyOpt !== 'fixed' && alphabet && used <= 2 ** maxLen) {
      let freqs = hist;
      if (extraZeros > 0) {
        freqs = hist.slice();
        freqs[zeroSym] += extraZeros;
      }
      const lengths = huffmanCodeLengths(freqs, maxLen);
      const bytes = header + huffmanTableBytes(lengths, width) + packedBytes(huffmanBitLength(freqs, lengths), 1);
      if (!best || bytes < best.bytes) best = { bytes, index, entropy: 'huffman', gapBits, entries, nonzeros: nnz, lengths };
    }
  };
  if (indexOpt === 'auto' || indexOpt === 'dense') consider('dense', 0, n, 0, zeros);
  if (indexOpt === 'auto' || indexOpt === 'relative') {
    for (let b = 1; b <= 16; b++) {
      if (gapOpt !== 'auto' && b !== gapOpt) continue;
      const e = nnz + fillers[b];
      consider('relative', b, e, 1 + 4 + relativeIndexBytes(e, b), fillers[b]);
    }
  }
  if (indexOpt === 'auto' || indexOpt === 'csr') consider('csr', 0, nnz, 4 + csrIndexBytes(nnz, rows, cols), 0);
  return best as unknown as RecordPlan;
}

/** Bytes of a canonical Huffman table: u8 L, L varint counts, used symbols × w bits (aligned). */
export function huffmanTableBytes(lengths: Uint8Array, width: number): number {
  let max = 0;
  let used = 0;
  for (const l of lengths) {
    if (l > max) max = l;
    if (l) used++;
  }
  const count = new Uint32Array(max + 1);
  for (const l of lengths) if (l) count[l]++;
  let bytes = 1;
  for (let l = 1; l <= max; l++) bytes += varintBytes(count[l]);
  return bytes + packedBytes(used, width);
}
