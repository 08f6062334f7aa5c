/**
 * Byte and bit I/O for the compact formats: little-endian fixed-width fields, LEB128 varints,
 * and MSB-first bit packing (the first value's most significant bit is bit 7 of the first
 * byte), each bit section zero-padded to a whole byte by `align()`.
 */

/** Bits needed to store any integer in [0, count): ⌈log₂ count⌉, and 0 when count ≤ 1. */
export function bitsFor(count: number): number {
  if (count <= 1) return 0;
  if (count > 2 ** 32) throw new Error(`bitsFor: ${count} exceeds 2^32`);
  return count === 2 ** 32 ? 32 : 32 - Math.clz32(count - 1);
}

/** Bytes of an unsigned LEB128 varint: ⌈max(1, bit length of x)/7⌉ (x < 2⁵³). */
export function varintBytes(x: number): number {
  let n = 1;
  while (x >= 128) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/** Bytes of `count` values packed at `width` bits each: ⌈count·width/8⌉. */
export function packedBytes(count: number, width: number): number {
  return Math.ceil((count * width) / 8);
}

/** Writes into a preallocated buffer; throws on overflow, so a wrong size plan cannot go unnoticed. */
export class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  private acc = 0; // pending bits, right-aligned
  private nacc = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(x: number): void { this.view.setUint8(this.pos, x); this.pos += 1; }
  u16(x: number): void { this.view.setUint16(this.pos, x, true); this.pos += 2; }
  u32(x: number): void { this.view.setUint32(this.pos, x, true); this.pos += 4; }
  f32(x: number): void { this.view.setFloat32(this.pos, x, true); this.pos += 4; }
  varint(x: number): void {
    while (x >= 128) { this.u8((x % 128) | 128); x = Math.floor(x / 128); }
    this.u8(x);
  }
  /** Appends the low `width` bits of `value` (0 ≤ width ≤ 32), most significant first. */
  bits(value: number, width: number): void {
    if (width > 24) { // keep the accumulator within 31 bits
      this.bits(Math.floor(value / 65536) & 0xffff, width - 16);
      this.bits(value & 0xffff, 16);
      return;
    }
    this.acc = (this.acc << width) | (value & ((1 << width) - 1));
    this.nacc += width;
    while (this.nacc >= 8) {
      this.nacc -= 8;
      this.bytes[this.pos++] = (this.acc >>> this.nacc) & 0xff;
    }
    this.acc &= (1 << this.nacc) - 1;
  }
  /** Flushes a partial byte, padding with zero bits. */
  align(): void {
    if (this.nacc > 0) this.bits(0, 8 - this.nacc);
  }
}

/** Reads what {@link ByteWriter} wrote; throws `truncated record` when reading past the end. */
export class ByteReader {
  private readonly view: DataView;
  pos: number;
  private acc = 0;
  private nacc = 0;

  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }
  private need(n: number): void {
    if (this.pos + n > this.end) throw new Error(`ByteReader: truncated record (needs byte ${this.pos + n} of ${this.end})`);
  }
  u8(): number { this.need(1); return this.view.getUint8(this.pos++); }
  u16(): number { this.need(2); const x = this.view.getUint16(this.pos, true); this.pos += 2; return x; }
  u32(): number { this.need(4); const x = this.view.getUint32(this.pos, true); this.pos += 4; return x; }
  f32(): number { this.need(4); const x = this.view.getFloat32(this.pos, true); this.pos += 4; return x; }
  varint(): number {
    let x = 0;
    for (let mul = 1; ; mul *= 128) {
      const b = this.u8();
      x += (b & 127) * mul;
      if (b < 128) return x;
      if (mul > 2 ** 45) throw new Error('ByteReader: varint too long');
    }
  }
  /** Reads `width` bits (0–32), most significant first. */
  bits(width: number): number {
    if (width > 24) return this.bits(width - 16) * 65536 + this.bits(16);
    while (this.nacc < width) {
      this.acc = ((this.acc << 8) | this.u8()) & 0x7fffffff;
      this.nacc += 8;
    }
    this.nacc -= width;
    return (this.acc >>> this.nacc) & ((1 << width) - 1);
  }
  /** One bit (for Huffman decoding). */
  bit(): number { return this.bits(1); }
  /** Drops the padding bits of a partial byte. */
  align(): void { this.acc = 0; this.nacc = 0; }
}
