import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { csrDecode, csrEncode, csrIndexBytes, fillersPerWidth, relativeIndexBytes, relativeIndexDecode, relativeIndexEncode, relativeIndexEntries } from './sparse';

describe('relative index (Deep Compression)', () => {
  it('inserts a filler when a gap exceeds 2^b (hand-checked, b = 3)', () => {
    // positions 1, 4, 15: gaps 1, 2, then 15 − 4 = 11 > 8 → filler at 12 (gap 7), then gap 2.
    const { gaps, entries } = relativeIndexEncode([1, 4, 15], 3);
    expect(Array.from(gaps)).toEqual([1, 2, 7, 2]);
    expect(Array.from(entries)).toEqual([1, 4, 12, 15]);
    expect(relativeIndexEntries([1, 4, 15], 3)).toBe(4);
    expect(Array.from(relativeIndexDecode(gaps))).toEqual([1, 4, 12, 15]);
    expect(relativeIndexBytes(4, 3)).toBe(2);
    // A gap of exactly 2^b fits without a filler.
    expect(Array.from(relativeIndexEncode([7], 3).gaps)).toEqual([7]);
    expect(Array.from(relativeIndexEncode([8], 3).gaps)).toEqual([7, 0]);
  });

  it('handles empty input and rejects bad widths or unsorted positions', () => {
    expect(relativeIndexEncode([], 4).gaps.length).toBe(0);
    expect(() => relativeIndexEncode([1], 0)).toThrow('relativeIndexEncode: gap bits b must be an integer in [1, 16], got 0');
    expect(() => relativeIndexEncode([3, 3], 4)).toThrow('relativeIndexEncode: positions must be strictly increasing (position 3 after 3)');
  });

  it('round-trips random sparse positions and counts fillers for every b from a gap histogram', () => {
    const r = createRng(17);
    for (let t = 0; t < 20; t++) {
      const n = 1 + (r.nextUint32() % 30000);
      const density = r.next() ** 3;
      const positions: number[] = [];
      for (let i = 0; i < n; i++) if (r.next() < density) positions.push(i);
      const hist = new Float64Array(1024);
      const large: number[] = [];
      let prev = -1;
      let maxGap = 0;
      for (const p of positions) {
        const g = p - prev - 1;
        if (g < 1024) hist[g]++;
        else large.push(g);
        maxGap = Math.max(maxGap, g);
        prev = p;
      }
      const fillers = fillersPerWidth(hist, maxGap, large);
      for (const b of [1, 2, 5, 8, 16]) {
        const { gaps, entries } = relativeIndexEncode(positions, b);
        expect(entries.length).toBe(positions.length + fillers[b]);
        expect(relativeIndexDecode(gaps)).toEqual(entries);
        const real = new Set(positions);
        expect(Array.from(entries).filter((p) => real.has(p)).length).toBe(positions.length);
      }
    }
  });
});

describe('CSR', () => {
  it('encodes a tiny 3×4 matrix by hand', () => {
    // non-zeros at (0,1) (0,3) (2,0) → flat 1, 3, 8
    const { rowEnds, colIdx } = csrEncode([1, 3, 8], 3, 4);
    expect(Array.from(rowEnds)).toEqual([2, 2, 3]);
    expect(Array.from(colIdx)).toEqual([1, 3, 0]);
    expect(Array.from(csrDecode(rowEnds, colIdx, 4))).toEqual([1, 3, 8]);
    // 3 row ends × 2 bits → 1 byte; 3 columns × 2 bits → 1 byte
    expect(csrIndexBytes(3, 3, 4)).toBe(2);
  });

  it('round-trips random matrices and rejects corrupt indices', () => {
    const r = createRng(18);
    const positions: number[] = [];
    for (let i = 0; i < 50 * 37; i++) if (r.next() < 0.2) positions.push(i);
    const { rowEnds, colIdx } = csrEncode(positions, 50, 37);
    expect(Array.from(csrDecode(rowEnds, colIdx, 37))).toEqual(positions);
    expect(() => csrDecode([2, 1], [0, 0], 4)).toThrow('csrDecode: row end 1 of row 1 is out of order');
    expect(() => csrDecode([1], [5], 4)).toThrow('csrDecode: column 5 out of range [0, 4)');
    expect(() => csrDecode([1], [0, 1], 4)).toThrow('csrDecode: row ends cover 1 of 2 entries');
  });
});
