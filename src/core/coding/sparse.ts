import { bitsFor, packedBytes } from './bits';

/**
 * Sparse index storage of the non-zero positions of a flat tensor (Deep Compression, Han et
 * al. 2016, §2 and Fig. 2), in two forms:
 * - relative index: entry j stores gⱼ = pⱼ − pⱼ₋₁ − 1 in b bits (p₋₁ = −1), so a gap of up to
 *   2ᵇ positions fits; a longer gap gets filler entries at p + 2ᵇ whose value is an explicit
 *   zero. Entries E(b) = nnz + Σⱼ ⌊(pⱼ − pⱼ₋₁ − 1)/2ᵇ⌋; index size E·b bits.
 * - CSR on the matrix view [R, C] (C = last dimension): R row ends in ⌈log₂(nnz+1)⌉ bits
 *   each (the leading 0 is implicit) and nnz column indices in ⌈log₂ C⌉ bits each.
 */

/**
 * Relative-index entries for sorted non-zero `positions` with gap field width `b` (1–16):
 * `gaps[j]` ∈ [0, 2ᵇ − 1] and `entries[j]` the position each entry stands for; fillers
 * (entries not in `positions`) must hold value 0.
 */
export function relativeIndexEncode(positions: ArrayLike<number>, b: number): { gaps: Uint16Array; entries: Int32Array } {
  if (!Number.isInteger(b) || b < 1 || b > 16) throw new Error(`relativeIndexEncode: gap bits b must be an integer in [1, 16], got ${b}`);
  const span = 2 ** b;
  const count = relativeIndexEntries(positions, b);
  const gaps = new Uint16Array(count);
  const entries = new Int32Array(count);
  let prev = -1;
  let j = 0;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    if (!(p > prev)) throw new Error(`relativeIndexEncode: positions must be strictly increasing (position ${p} after ${prev})`);
    while (p - prev > span) {
      prev += span;
      gaps[j] = span - 1;
      entries[j++] = prev; // filler: an explicit zero
    }
    gaps[j] = p - prev - 1;
    entries[j++] = p;
    prev = p;
  }
  return { gaps, entries };
}

/** Number of relative-index entries E(b) = nnz + fillers, without materialising them. */
export function relativeIndexEntries(positions: ArrayLike<number>, b: number): number {
  let prev = -1;
  let e = positions.length;
  for (let i = 0; i < positions.length; i++) {
    e += Math.floor((positions[i] - prev - 1) / 2 ** b);
    prev = positions[i];
  }
  return e;
}

/** Inverse of {@link relativeIndexEncode}: the position of every entry, pⱼ = pⱼ₋₁ + gⱼ + 1. */
export function relativeIndexDecode(gaps: ArrayLike<number>): Int32Array {
  const out = new Int32Array(gaps.length);
  let prev = -1;
  for (let j = 0; j < gaps.length; j++) out[j] = prev = prev + gaps[j] + 1;
  return out;
}

/**
 * Counts fillers for every b = 1…16 from a histogram of gaps g = pⱼ − pⱼ₋₁ − 1:
 * fillers(b) = Σ_g hist[g]·⌊g/2ᵇ⌋ (`large` lists gaps beyond the histogram). Index 0 unused.
 */
export function fillersPerWidth(hist: ArrayLike<number>, maxGap: number, large: ArrayLike<number>): Float64Array {
  const out = new Float64Array(17);
  for (let g = 1; g <= Math.min(maxGap, hist.length - 1); g++) {
    const h = hist[g];
    if (h) for (let b = 1; b <= 16; b++) out[b] += h * Math.floor(g / 2 ** b);
  }
  for (let i = 0; i < large.length; i++) for (let b = 1; b <= 16; b++) out[b] += Math.floor(large[i] / 2 ** b);
  return out;
}

/** CSR index of sorted flat `positions` in the [rows, cols] view: row ends and column indices. */
export function csrEncode(positions: ArrayLike<number>, rows: number, cols: number): { rowEnds: Uint32Array; colIdx: Uint32Array } {
  const rowEnds = new Uint32Array(rows);
  const colIdx = new Uint32Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    colIdx[i] = p % cols;
    rowEnds[Math.floor(p / cols)]++;
  }
  for (let r = 1; r < rows; r++) rowEnds[r] += rowEnds[r - 1];
  return { rowEnds, colIdx };
}

/** Inverse of {@link csrEncode}: flat positions of the stored entries, in row-major order. */
export function csrDecode(rowEnds: ArrayLike<number>, colIdx: ArrayLike<number>, cols: number): Int32Array {
  const out = new Int32Array(colIdx.length);
  let start = 0;
  for (let r = 0; r < rowEnds.length; r++) {
    const end = rowEnds[r];
    if (end < start || end > colIdx.length) throw new Error(`csrDecode: row end ${end} of row ${r} is out of order`);
    for (let i = start; i < end; i++) {
      if (colIdx[i] >= cols) throw new Error(`csrDecode: column ${colIdx[i]} out of range [0, ${cols})`);
      out[i] = r * cols + colIdx[i];
    }
    start = end;
  }
  if (start !== colIdx.length) throw new Error(`csrDecode: row ends cover ${start} of ${colIdx.length} entries`);
  return out;
}

/** Index bytes of the relative form: ⌈E·b/8⌉ (one byte-aligned section). */
export function relativeIndexBytes(entries: number, b: number): number {
  return packedBytes(entries, b);
}

/** Index bytes of the CSR form: ⌈R·⌈log₂(nnz+1)⌉/8⌉ + ⌈nnz·⌈log₂ C⌉/8⌉ (two byte-aligned sections). */
export function csrIndexBytes(nnz: number, rows: number, cols: number): number {
  return packedBytes(rows, bitsFor(nnz + 1)) + packedBytes(nnz, bitsFor(cols));
}
