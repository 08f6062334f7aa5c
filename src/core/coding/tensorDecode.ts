// Decoder of the tensor record; the byte layout is documented at the top of tensorRecord.ts.
import { float16BitsToFloat32Bits } from '../quant/float16';
import { matrixView, sizeOf } from '../tensor';
import { bitsFor, ByteReader } from './bits';
import { huffmanDecoder, huffmanRead } from './huffman';
import { csrDecode, relativeIndexDecode } from './sparse';
import { channelLayout, INDEX_KINDS, NO_ZERO, VALUE_KINDS, type TensorPayload } from './tensorPlan';

function readHuffmanTable(r: ByteReader, alphabet: number, width: number): Uint8Array {
  const max = r.u8();
  if (max > 24) throw new Error(`decodeTensor: Huffman code length ${max} exceeds 24`);
  const counts: number[] = [];
  for (let len = 1; len <= max; len++) counts.push(r.varint());
  const lengths = new Uint8Array(alphabet);
  for (let len = 1; len <= max; len++) {
    for (let c = 0; c < counts[len - 1]; c++) {
      const s = r.bits(width);
      if (s >= alphabet || lengths[s]) throw new Error(`decodeTensor: bad Huffman table (symbol ${s})`);
      lengths[s] = len;
    }
  }
  r.align();
  return lengths;
}

/** A decoded record: shape, float32 values (implicit zeros are +0) and the record's length in bytes. */
export interface DecodedTensor {
  shape: number[];
  values: Float32Array;
  kind: TensorPayload['kind'];
  byteLength: number;
}

/**
 * Decodes the record starting at `bytes[0]` (a model file passes `bytes.subarray(offset)` and
 * advances by `byteLength`). Throws `decodeTensor: …` on a truncated or inconsistent record.
 */
export function decodeTensor(bytes: Uint8Array): DecodedTensor {
  const fn = 'decodeTensor';
  const head = new ByteReader(bytes);
  const byteLength = head.u32();
  if (byteLength > bytes.length || byteLength < 9) throw new Error(`${fn}: record claims ${byteLength} bytes but ${bytes.length} are available`);
  const r = new ByteReader(bytes, 4, byteLength);
  const version = r.u8();
  if (version !== 1) throw new Error(`${fn}: unsupported record version ${version}`);
  const kind = VALUE_KINDS[r.u8()];
  const index = INDEX_KINDS[r.u8()];
  const entropy = r.u8();
  if (!kind || !index || entropy > 1) throw new Error(`${fn}: unknown value, index or entropy kind`);
  const shape: number[] = [];
  for (let i = 0, rank = r.u8(); i < rank; i++) shape.push(r.u32());
  const n = sizeOf(shape);
  let width = kind === 'float32' ? 32 : 16;
  let alphabet = 0;
  let valueOf: (sym: number, pos: number) => number;
  if (kind === 'codebook') {
    const k = r.u32();
    if (k < 1 || k > 65536) throw new Error(`${fn}: codebook size ${k} out of range`);
    const codebook = new Float32Array(k);
    for (let j = 0; j < k; j++) codebook[j] = r.f32();
    const z = r.u32();
    if (z !== NO_ZERO && (z >= k || codebook[z] !== 0)) throw new Error(`${fn}: zero symbol ${z} is not a zero centroid`);
    width = bitsFor(k);
    alphabet = k;
    valueOf = (sym) => {
      if (sym >= k) throw new Error(`${fn}: symbol ${sym} outside the codebook of ${k}`);
      return codebook[sym];
    };
  } else if (kind === 'affine') {
    const bits = r.u8();
    const axis = r.u8() - 1;
    const c = r.u32();
    const { size, inner } = channelLayout(fn, shape, axis);
    if (c !== size || bits < 1 || bits > 16) throw new Error(`${fn}: affine parameters do not match the shape`);
    const scale = new Float32Array(c);
    const zp = new Uint16Array(c);
    for (let j = 0; j < c; j++) scale[j] = r.f32();
    for (let j = 0; j < c; j++) zp[j] = r.u16();
    width = bits;
    alphabet = 2 ** bits;
    const mask = alphabet - 1;
    valueOf = (sym, pos) => {
      const ch = Math.floor(pos / inner) % size;
      return (((sym + zp[ch]) & mask) - zp[ch]) * scale[ch];
    };
  } else {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    valueOf = (sym) => {
      u32[0] = kind === 'float32' ? sym : float16BitsToFloat32Bits(sym);
      return f32[0];
    };
  }
  let positions: ArrayLike<number>;
  if (index === 'dense') positions = { length: n };
  else if (index === 'relative') {
    const g = r.u8();
    if (g < 1 || g > 16) throw new Error(`${fn}: gap bits ${g} out of range`);
    const e = r.u32();
    if (e > n) throw new Error(`${fn}: ${e} index entries for ${n} elements`);
    const gaps = new Uint32Array(e);
    for (let j = 0; j < e; j++) gaps[j] = r.bits(g);
    r.align();
    positions = relativeIndexDecode(gaps);
  } else {
    const nnz = r.u32();
    if (nnz > n) throw new Error(`${fn}: ${nnz} index entries for ${n} elements`);
    const { rows, cols } = matrixView(shape);
    const rowEnds = new Uint32Array(rows);
    const rw = bitsFor(nnz + 1);
    for (let j = 0; j < rows; j++) rowEnds[j] = r.bits(rw);
    r.align();
    const colIdx = new Uint32Array(nnz);
    const cw = bitsFor(cols);
    for (let j = 0; j < nnz; j++) colIdx[j] = r.bits(cw);
    r.align();
    positions = csrDecode(rowEnds, colIdx, cols);
  }
  const e = positions.length;
  let symbols: Uint32Array;
  if (entropy === 0) {
    symbols = new Uint32Array(e);
    for (let j = 0; j < e; j++) symbols[j] = r.bits(width);
  } else {
    if (!alphabet) throw new Error(`${fn}: Huffman coding is not defined for raw floats`);
    symbols = huffmanRead(r, e, huffmanDecoder(readHuffmanTable(r, alphabet, width)));
  }
  r.align();
  if (r.pos !== byteLength) throw new Error(`${fn}: record has ${byteLength - r.pos} unexplained trailing bytes`);
  const values = new Float32Array(n);
  for (let j = 0; j < e; j++) {
    const pos = index === 'dense' ? j : positions[j];
    if (!(pos < n)) throw new Error(`${fn}: entry ${j} points past the end (position ${pos} of ${n})`);
    values[pos] = valueOf(symbols[j], pos);
  }
  return { shape, values, kind, byteLength };
}

