/**
 * Exact k-th order statistic of |x| over one or many Float32Arrays, by a two-pass radix
 * (histogram) select on the IEEE-754 bit pattern. For a non-negative float32, the bit pattern
 * read as an unsigned integer orders exactly like the value, so |x| has the integer key
 * `bits & 0x7fffffff`. Pass 1 counts the high 16 key bits, pass 2 the low 16 bits inside the
 * one bucket that holds rank k: O(n) time, O(2¹⁶) memory, no sort and no copy of the data.
 */

/** Result of {@link selectMagnitude}. */
export interface MagnitudeSelection {
  /** The k-th smallest |x| (0-based rank), as a float32 value. */
  value: number;
  /** Its integer key: the float32 bits of `value` (sign cleared). */
  key: number;
  /** How many elements have |x| strictly smaller than `value` (so below ≤ k). */
  below: number;
}

const views = (arrays: readonly Float32Array[]): Uint32Array[] =>
  arrays.map((a) => new Uint32Array(a.buffer, a.byteOffset, a.length));

/**
 * Returns the element of rank `k` (0-based) in ascending order of |x| over all `arrays`
 * taken together, i.e. the value that `sort(|x|)[k]` would hold, plus the count of elements
 * strictly below it. −0 and +0 are equal. Throws `${fn}: values[i] is NaN` / `Infinity` (with
 * the array index when several) for a non-finite element, and when k is out of [0, n).
 */
export function selectMagnitude(arrays: readonly Float32Array[], k: number, fn = 'selectMagnitude'): MagnitudeSelection {
  let n = 0;
  for (const a of arrays) n += a.length;
  if (!Number.isInteger(k) || k < 0 || k >= n) throw new Error(`${fn}: rank k must be an integer in [0, ${n}), got ${k}`);
  const keys = views(arrays);
  const high = new Uint32Array(1 << 15);
  for (let t = 0; t < keys.length; t++) {
    const u = keys[t];
    for (let i = 0; i < u.length; i++) {
      const key = u[i] & 0x7fffffff;
      // Exponent all ones: NaN or ±Infinity; the key comparison is cheaper than isFinite.
      if (key >= 0x7f800000) throw nonFinite(fn, arrays, t, i);
      high[key >>> 16]++;
    }
  }
  let bucket = 0;
  let below = 0;
  while (below + high[bucket] <= k) below += high[bucket++];
  const low = new Uint32Array(1 << 16);
  for (const u of keys) {
    for (let i = 0; i < u.length; i++) {
      const key = u[i] & 0x7fffffff;
      if (key >>> 16 === bucket) low[key & 0xffff]++;
    }
  }
  let lo = 0;
  while (below + low[lo] <= k) below += low[lo++];
  const key = ((bucket << 16) | lo) >>> 0;
  return { value: new Float32Array(new Uint32Array([key]).buffer)[0], key, below };
}

function nonFinite(fn: string, arrays: readonly Float32Array[], t: number, i: number): Error {
  const where = arrays.length > 1 ? `tensor ${t}, values[${i}]` : `values[${i}]`;
  return new Error(`${fn}: ${where} is ${arrays[t][i]}; weights must be finite`);
}

/**
 * Marks the `k` elements of smallest |x| over all `arrays` (ties at the threshold broken by
 * position: earlier array first, then lower flat index), writing 0 into `masks` for them and 1
 * for the rest. Exactly k zeros are written in total. O(n) after one {@link selectMagnitude}.
 */
export function maskSmallestMagnitude(arrays: readonly Float32Array[], k: number, masks: readonly Uint8Array[], fn = 'maskSmallestMagnitude'): void {
  if (k === 0) {
    for (const m of masks) m.fill(1);
    return;
  }
  const { key: threshold, below } = selectMagnitude(arrays, k - 1, fn);
  let ties = k - below; // elements equal to the threshold that are still to be pruned
  const keys = views(arrays);
  for (let t = 0; t < keys.length; t++) {
    const u = keys[t];
    const m = masks[t];
    for (let i = 0; i < u.length; i++) {
      const key = u[i] & 0x7fffffff;
      if (key < threshold) m[i] = 0;
      else if (key === threshold && ties > 0) {
        m[i] = 0;
        ties--;
      } else m[i] = 1;
    }
  }
}
