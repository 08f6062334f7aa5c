import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { crc32 } from './crc32';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Bit-by-bit reference (no tables): the definition itself. */
function crcBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32', () => {
  it('matches the check value and Python zlib.crc32 (pasted)', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe(0x29058c73);
  });

  it('agrees with the bitwise definition, on subarrays, and chains incrementally', () => {
    const r = createRng(19);
    const data = Uint8Array.from({ length: 4099 }, () => r.nextUint32() & 255);
    for (const [a, b] of [[0, 4099], [1, 8], [3, 3], [5, 4000]]) expect(crc32(data.subarray(a, b))).toBe(crcBitwise(data.subarray(a, b)));
    expect(crc32(data.subarray(1000), crc32(data.subarray(0, 1000)))).toBe(crc32(data));
  });
});
