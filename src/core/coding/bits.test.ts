import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { bitsFor, ByteReader, ByteWriter, packedBytes, varintBytes } from './bits';

describe('bit and byte I/O', () => {
  it('sizes fields by hand', () => {
    expect([0, 1, 2, 3, 4, 5, 16, 17, 256, 65536, 2 ** 32].map(bitsFor)).toEqual([0, 0, 1, 2, 2, 3, 4, 5, 8, 16, 32]);
    expect([0, 127, 128, 16383, 16384, 2 ** 32].map(varintBytes)).toEqual([1, 1, 2, 2, 3, 5]);
    expect(packedBytes(3, 3)).toBe(2);
    expect(packedBytes(0, 7)).toBe(0);
    expect(() => bitsFor(2 ** 33)).toThrow(/exceeds 2\^32/);
  });

  it('packs MSB-first and pads with zeros (hand-checked bytes)', () => {
    const w = new ByteWriter(4);
    w.bits(0b101, 3);
    w.bits(0b1, 1);
    w.bits(0b0011, 4); // first byte 1011 0011
    w.bits(0b11, 2);
    w.align(); // second byte 1100 0000
    w.u16(0x1234); // little-endian
    expect(Array.from(w.bytes)).toEqual([0xb3, 0xc0, 0x34, 0x12]);
  });

  it('round-trips random widths 0–32, varints and floats', () => {
    const r = createRng(6);
    const items = Array.from({ length: 2000 }, () => {
      const width = r.nextUint32() % 33;
      return { width, value: width === 32 ? r.nextUint32() : r.nextUint32() % 2 ** width };
    });
    const total = items.reduce((s, x) => s + x.width, 0);
    const w = new ByteWriter(packedBytes(total, 1) + 4 + 5 + 1);
    for (const { value, width } of items) w.bits(value, width);
    w.align();
    w.f32(-1.5);
    w.varint(2 ** 32 - 1);
    w.u8(7);
    expect(w.pos).toBe(w.bytes.length);
    const rd = new ByteReader(w.bytes);
    for (const { value, width } of items) expect(rd.bits(width)).toBe(value);
    rd.align();
    expect(rd.f32()).toBe(-1.5);
    expect(rd.varint()).toBe(2 ** 32 - 1);
    expect(rd.u8()).toBe(7);
    expect(() => rd.u8()).toThrow('ByteReader: truncated record (needs byte 18 of 17)'.replace('18', String(w.bytes.length + 1)).replace('17', String(w.bytes.length)));
  });

  it('refuses to write past the planned size', () => {
    const w = new ByteWriter(1);
    w.u8(1);
    expect(() => w.u8(2)).toThrow(RangeError);
  });
});
