/**
 * Compact model file ("CSTU"), format version 1, and its reader. Little-endian throughout.
 *
 *   offset   size  field
 *   0        4     magic "CSTU" (0x43 0x53 0x54 0x55)
 *   4        2     u16 format version = 1
 *   6        2     u16 flags: bit 0 = header block is raw DEFLATE (RFC 1951, level 9); others 0
 *   8        4     u32 L, the file's total length in bytes (checksum included)
 *   12       4     u32 H, the header block's length in bytes
 *   16       H     header block: UTF-8 JSON, or its DEFLATE when that is smaller (flag bit 0)
 *                  { format: 'compression-studio-compact', version: 1, generatedBy: string,
 *                    modelTopology: object (model.json's), tensors: [{ name, layer, shape, dtype? }],
 *                    modelFormat?: 'graph-model', extras?: { signature, userDefinedMetadata,
 *                    modelInitializer, initializerSignature } }
 *                  modelFormat absent = a layers model; dtype absent = float32 ('int32' / 'bool':
 *                  a graph model's integer constants, whose records hold the integers as float32)
 *   16 + H   …     one tensor record per header tensor, in header (= weights manifest) order:
 *                  core's self-delimiting tensor record (src/core/coding/tensorRecord.ts), which
 *                  starts with its own u32 length
 *   L − 4    4     u32 CRC-32 (IEEE, as zip/gzip) of bytes [0, L − 4)
 *
 * So L = 16 + H + Σ record lengths + 4. The reader checks the magic, version, length, checksum,
 * flags, header and every record's bounds and shape, and throws `compact file: …` on any fault:
 * it never returns a model that differs from the one written. Imports only the decode side of core.
 */
import { inflateSync } from 'fflate';
import { crc32 } from '../../core/coding/crc32';
import { decodeTensor } from '../../core/coding/tensorDecode';
import type { ModelExtras, ModelParts, WeightDtype } from '../weights';

/** File magic, the first four bytes. */
export const COMPACT_MAGIC = 'CSTU';
/** File-name extension of compact files (the magic in lower case). */
export const COMPACT_EXTENSION = '.cstu';
/** Format version this code writes and reads. */
export const COMPACT_VERSION = 1;
/** Header `format` value. */
export const COMPACT_FORMAT = 'compression-studio-compact';
/** Flag bit 0: the header block is raw DEFLATE-compressed JSON. */
export const FLAG_HEADER_DEFLATE = 1;
/** Bytes before the header block: magic, version, flags, L, H. */
export const FIXED_HEADER_BYTES = 16;
/** Bytes of the trailing CRC-32. */
export const CHECKSUM_BYTES = 4;

/** One tensor as the header lists it: manifest name, owning layer, shape. */
export interface CompactTensorInfo {
  name: string;
  layer: string;
  shape: number[];
  /** absent = float32 */
  dtype?: WeightDtype;
}

/** The header block's JSON. */
export interface CompactHeader {
  format: typeof COMPACT_FORMAT;
  version: number;
  generatedBy: string;
  modelTopology: object;
  tensors: CompactTensorInfo[];
  /** 'graph-model' for a TF.js graph model; absent = layers model. */
  modelFormat?: 'graph-model';
  /** A graph model's other model.json fields, as read. */
  extras?: ModelExtras;
}

const fail = (msg: string): never => {
  throw new Error(`compact file: ${msg}`);
};
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const isShape = (s: unknown): s is number[] => Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0);

/** Parses and validates the header block (after inflating it when `flags` say so). */
export function parseCompactHeader(block: Uint8Array, flags: number): CompactHeader {
  let text: string;
  try {
    const raw = flags & FLAG_HEADER_DEFLATE ? inflateSync(block) : block;
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (e) {
    return fail(`bad header block (${(e as Error).message})`);
  }
  let h: Partial<CompactHeader>;
  try {
    h = JSON.parse(text) as Partial<CompactHeader>;
  } catch (e) {
    return fail(`bad header JSON (${(e as Error).message})`);
  }
  if (typeof h !== 'object' || h === null || h.format !== COMPACT_FORMAT) return fail(`bad header JSON (format is not "${COMPACT_FORMAT}")`);
  if (h.version !== COMPACT_VERSION) return fail(`bad header JSON (version ${String(h.version)} does not match the file's version ${COMPACT_VERSION})`);
  if (typeof h.modelTopology !== 'object' || h.modelTopology === null) return fail('bad header JSON (no modelTopology object)');
  if (!Array.isArray(h.tensors)) return fail('bad header JSON (no tensors list)');
  h.tensors.forEach((t, i) => {
    if (typeof t?.name !== 'string' || typeof t.layer !== 'string' || !isShape(t.shape)) fail(`bad header JSON (tensors[${i}] needs a name, a layer and a shape of non-negative integers)`);
    if (t.dtype !== undefined && !['float32', 'int32', 'bool'].includes(t.dtype)) fail(`bad header JSON (tensors[${i}] has dtype ${JSON.stringify(t.dtype)}; float32, int32 or bool)`);
  });
  if (h.modelFormat !== undefined && h.modelFormat !== 'graph-model') fail(`bad header JSON (modelFormat ${JSON.stringify(h.modelFormat)} is not "graph-model")`);
  if (h.extras !== undefined && (typeof h.extras !== 'object' || h.extras === null)) fail('bad header JSON (extras is not an object)');
  return h as CompactHeader;
}

/** Reads and checks the 16-byte fixed header and the checksum; returns the flags and header block bounds. */
function checkFrame(bytes: Uint8Array): { flags: number; headerEnd: number; end: number } {
  const magic = new TextEncoder().encode(COMPACT_MAGIC);
  const smallest = FIXED_HEADER_BYTES + CHECKSUM_BYTES;
  if (bytes.length === 0) fail('not a compact file (it is empty)');
  if (bytes.subarray(0, 4).some((b, i) => b !== magic[i])) fail(`not a compact file (it starts with ${hex(bytes.subarray(0, 4))}, expected "${COMPACT_MAGIC}")`);
  if (bytes.length < 6) fail(`truncated at byte ${bytes.length} of at least ${smallest}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== COMPACT_VERSION) fail(`unsupported version ${version} (this reader reads version ${COMPACT_VERSION})`);
  if (bytes.length < 12) fail(`truncated at byte ${bytes.length} of at least ${smallest}`);
  const total = view.getUint32(8, true);
  if (bytes.length < total) fail(`truncated at byte ${bytes.length} of ${total}`);
  if (bytes.length > total) fail(`${bytes.length - total} unexpected bytes after the end of the file (byte ${total})`);
  if (total < smallest) fail(`length field says ${total} bytes, less than the smallest file (${smallest})`);
  const end = total - CHECKSUM_BYTES;
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual) fail(`checksum mismatch (stored 0x${stored.toString(16).padStart(8, '0')}, computed 0x${actual.toString(16).padStart(8, '0')}): the file is corrupt`);
  const flags = view.getUint16(6, true);
  if (flags & ~FLAG_HEADER_DEFLATE) fail(`unknown flags 0x${flags.toString(16)} (this reader knows 0x${FLAG_HEADER_DEFLATE.toString(16)})`);
  const headerEnd = FIXED_HEADER_BYTES + view.getUint32(12, true);
  if (headerEnd > end) fail(`header of ${headerEnd - FIXED_HEADER_BYTES} bytes runs past the records' end (byte ${end})`);
  return { flags, headerEnd, end };
}

/** The shape a version-1 tensor record at `offset` declares (u8 rank at +8, u32 dims from +9), or null if unreadable. */
function recordShape(bytes: Uint8Array, offset: number, end: number): number[] | null {
  if (offset + 9 > end || bytes[offset + 4] !== 1) return null;
  const rank = bytes[offset + 8];
  if (offset + 9 + 4 * rank > end) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset + 9, 4 * rank);
  return Array.from({ length: rank }, (_, i) => view.getUint32(4 * i, true));
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Decodes a compact file (layout above) into plain float32 weights in manifest order and the
 * topology. Throws `compact file: …` naming the fault — not a compact file, unsupported version N,
 * truncated at byte X of Y, checksum mismatch, a bad header, or a record that is malformed, runs
 * past the end or whose shape differs from the header's — and never returns a partial model.
 */
export function decodeCompact(input: Uint8Array | ArrayBuffer): ModelParts {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { flags, headerEnd, end } = checkFrame(bytes);
  const header = parseCompactHeader(bytes.subarray(FIXED_HEADER_BYTES, headerEnd), flags);
  let offset = headerEnd;
  const weights = header.tensors.map(({ name, shape, dtype }) => {
    if (offset + 4 > end) fail(`record for "${name}" is missing: the records end at byte ${offset}`);
    // Compare shapes before decoding, so a wrong shape is named and never allocated.
    const declared = recordShape(bytes, offset, end) ?? shape;
    if (!sameShape(declared, shape)) fail(`record for "${name}" has shape [${declared.join(', ')}] but header says [${shape.join(', ')}]`);
    let decoded;
    try {
      decoded = decodeTensor(bytes.subarray(offset, end));
    } catch (e) {
      return fail(`record for "${name}" at byte ${offset} is invalid (${(e as Error).message})`);
    }
    if (!sameShape(decoded.shape, shape)) fail(`record for "${name}" has shape [${decoded.shape.join(', ')}] but header says [${shape.join(', ')}]`);
    offset += decoded.byteLength;
    return { name, shape: [...shape], values: decoded.values, ...(dtype && dtype !== 'float32' ? { dtype } : {}) };
  });
  if (offset !== end) fail(`${end - offset} unexplained bytes after the last record (bytes ${offset}–${end - 1})`);
  return { topology: header.modelTopology, weights, ...(header.modelFormat ? { format: header.modelFormat } : {}), ...(header.extras ? { extras: header.extras } : {}) };
}
