import { ByteReader, ByteWriter, packedBytes } from './bits';

/**
 * Canonical Huffman coding with a maximum code length. A code is fully described by the code
 * length of every symbol (0 = unused); canonical codes are assigned in order of (length,
 * symbol), as in DEFLATE (RFC 1951 §3.2.2), so only lengths need to be stored.
 */

/**
 * Optimal prefix-code lengths for `freqs` (Huffman, two-queue O(U log U) for U used symbols),
 * then limited to `maxLength` bits by the JPEG procedure (ITU T.81 Annex K.3: move pairs of
 * over-long leaves up, keeping Kraft's sum Σ2^−ℓ = 1), longest codes to least frequent
 * symbols. Ties are broken by symbol index, so the result is deterministic. A single used
 * symbol gets length 1. Expected size: Σ fᵢ·ℓᵢ bits. Throws if 2^maxLength < U.
 */
export function huffmanCodeLengths(freqs: ArrayLike<number>, maxLength = 16): Uint8Array {
  const fn = 'huffmanCodeLengths';
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 24) throw new Error(`${fn}: maxLength must be an integer in [1, 24], got ${maxLength}`);
  const lengths = new Uint8Array(freqs.length);
  const used: number[] = [];
  for (let s = 0; s < freqs.length; s++) {
    const f = freqs[s];
    if (!(f >= 0) || !Number.isFinite(f)) throw new Error(`${fn}: freqs[${s}] is ${f}; frequencies must be finite and ≥ 0`);
    if (f > 0) used.push(s);
  }
  const u = used.length;
  if (u === 0) return lengths;
  if (u > 2 ** maxLength) throw new Error(`${fn}: ${u} symbols cannot be coded in at most ${maxLength} bits`);
  if (u === 1) { lengths[used[0]] = 1; return lengths; }
  used.sort((a, b) => freqs[a] - freqs[b] || a - b); // ascending frequency
  // Two queues: sorted leaves 0…u−1 and internal nodes u…2u−2 created in ascending weight.
  const weight = new Float64Array(2 * u - 1);
  const parent = new Int32Array(2 * u - 1);
  for (let i = 0; i < u; i++) weight[i] = freqs[used[i]];
  let leaf = 0;
  let node = u;
  const pop = (next: number): number => (leaf < u && (node >= next || weight[leaf] <= weight[node]) ? leaf++ : node++);
  for (let next = u; next < 2 * u - 1; next++) {
    const a = pop(next);
    const b = pop(next);
    weight[next] = weight[a] + weight[b];
    parent[a] = next;
    parent[b] = next;
  }
  const depth = new Int32Array(2 * u - 1);
  for (let i = 2 * u - 3; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
  let longest = 0;
  for (let i = 0; i < u; i++) longest = Math.max(longest, depth[i]);
  const count = new Int32Array(Math.max(longest, maxLength) + 1);
  for (let i = 0; i < u; i++) count[depth[i]]++;
  for (let i = longest; i > maxLength; i--) {
    while (count[i] > 0) {
      let j = i - 2;
      while (count[j] === 0) j--;
      count[i] -= 2; // two leaves at depth i: one moves up to i − 1 …
      count[i - 1]++;
      count[j + 1] += 2; // … the other becomes the sibling of a former leaf at depth j
      count[j]--;
    }
  }
  // Shortest lengths to the most frequent symbols (used is ascending, so walk it backwards).
  let i = u - 1;
  for (let len = 1; len <= maxLength; len++) for (let c = 0; c < count[len]; c++) lengths[used[i--]] = len;
  return lengths;
}

/** Per code length 1…max: how many symbols have it, and its first canonical code (RFC 1951 §3.2.2, step 2). */
function codeTable(lengths: Uint8Array): { max: number; count: Int32Array; first: Int32Array } {
  let max = 0;
  for (const l of lengths) max = Math.max(max, l);
  const count = new Int32Array(max + 1);
  for (const l of lengths) if (l) count[l]++;
  const first = new Int32Array(max + 1);
  for (let len = 1, code = 0; len <= max; len++) {
    code = (code + count[len - 1]) * 2;
    first[len] = code;
  }
  return { max, count, first };
}

/** Canonical codewords for `lengths` (RFC 1951 §3.2.2): codes[s] holds lengths[s] bits. */
export function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const next = codeTable(lengths).first;
  const codes = new Uint32Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s]) codes[s] = next[lengths[s]]++;
  return codes;
}

/** Total coded size Σ freqs[s]·lengths[s], in bits. */
export function huffmanBitLength(freqs: ArrayLike<number>, lengths: Uint8Array): number {
  let bits = 0;
  for (let s = 0; s < lengths.length; s++) bits += freqs[s] * lengths[s];
  return bits;
}

/** Writes `symbols` as canonical codes into `w` (MSB-first), without the final align. */
export function huffmanWrite(w: ByteWriter, symbols: ArrayLike<number>, lengths: Uint8Array, codes = canonicalCodes(lengths)): void {
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i];
    if (!lengths[s]) throw new Error(`huffmanWrite: symbol ${s} at position ${i} has no code`);
    w.bits(codes[s], lengths[s]);
  }
}

/**
 * Encodes symbols to a byte-aligned bit stream of ⌈Σℓ/8⌉ bytes (MSB-first, zero padded).
 * Throws for a symbol without a code.
 */
export function huffmanEncode(symbols: ArrayLike<number>, lengths: Uint8Array): Uint8Array {
  let bits = 0;
  for (let i = 0; i < symbols.length; i++) bits += lengths[symbols[i]] ?? 0;
  const w = new ByteWriter(packedBytes(bits, 1));
  huffmanWrite(w, symbols, lengths);
  w.align();
  return w.bytes;
}

/** Canonical decoding tables: per length, the first code, how many codes, and where their symbols start. */
export interface HuffmanDecoder { first: Int32Array; count: Int32Array; offset: Int32Array; symbols: Uint32Array; max: number }

/** Builds the decoding tables for `lengths` (symbols sorted by (length, symbol)). */
export function huffmanDecoder(lengths: Uint8Array): HuffmanDecoder {
  const { max, count, first } = codeTable(lengths);
  const offset = new Int32Array(max + 1);
  let total = 0;
  for (let len = 1; len <= max; len++) {
    offset[len] = total;
    total += count[len];
  }
  const symbols = new Uint32Array(total);
  const fill = offset.slice();
  for (let len = 1; len <= max; len++) for (let s = 0; s < lengths.length; s++) if (lengths[s] === len) symbols[fill[len]++] = s;
  return { first, count, offset, symbols, max };
}

/** Reads `n` symbols from `r`; throws `invalid Huffman code` on a bit pattern that is no code. */
export function huffmanRead(r: ByteReader, n: number, d: HuffmanDecoder, out: Uint32Array = new Uint32Array(n)): Uint32Array {
  for (let i = 0; i < n; i++) {
    let code = 0;
    let len = 0;
    for (;;) {
      code = code * 2 + r.bit();
      len++;
      if (len > d.max) throw new Error(`huffmanRead: invalid Huffman code at symbol ${i}`);
      const k = code - d.first[len];
      if (k >= 0 && k < d.count[len]) { out[i] = d.symbols[d.offset[len] + k]; break; }
    }
  }
  return out;
}

/** Decodes `n` symbols from a stream made by {@link huffmanEncode} with the same lengths. */
export function huffmanDecode(bytes: Uint8Array, lengths: Uint8Array, n: number): Uint32Array {
  return huffmanRead(new ByteReader(bytes), n, huffmanDecoder(lengths));
}
