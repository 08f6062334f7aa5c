import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { canonicalCodes, huffmanBitLength, huffmanCodeLengths, huffmanDecode, huffmanEncode } from './huffman';

const kraft = (lengths: Uint8Array): number => Array.from(lengths).reduce((s, l) => s + (l ? 2 ** -l : 0), 0);

describe('canonical Huffman', () => {
  it('builds a tiny code by hand: freqs 5 2 1 1 → lengths 1 2 3 3, codes 0 10 110 111', () => {
    const lengths = huffmanCodeLengths([5, 2, 1, 1]);
    expect(Array.from(lengths)).toEqual([1, 2, 3, 3]);
    expect(Array.from(canonicalCodes(lengths))).toEqual([0b0, 0b10, 0b110, 0b111]);
    const bytes = huffmanEncode([0, 1, 3, 2, 0], lengths); // 0 10 111 110 0 → 0101 1111 0000 0000
    expect(Array.from(bytes)).toEqual([0x5f, 0x00]);
    expect(Array.from(huffmanDecode(bytes, lengths, 5))).toEqual([0, 1, 3, 2, 0]);
  });

  it('matches the optimal cost of an independent heap-based Huffman in Python (pasted)', () => {
    const text = new TextEncoder().encode('this is an example of a huffman tree');
    const freqs = new Float64Array(256);
    for (const c of text) freqs[c]++;
    expect(huffmanBitLength(freqs, huffmanCodeLengths(freqs))).toBe(135);
    expect(huffmanBitLength([5, 2, 1, 1], huffmanCodeLengths([5, 2, 1, 1]))).toBe(15);
    const fib = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];
    expect(huffmanBitLength(fib, huffmanCodeLengths(fib, 24))).toBe(971);
  });

  it('limits code lengths, keeping a complete prefix code', () => {
    const fib = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];
    expect(Math.max(...huffmanCodeLengths(fib, 24))).toBe(11);
    for (const max of [4, 5, 7]) {
      const l = huffmanCodeLengths(fib, max);
      expect(Math.max(...l)).toBeLessThanOrEqual(max);
      expect(kraft(l)).toBe(1);
      expect(huffmanBitLength(fib, l)).toBeGreaterThanOrEqual(971);
      const symbols = fib.flatMap((f, s) => Array(f).fill(s) as number[]);
      expect(Array.from(huffmanDecode(huffmanEncode(symbols, l), l, symbols.length))).toEqual(symbols);
    }
  });

  it('handles empty, single-symbol and impossible inputs', () => {
    expect(Array.from(huffmanCodeLengths([0, 0]))).toEqual([0, 0]);
    expect(huffmanEncode([], new Uint8Array(2)).length).toBe(0);
    const one = huffmanCodeLengths([0, 9, 0]);
    expect(Array.from(one)).toEqual([0, 1, 0]);
    expect(Array.from(huffmanDecode(huffmanEncode([1, 1, 1], one), one, 3))).toEqual([1, 1, 1]);
    expect(() => huffmanCodeLengths([1, 1, 1, 1, 1], 2)).toThrow('huffmanCodeLengths: 5 symbols cannot be coded in at most 2 bits');
    expect(() => huffmanCodeLengths([1, NaN])).toThrow('huffmanCodeLengths: freqs[1] is NaN; frequencies must be finite and ≥ 0');
    expect(() => huffmanCodeLengths([1, -1])).toThrow(/freqs\[1\] is -1/);
    expect(() => huffmanCodeLengths([1], 0)).toThrow(/maxLength must be an integer in \[1, 24\]/);
    expect(() => huffmanEncode([0, 2], huffmanCodeLengths([1, 1, 0]))).toThrow('huffmanWrite: symbol 2 at position 1 has no code');
    // 0b11 is no codeword of lengths [1, 2, 0] (codes 0, 10): decoding must refuse it.
    expect(() => huffmanDecode(new Uint8Array([0xff]), new Uint8Array([1, 2, 0]), 1)).toThrow('huffmanRead: invalid Huffman code at symbol 0');
  });

  it('decode(encode(x)) == x on random data, within 1 bit/symbol of the entropy', () => {
    const r = createRng(13);
    for (let t = 0; t < 40; t++) {
      const alphabet = 1 + (r.nextUint32() % 300);
      const skew = 0.5 + 3 * r.next();
      const n = r.nextUint32() % 5000;
      const symbols = Uint32Array.from({ length: n }, () => Math.min(alphabet - 1, Math.floor(alphabet * r.next() ** skew)));
      const freqs = new Float64Array(alphabet);
      for (const s of symbols) freqs[s]++;
      const maxLen = 9 + (t % 8);
      const lengths = huffmanCodeLengths(freqs, maxLen);
      const bytes = huffmanEncode(symbols, lengths);
      expect(bytes.length).toBe(Math.ceil(huffmanBitLength(freqs, lengths) / 8));
      expect(huffmanDecode(bytes, lengths, n)).toEqual(symbols);
      let entropy = 0;
      for (const f of freqs) if (f) entropy -= f * Math.log2(f / n);
      const used = freqs.filter((f) => f > 0).length;
      if (used > 1 && 2 ** maxLen >= 4 * used) expect(huffmanBitLength(freqs, lengths)).toBeLessThanOrEqual(entropy + n + 1e-6);
      if (used > 1) expect(kraft(lengths)).toBe(1);
    }
  });
});
