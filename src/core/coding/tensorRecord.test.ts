import { describe, expect, it } from 'vitest';
import { kmeans1d } from '../cluster/kmeans1d';
import { pruneMagnitude } from '../prune/magnitude';
import { fromFloat16Bits, toFloat16Bits } from '../quant/float16';
import { quantizeUniform } from '../quant/uniform';
import { createRng, type Rng } from '../random';
import { clusterPayload, decodeTensor, encodedTensorBytes, encodeTensor, planTensorRecord, quantPayload, type RecordOptions, type TensorPayload } from './tensorRecord';

/** What a payload should decode to. */
function expected(p: TensorPayload): Float32Array {
  if (p.kind === 'float32') return p.values;
  if (p.kind === 'float16') return p.values.map((v) => fromFloat16Bits(toFloat16Bits(v)));
  if (p.kind === 'codebook') return Float32Array.from(p.indices, (i) => p.codebook[i]);
  const n = p.codes.length;
  const size = p.axis < 0 ? 1 : p.shape[p.axis];
  const inner = p.axis < 0 ? n : p.shape.slice(p.axis + 1).reduce((a, b) => a * b, 1);
  return Float32Array.from(p.codes, (q, i) => {
    const c = Math.floor(i / inner) % size;
    return (q - p.zeroPoint[c]) * p.scale[c];
  });
}

function randomShape(r: Rng): number[] {
  const rank = r.nextUint32() % 5;
  return Array.from({ length: rank }, () => r.nextUint32() % (rank > 2 ? 5 : 40));
}

function randomPayload(r: Rng): TensorPayload {
  const shape = randomShape(r);
  const n = shape.reduce((a, b) => a * b, 1);
  const sparsity = [0, 0.5, 0.9, 0.99, 1][r.nextUint32() % 5];
  const values = Float32Array.from({ length: n }, () => (r.next() < sparsity ? 0 : r.normal() * 0.1));
  switch (r.nextUint32() % 5) {
    case 0: return { kind: 'float32', shape, values };
    case 1: return { kind: 'float16', shape, values };
    case 2: {
      const k = 1 + (r.nextUint32() % 40);
      const codebook = Float32Array.from({ length: k }, (_, j) => (j === 0 ? 0 : r.normal()));
      const indices = Uint16Array.from(values, (v) => (v === 0 ? 0 : r.nextUint32() % k));
      return { kind: 'codebook', shape, codebook, indices };
    }
    default: {
      const bits = 1 + (r.nextUint32() % 16);
      const axis = shape.length > 0 && r.next() < 0.5 ? r.nextUint32() % shape.length : undefined;
      const scheme = bits >= 2 && r.next() < 0.3 ? 'symmetric' : 'affine';
      return quantPayload(quantizeUniform(values, shape, { bits, axis, scheme }), shape);
    }
  }
}

const OPTIONS: RecordOptions[] = [
  {},
  { index: 'dense', entropy: 'fixed' },
  { index: 'dense', entropy: 'huffman' },
  { index: 'relative', entropy: 'fixed' },
  { index: 'relative', entropy: 'huffman', gapBits: 3 },
  { index: 'csr', entropy: 'fixed' },
  { index: 'csr', entropy: 'huffman', maxCodeLength: 12 },
];

describe('tensor record', () => {
  it('lays out a tiny record byte by byte (hand-checked)', () => {
    const p: TensorPayload = { kind: 'codebook', shape: [4], codebook: new Float32Array([0, 0.5]), indices: new Uint8Array([1, 0, 0, 1]) };
    const bytes = encodeTensor(p, { index: 'dense', entropy: 'fixed' });
    expect(Array.from(bytes)).toEqual([
      30, 0, 0, 0, // byteLength
      1, 2, 0, 0, // version, codebook, dense, fixed
      1, 4, 0, 0, 0, // rank 1, dim 4
      2, 0, 0, 0, // K = 2
      0, 0, 0, 0, 0, 0, 0, 0x3f, // f32 0, f32 0.5
      0, 0, 0, 0, // zero symbol 0
      0b10010000, // symbols 1 0 0 1 at 1 bit, padded
    ]);
    expect(encodedTensorBytes(p, { index: 'dense', entropy: 'fixed' })).toBe(30);
    expect(Array.from(decodeTensor(bytes).values)).toEqual([0.5, 0, 0, 0.5]);
    // The relative index stores only the two non-zeros: gaps 0 and 2 at 2 bits.
    const rel = encodeTensor(p, { index: 'relative', entropy: 'fixed', gapBits: 2 });
    expect(Array.from(rel.subarray(29))).toEqual([2, 2, 0, 0, 0, 0b00100000, 0b11000000]);
  });

  it('counts exactly the bytes it writes and decodes them back, on many random cases', () => {
    const r = createRng(23);
    for (let t = 0; t < 300; t++) {
      const p = randomPayload(r);
      for (const opts of OPTIONS) {
        if (opts.entropy === 'huffman' && (p.kind === 'float32' || p.kind === 'float16')) continue;
        const bytes = encodeTensor(p, opts);
        expect(bytes.length).toBe(encodedTensorBytes(p, opts));
        const d = decodeTensor(bytes);
        expect(d.byteLength).toBe(bytes.length);
        expect(d.shape).toEqual(p.shape);
        expect(d.values).toEqual(expected(p));
      }
      const auto = encodedTensorBytes(p);
      for (const opts of OPTIONS.slice(1)) if (!(opts.entropy === 'huffman' && p.kind.startsWith('float'))) expect(auto).toBeLessThanOrEqual(encodedTensorBytes(p, opts));
    }
  });

  it('picks a sparse index for pruned tensors and dense for full ones', () => {
    const r = createRng(24);
    const w = Float32Array.from({ length: 500 * 300 }, () => r.normal() * 0.05);
    const dense = planTensorRecord(quantPayload(quantizeUniform(w, [500, 300], { bits: 4, axis: -1 }), [500, 300]));
    expect(dense.index).toBe('dense');
    const pruned = pruneMagnitude(w, [500, 300], { ratio: 0.9 }).values;
    const shared = kmeans1d(pruned, [500, 300], { k: 16 });
    const plan = planTensorRecord(clusterPayload(shared, [500, 300]));
    expect(plan.index).not.toBe('dense');
    expect(plan.entropy).toBe('huffman');
    // 15 000 non-zeros at ~3.7 bits of value (Huffman) + ~5 bits of index, vs 75 000 B dense 4-bit fixed.
    expect(plan.bytes).toBeLessThan(1.2 * 15000);
    expect(plan.bytes).toBeLessThan(encodedTensorBytes(clusterPayload(shared, [500, 300]), { index: 'dense', entropy: 'fixed' }) / 4);
    expect(decodeTensor(encodeTensor(clusterPayload(shared, [500, 300]))).values).toEqual(shared.values);
  });

  it('is self-delimiting: records can be concatenated and read in sequence', () => {
    const r = createRng(25);
    const payloads = Array.from({ length: 6 }, () => randomPayload(r));
    const parts = payloads.map((p) => encodeTensor(p));
    const file = new Uint8Array(parts.reduce((s, b) => s + b.length, 0));
    let off = 0;
    for (const b of parts) { file.set(b, off); off += b.length; }
    off = 0;
    for (const p of payloads) {
      const d = decodeTensor(file.subarray(off));
      expect(d.values).toEqual(expected(p));
      off += d.byteLength;
    }
    expect(off).toBe(file.length);
  });

  it('handles empty tensors, scalars, all-zero and single-valued tensors', () => {
    for (const p of [
      { kind: 'float32', shape: [0, 3], values: new Float32Array(0) },
      { kind: 'float16', shape: [], values: new Float32Array([1.5]) },
      { kind: 'codebook', shape: [5], codebook: new Float32Array([0]), indices: new Uint8Array(5) },
      { kind: 'codebook', shape: [3], codebook: new Float32Array([2]), indices: new Uint8Array(3) },
      quantPayload(quantizeUniform(new Float32Array(8), [2, 4], { bits: 8, axis: 1 }), [2, 4]),
    ] as TensorPayload[]) {
      const bytes = encodeTensor(p);
      expect(bytes.length).toBe(encodedTensorBytes(p));
      expect(decodeTensor(bytes).values).toEqual(expected(p));
    }
  });

  it('rejects invalid payloads and options with specific messages', () => {
    expect(() => encodeTensor({ kind: 'float32', shape: [2], values: new Float32Array([1, NaN]) })).toThrow('encodeTensor: values[1] is NaN; weights must be finite');
    expect(() => encodeTensor({ kind: 'float16', shape: [1], values: new Float32Array([Infinity]) })).toThrow('encodeTensor: values[0] is Infinity');
    expect(() => encodeTensor({ kind: 'codebook', shape: [2], codebook: new Float32Array([0, 1]), indices: [0, 2] })).toThrow('encodeTensor: indices[1] = 2 is outside the codebook of 2');
    expect(() => encodeTensor({ kind: 'codebook', shape: [1], codebook: new Float32Array(0), indices: [0] })).toThrow('encodeTensor: codebook size must be in [1, 65536], got 0');
    expect(() => encodeTensor({ kind: 'codebook', shape: [1], codebook: new Float32Array([1]), indices: [0], zeroIndex: 0 })).toThrow('encodeTensor: zeroIndex 0 points at 1, not 0');
    expect(() => encodeTensor({ kind: 'affine', shape: [2], bits: 2, axis: -1, scale: [1], zeroPoint: [0], codes: [0, 4] })).toThrow('encodeTensor: codes[1] = 4 is outside [0, 3]');
    expect(() => encodeTensor({ kind: 'affine', shape: [2], bits: 17, axis: -1, scale: [1], zeroPoint: [0], codes: [0, 0] })).toThrow('encodeTensor: bits must be an integer in [1, 16], got 17');
    expect(() => encodeTensor({ kind: 'affine', shape: [2], bits: 4, axis: -1, scale: [0], zeroPoint: [0], codes: [0, 0] })).toThrow('encodeTensor: scale[0] is 0; must be finite and > 0');
    expect(() => encodeTensor({ kind: 'float32', shape: [1], values: new Float32Array(1) }, { entropy: 'huffman' })).toThrow('encodeTensor: Huffman coding applies to codebook and affine payloads, not raw floats');
    expect(() => encodeTensor({ kind: 'float32', shape: [1], values: new Float32Array(1) }, { gapBits: 17 })).toThrow("encodeTensor: gapBits must be an integer in [1, 16] or 'auto', got 17");
    expect(() => encodeTensor({ kind: 'float32', shape: [3], values: new Float32Array(1) })).toThrow('encodeTensor: values has length 1 but shape [3] holds 3 elements');
    const wide: TensorPayload = { kind: 'codebook', shape: [20], codebook: Float32Array.from({ length: 20 }, (_, i) => i), indices: Uint8Array.from({ length: 20 }, (_, i) => i) };
    expect(() => encodeTensor(wide, { entropy: 'huffman', maxCodeLength: 4 })).toThrow('encodeTensor: 20 symbols do not fit Huffman codes of at most 4 bits');
    expect(planTensorRecord(wide, { maxCodeLength: 4 }).entropy).toBe('fixed'); // auto skips the impossible code
    expect(() => encodeTensor(wide, { maxCodeLength: 30 })).toThrow('encodeTensor: maxCodeLength must be an integer in [1, 24], got 30');
  });

  it('rejects truncated or corrupt records', () => {
    const bytes = encodeTensor({ kind: 'codebook', shape: [40], codebook: new Float32Array([0, 1, 2]), indices: Uint8Array.from({ length: 40 }, (_, i) => i % 3) }, { entropy: 'huffman' });
    expect(() => decodeTensor(bytes.subarray(0, bytes.length - 1))).toThrow(`decodeTensor: record claims ${bytes.length} bytes but ${bytes.length - 1} are available`);
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(() => decodeTensor(v2)).toThrow('decodeTensor: unsupported record version 2');
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    new DataView(longer.buffer).setUint32(0, bytes.length + 3, true);
    expect(() => decodeTensor(longer)).toThrow('decodeTensor: record has 3 unexplained trailing bytes');
    const shorter = bytes.slice();
    new DataView(shorter.buffer).setUint32(0, bytes.length - 2, true);
    expect(() => decodeTensor(shorter)).toThrow(/truncated record/);
  });
});
