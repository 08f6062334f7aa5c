/**
 * The files of an export and what they weigh: a zip of them (what the studio's download button
 * saves) and the exact size of each file, raw and gzip level 9 (what a web server sending
 * `Content-Encoding: gzip` transfers, give or take its own gzip header). Every figure is the
 * length of real bytes — nothing is estimated — so the size the studio shows is what is downloaded.
 */
import { deflate, deflateSync, gzipSync, zipSync, type Zippable } from 'fflate';

/** One file of an export: a plain file name (no folders) and its bytes. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

/** Size of one file, in bytes: `bytes` raw, `gzipBytes` after gzip level 9 (RFC 1952, 18-byte header + trailer included). */
export interface FileSize {
  name: string;
  bytes: number;
  gzipBytes: number;
}

/** Sizes of a whole export, in bytes: per file, their sums, and the zip's own length. */
export interface ExportSizes {
  files: FileSize[];
  /** Σ raw bytes of the files (what serving them as they are transfers). */
  total: number;
  /** Σ gzip-9 bytes of the files. */
  gzipTotal: number;
  /** Length of zipFiles(files): the single download. */
  zipBytes: number;
}

/**
 * Timestamp written into every zip entry: 1980-01-01 00:00 local time, the DOS epoch. A fixed
 * time makes the same model always zip to the same bytes (reproducible downloads and tests).
 */
export const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Bytes after gzip level 9, no file name, mtime 0 (deterministic). */
export function gzip9(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 9, mtime: 0 });
}

/**
 * Zips the files side by side at the archive root, each DEFLATE level 9, timestamp ZIP_MTIME.
 * Throws for an empty or duplicate name (a zip would silently keep only one of them).
 */
export function zipFiles(files: readonly ExportFile[]): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) {
    if (!f.name || f.name.includes('/')) throw new Error(`zipFiles: file name "${f.name}" must be a plain, non-empty name`);
    if (f.name in entries) throw new Error(`zipFiles: two files are called "${f.name}"`);
    entries[f.name] = [f.bytes, { level: 9, mtime: ZIP_MTIME }];
  }
  return zipSync(entries);
}

/** Little-endian readers/writers over a zip's bytes. */
const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const put16 = (b: Uint8Array, at: number, v: number) => { b[at] = v & 0xff; b[at + 1] = (v >>> 8) & 0xff; };
const put32 = (b: Uint8Array, at: number, v: number) => { put16(b, at, v & 0xffff); put16(b, at + 2, v >>> 16); };

/** A zip's central directory from its 22-byte end record (no archive comment, as zipFiles writes). */
function centralDirectory(zip: Uint8Array): { count: number; size: number; offset: number } {
  const end = zip.length - 22;
  if (end < 0 || u32(zip, end) !== 0x06054b50 || u16(zip, end + 20) !== 0) throw new Error('appendToZip: not a zip written by zipFiles (no 22-byte end record)');
  return { count: u16(zip, end + 10), size: u32(zip, end + 12), offset: u32(zip, end + 16) };
}

/**
 * `zip` (from zipFiles) with `file` added as its last entry, without re-compressing the others:
 * the new local entry goes before the central directory, its central entry after it, and the end
 * record is rewritten. The result is byte for byte zipFiles([...files, file]), so its length is
 * zip.length + 30 + name + deflate + 46 + name (exportSizes' formula). Throws for a name already in the zip.
 */
export function appendToZip(zip: Uint8Array, file: ExportFile): Uint8Array {
  const cd = centralDirectory(zip);
  const decoder = new TextDecoder();
  for (let p = cd.offset, i = 0; i < cd.count; i++) {
    const nameLength = u16(zip, p + 28);
    if (decoder.decode(zip.subarray(p + 46, p + 46 + nameLength)) === file.name) throw new Error(`zipFiles: two files are called "${file.name}"`);
    p += 46 + nameLength + u16(zip, p + 30) + u16(zip, p + 32);
  }
  const single = zipFiles([file]);
  const one = centralDirectory(single);
  const local = single.subarray(0, one.offset);
  const central = single.slice(one.offset, one.offset + one.size);
  put32(central, 42, cd.offset); // its local header now starts where the old central directory did
  const out = new Uint8Array(zip.length + local.length + central.length);
  out.set(zip.subarray(0, cd.offset), 0);
  out.set(local, cd.offset);
  out.set(zip.subarray(cd.offset, cd.offset + cd.size), cd.offset + local.length);
  out.set(central, cd.offset + local.length + cd.size);
  const end = out.length - 22;
  out.set(zip.subarray(zip.length - 22), end);
  put16(out, end + 8, cd.count + 1);
  put16(out, end + 10, cd.count + 1);
  put32(out, end + 12, cd.size + central.length);
  put32(out, end + 16, cd.offset + local.length);
  return out;
}

/**
 * Length in bytes of appendToZip(zip, file) for a zip of `zipBytes` bytes, without building it:
 * zipBytes + 30-byte local header + name + level-9 DEFLATE of the file + 46-byte central entry + name
 * (the zip formula of exportSizes, for one more entry).
 */
export function zipBytesWith(zipBytes: number, file: ExportFile): number {
  const name = new TextEncoder().encode(file.name).length;
  return zipBytes + 30 + name + deflatedLength(file.bytes) + 46 + name;
}

/**
 * Exact sizes of an export's files: raw length, gzip-9 length and the length of zipFiles(files),
 * from ONE level-9 DEFLATE of each file (gzip and zip wrap the very same deflate stream):
 *   gzip = 10-byte header + deflate + 8-byte trailer (CRC-32, size);
 *   zip  = Σ (30-byte local header + name + deflate + 46-byte central entry + name) + 22-byte end record.
 * Tests check both against gzip9 / zipFiles on every export. When `zip` is given, its length is used.
 */
export function exportSizes(files: readonly ExportFile[], zip?: Uint8Array): ExportSizes {
  const sizes = sizesFromDeflated(files, files.map((f) => deflatedLength(f.bytes)));
  return zip ? { ...sizes, zipBytes: zip.length } : sizes;
}

/** Length in bytes of the level-9 raw DEFLATE stream of `bytes` (what gzip9 and zipFiles wrap). */
export function deflatedLength(bytes: Uint8Array): number {
  return deflateSync(bytes, { level: 9 }).length;
}

/**
 * exportSizes from each file's level-9 DEFLATE length (`deflated[i]` for `files[i]`, e.g. from
 * deflatedLengthsAsync), by the gzip and zip framing formulas above.
 */
export function sizesFromDeflated(files: readonly ExportFile[], deflated: readonly number[]): ExportSizes {
  if (deflated.length !== files.length) throw new Error(`sizesFromDeflated: ${files.length} files but ${deflated.length} lengths`);
  const encoder = new TextEncoder();
  let zipBytes = 22;
  const sizes = files.map((f, i) => {
    const name = encoder.encode(f.name).length;
    zipBytes += 30 + name + deflated[i] + 46 + name;
    return { name: f.name, bytes: f.bytes.length, gzipBytes: 10 + deflated[i] + 8 };
  });
  return {
    files: sizes,
    total: sizes.reduce((a, s) => a + s.bytes, 0),
    gzipTotal: sizes.reduce((a, s) => a + s.gzipBytes, 0),
    zipBytes,
  };
}

/** A computation running on another thread: its result, or undefined once cancelled. */
export interface OffThread<T> {
  promise: Promise<T | undefined>;
  /** Stops the computation (its thread is terminated); the promise resolves undefined. */
  cancel(): void;
}

/**
 * deflatedLength of each buffer, computed off the calling thread by fflate's worker-based
 * `deflate` (a Web Worker in browsers and workers, worker_threads in Node): the same code as
 * deflateSync, so the same lengths. One buffer at a time, so it takes one core, not all of them.
 * The buffers are copied to the helper thread; the caller keeps its own.
 */
export function deflatedLengthsAsync(buffers: readonly Uint8Array[]): OffThread<number[]> {
  let stop: (() => void) | undefined;
  let cancelled = false;
  let settle: (v: number[] | undefined) => void = () => {};
  const promise = new Promise<number[] | undefined>((resolve, reject) => {
    settle = resolve;
    const lengths: number[] = [];
    const next = () => {
      if (cancelled) return;
      if (lengths.length === buffers.length) { resolve(lengths); return; }
      stop = deflate(buffers[lengths.length], { level: 9 }, (err, out) => {
        if (cancelled) return;
        if (err) { reject(err); return; }
        lengths.push(out.length);
        next();
      });
    };
    next();
  });
  return {
    promise,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      stop?.();
      settle(undefined);
    },
  };
}
