/**
 * CRC-32 (IEEE 802.3, the checksum of zip, gzip and PNG): reflected polynomial 0xEDB88320,
 * initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF; check value crc32("123456789") = 0xCBF43926.
 * Table-driven, slicing by 4 (four 256-entry tables) for about 1 GB/s in V8.
 */

const TABLES = (() => {
  const t = new Uint32Array(4 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 4; s++) t[s * 256 + i] = (t[(s - 1) * 256 + i] >>> 8) ^ t[t[(s - 1) * 256 + i] & 0xff];
  }
  return t;
})();

/**
 * CRC-32 of `bytes`, as an unsigned 32-bit integer. To checksum data in pieces pass the
 * previous result as `crc`: crc32(b, crc32(a)) === crc32(a ‖ b).
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  const n = bytes.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = TABLES[768 + (c & 0xff)] ^ TABLES[512 + ((c >>> 8) & 0xff)] ^ TABLES[256 + ((c >>> 16) & 0xff)] ^ TABLES[c >>> 24];
  }
  for (; i < n; i++) c = TABLES[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
