/**
 * Writer of the compact model file (layout and reader in compactFormat.ts): the topology and
 * tensor list as JSON (DEFLATE-compressed when smaller), then each tensor's payload as core's
 * smallest tensor record — pruned, quantized and clustered weights keep their compressed form
 * (sparse index, b-bit codes, Huffman) instead of being expanded to float32 as TF.js needs.
 */
import { deflateSync } from 'fflate';
import { crc32, decodeTensor, encodedTensorBytes, encodeTensor, type RecordOptions } from '../../core';
import type { CompressedModel, CompressedTensor } from '../weights';
import { counter, type OnStep } from '../progress';
import {
  CHECKSUM_BYTES, COMPACT_FORMAT, COMPACT_MAGIC, COMPACT_VERSION, FIXED_HEADER_BYTES, FLAG_HEADER_DEFLATE, type CompactHeader,
} from './compactFormat';

export { decodeCompact } from './compactFormat';

/** Options of {@link encodeCompact}. */
export interface CompactOptions {
  /** Header generatedBy (default 'Compression Studio'). */
  generatedBy?: string;
  /**
   * How each tensor record is coded (core's RecordOptions: index 'dense' | 'relative' | 'csr',
   * entropy 'fixed' | 'huffman'), for all tensors or chosen per tensor. Default: the smallest
   * record ('auto'), the file the studio exports; the stage view (compress/stages.ts) restricts
   * it to show what coding adds.
   */
  record?: RecordOptions | ((tensor: CompressedTensor, index: number) => RecordOptions | undefined);
  /** Hears of each tensor record as it is encoded and checked (fraction of tensors done, 0–1); the bytes are the same without it. */
  onStep?: OnStep;
}

/** The record options of tensor `i` under `opts.record` (undefined: the smallest record). */
const recordOf = (opts: CompactOptions, t: CompressedTensor, i: number): RecordOptions | undefined =>
  typeof opts.record === 'function' ? opts.record(t, i) : opts.record;

/** Exact byte counts of a compact file: total = header + Σ perTensor + 4 (the CRC-32). */
export interface CompactSize {
  /** Whole file, bytes. */
  total: number;
  /** Fixed 16-byte header + header block (JSON or its DEFLATE), bytes. */
  header: number;
  /** Each tensor record's length in bytes, in model.tensors order. */
  perTensor: number[];
}

/** The header block and its flags: JSON as UTF-8, or its raw DEFLATE (level 9) when that is shorter. */
function headerBlock(model: CompressedModel, opts: CompactOptions): { block: Uint8Array; flags: number } {
  const header: CompactHeader = {
    format: COMPACT_FORMAT,
    version: COMPACT_VERSION,
    generatedBy: opts.generatedBy ?? 'Compression Studio',
    modelTopology: model.topology,
    tensors: model.tensors.map((t) => ({ name: t.name, layer: t.layer, shape: [...t.shape], ...(t.dtype && t.dtype !== 'float32' ? { dtype: t.dtype } : {}) })),
    ...(model.format === 'graph-model' ? { modelFormat: 'graph-model' as const } : {}),
    ...(model.extras ? { extras: model.extras } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const deflated = deflateSync(json, { level: 9 });
  return deflated.length < json.length ? { block: deflated, flags: FLAG_HEADER_DEFLATE } : { block: json, flags: 0 };
}

function checkShapes(model: CompressedModel): void {
  for (const t of model.tensors) {
    const p = t.payload.shape;
    if (p.length !== t.shape.length || p.some((d, i) => d !== t.shape[i])) {
      throw new Error(`encodeCompact: "${t.name}" has shape [${t.shape.join(', ')}] but its payload has [${p.join(', ')}]`);
    }
  }
}

/**
 * Exact size of encodeCompact(model, opts) in bytes, without building the tensor records (their
 * sizes come from core's encodedTensorBytes); only the small header block is compressed to measure it.
 */
export function compactBytes(model: CompressedModel, opts: CompactOptions = {}): CompactSize {
  checkShapes(model);
  const header = FIXED_HEADER_BYTES + headerBlock(model, opts).block.length;
  const perTensor = model.tensors.map((t, i) => encodedTensorBytes(t.payload, recordOf(opts, t, i)));
  return { total: header + perTensor.reduce((a, b) => a + b, 0) + CHECKSUM_BYTES, header, perTensor };
}

/**
 * Encodes `model` as a compact file (layout in compactFormat.ts); decodeCompact inverts it. Each
 * record is decoded again and compared with the tensor's `values` (numerically; the record format
 * stores −0 as +0), so a payload that does not reproduce its values throws instead of being saved.
 */
export function encodeCompact(model: CompressedModel, opts: CompactOptions = {}): Uint8Array {
  return encodeCompactSized(model, opts).bytes;
}

/**
 * encodeCompact plus the byte counts it produced (the same figures compactBytes computes, read
 * off the records just written, so a caller that needs both does not plan every record twice).
 */
export function encodeCompactSized(model: CompressedModel, opts: CompactOptions = {}): { bytes: Uint8Array; size: CompactSize } {
  checkShapes(model);
  const { block, flags } = headerBlock(model, opts);
  const step = counter(opts.onStep, model.tensors.length);
  const records = model.tensors.map((t, k) => {
    step(k, `Encoding ${t.name}`);
    const record = encodeTensor(t.payload, recordOf(opts, t, k));
    const back = decodeTensor(record).values;
    for (let i = 0; i < back.length; i++) {
      if (back[i] !== t.values[i]) throw new Error(`encodeCompact: the payload of "${t.name}" decodes element ${i} to ${back[i]}, but its values say ${t.values[i]}`);
    }
    if (back.length !== t.values.length) throw new Error(`encodeCompact: "${t.name}" has ${t.values.length} values but its payload ${back.length}`);
    return record;
  });
  const total = FIXED_HEADER_BYTES + block.length + records.reduce((a, r) => a + r.length, 0) + CHECKSUM_BYTES;
  if (total > 0xffffffff) throw new Error(`encodeCompact: ${total} bytes exceed the format's 4 GiB limit`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(COMPACT_MAGIC), 0);
  view.setUint16(4, COMPACT_VERSION, true);
  view.setUint16(6, flags, true);
  view.setUint32(8, total, true);
  view.setUint32(12, block.length, true);
  out.set(block, FIXED_HEADER_BYTES);
  let offset = FIXED_HEADER_BYTES + block.length;
  for (const r of records) {
    out.set(r, offset);
    offset += r.length;
  }
  view.setUint32(offset, crc32(out.subarray(0, offset)), true);
  return { bytes: out, size: { total, header: FIXED_HEADER_BYTES + block.length, perTensor: records.map((r) => r.length) } };
}
