/**
 * Radix sort of float32 values (LSD, three passes of 11/11/10 bits on an order-preserving
 * integer key), O(n): about 4× faster than `Float32Array.prototype.sort` on millions of
 * weights, which is what makes exact 1-D k-means on whole layers cheap.
 */

/**
 * Returns a new ascending-sorted copy of `values`. Key: the float bits with the sign bit
 * flipped for positives and all bits flipped for negatives, so unsigned key order equals
 * numeric order (−0 sorts just before +0). Input must be NaN-free (callers check finiteness).
 */
export function sortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  const src0 = new Uint32Array(n);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const h0 = new Uint32Array(2048);
  const h1 = new Uint32Array(2048);
  const h2 = new Uint32Array(1024);
  for (let i = 0; i < n; i++) {
    const u = bits[i];
    const key = (u & 0x80000000 ? ~u : u | 0x80000000) >>> 0;
    src0[i] = key;
    h0[key & 0x7ff]++;
    h1[(key >>> 11) & 0x7ff]++;
    h2[key >>> 22]++;
  }
  let src = src0;
  let dst = new Uint32Array(n);
  const passes: [Uint32Array, number, number][] = [[h0, 0, 0x7ff], [h1, 11, 0x7ff], [h2, 22, 0x3ff]];
  for (const [h, shift, mask] of passes) {
    // A digit shared by every key leaves the order unchanged: skip the pass.
    if (n === 0 || h[(src[0] >>> shift) & mask] === n) continue;
    let sum = 0;
    for (let d = 0; d < h.length; d++) {
      const c = h[d];
      h[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = src[i];
      dst[h[(key >>> shift) & mask]++] = key;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) {
    const key = src[i];
    src[i] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  }
  return new Float32Array(src.buffer, 0, n);
}
