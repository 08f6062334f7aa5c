/**
 * Reads chosen entries of a zip (a Keras 3 `.keras` file) with the platform's own inflate: the
 * central directory is parsed here and each DEFLATE entry goes through `DecompressionStream('gzip')`
 * (Chromium, Firefox, Safari, workers, Node ≥ 18), wrapped in a gzip header and a trailer made of
 * the entry's CRC-32 and size from the directory — so the platform checks the CRC too. Stored
 * entries are returned as views of the input. Kept apart from fflate so that the studio worker's
 * first-load chunk (which has fflate's gzip only) does not carry fflate's inflate and unzip.
 */

/** A zip fault; the message says what is wrong (the caller names the file). */
export class ZipError extends Error {}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Where the End Of Central Directory record starts: searched backwards over the comment (≤ 65 535 bytes). */
function findEocd(view: DataView): number {
  for (let at = view.byteLength - 22; at >= 0 && at >= view.byteLength - 22 - 65535; at--) {
    if (view.getUint32(at, true) === EOCD) return at;
  }
  throw new ZipError('no end of central directory');
}

interface Entry { name: string; method: number; flags: number; crc: number; compressedSize: number; size: number; localOffset: number }

/** The zip64 extended-information field of a central directory entry, for the sizes and offset stored as 0xFFFFFFFF. */
function zip64(view: DataView, start: number, length: number, e: Entry): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let p = at + 4;
      const next = () => { const v = Number(view.getBigUint64(p, true)); p += 8; return v; };
      if (e.size === 0xffffffff) e.size = next();
      if (e.compressedSize === 0xffffffff) e.compressedSize = next();
      if (e.localOffset === 0xffffffff) e.localOffset = next();
      return;
    }
    at += 4 + size;
  }
}

function centralDirectory(bytes: Uint8Array): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(view);
  const count = view.getUint16(eocd + 10, true);
  const offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipError('a zip64 central directory (over 65 535 entries or 4 GB) is not read');
  const entries: Entry[] = [];
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) throw new ZipError(`central directory entry ${i + 1} of ${count} is missing or damaged`);
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    const e: Entry = {
      name: (flags & 0x800 ? utf8 : latin1).decode(nameBytes),
      method: view.getUint16(at + 10, true), flags,
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    };
    zip64(view, at + 46 + nameLength, extraLength, e);
    entries.push(e);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The platform's inflate of one raw DEFLATE entry, its CRC-32 and size checked (gzip's trailer). */
async function inflate(data: Uint8Array, e: Entry): Promise<Uint8Array> {
  const header = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  const trailer = new Uint8Array(8);
  const t = new DataView(trailer.buffer);
  t.setUint32(0, e.crc, true);
  t.setUint32(4, e.size >>> 0, true);
  const stream = new Blob([header, data as Uint8Array<ArrayBuffer>, trailer]).stream().pipeThrough(new DecompressionStream('gzip'));
  const out = new Uint8Array(await new Response(stream).arrayBuffer());
  if (out.length !== e.size) throw new ZipError(`${e.name} inflates to ${out.length} bytes, not the ${e.size} its directory says`);
  return out;
}

/**
 * The entries of `bytes` (a zip) whose names `want` accepts, decompressed, by name. Rejects with a
 * ZipError (or the platform's own inflate error) for a truncated or damaged zip, an encrypted entry
 * or a compression method other than stored and DEFLATE.
 */
export async function unzipEntries(bytes: Uint8Array, want: (name: string) => boolean): Promise<Record<string, Uint8Array>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, Uint8Array> = {};
  for (const e of centralDirectory(bytes)) {
    if (!want(e.name)) continue;
    if (e.flags & 1) throw new ZipError(`${e.name} is encrypted`);
    const at = e.localOffset;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL) throw new ZipError(`the local header of ${e.name} is missing or damaged`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + e.compressedSize;
    if (end > bytes.length) throw new ZipError(`${e.name} ends past the end of the file`);
    const data = bytes.subarray(start, end);
    if (e.method === 0) {
      if (e.compressedSize !== e.size) throw new ZipError(`${e.name} is stored with two different sizes`);
      out[e.name] = data;
    } else if (e.method === 8) {
      out[e.name] = await inflate(data, e);
    } else {
      throw new ZipError(`${e.name} uses compression method ${e.method} (only stored and DEFLATE are read)`);
    }
  }
  return out;
}
