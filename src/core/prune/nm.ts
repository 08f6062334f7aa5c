import { assertFinite, axisLayout, checkInt, checkShape, type Shape } from '../tensor';
import type { PruneResult } from './mask';

/** Options of {@link pruneNM}. */
export interface NMOptions {
  /** Elements kept per group (N of "N:M"), 0 ≤ n ≤ m. */
  n: number;
  /** Group size (M of "N:M"), 1 ≤ m ≤ 64. */
  m: number;
  /**
   * Axis along which groups of m consecutive elements are formed. Default: the input axis of a
   * TF.js kernel, rank−2 (dense [in, out] → in; conv [kh, kw, cin, cout] → cin), as sparse tensor
   * cores require; 0 for a vector.
   */
  axis?: number;
}

/**
 * N:M semi-structured pruning (2:4 = NVIDIA Ampere sparsity): along `axis`, every group of m
 * consecutive elements keeps its n largest |w| and zeroes the other m − n (ties: the lower
 * index is pruned first). A trailing group of g < m elements keeps min(n, g). Result: at most n
 * non-zeros in every aligned group, and sparsity (m − n)/m exactly when the axis length is a
 * multiple of m. Throws for NaN/±Inf weights, n > m, or a bad axis.
 */
export function pruneNM(values: Float32Array, shape: Shape, opts: NMOptions): PruneResult {
  const fn = 'pruneNM';
  checkShape(fn, values, shape);
  const m = checkInt(fn, 'm', opts.m, 1, 64);
  const keep = checkInt(fn, 'n', opts.n, 0, m);
  assertFinite(fn, values);
  const out = new Float32Array(values.length);
  const mask = new Uint8Array(values.length);
  if (values.length === 0) return { values: out, mask, pruned: 0 };
  const { outer, size, inner } = axisLayout(fn, shape, opts.axis ?? Math.max(0, shape.length - 2));
  const idx = new Int32Array(m);
  const mag = new Float64Array(m);
  let pruned = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let g0 = 0; g0 < size; g0 += m) {
        const g = Math.min(m, size - g0);
        const drop = g - Math.min(keep, g);
        // Partial selection sort of the group: the m are tiny (≤ 64), so this beats any heap.
        for (let j = 0; j < g; j++) {
          idx[j] = base + (g0 + j) * inner;
          mag[j] = Math.abs(values[idx[j]]);
        }
        for (let d = 0; d < drop; d++) {
          let best = d;
          for (let j = d + 1; j < g; j++) {
            // Order by (|w|, flat index): swaps reorder the group, so compare indices explicitly.
            if (mag[j] < mag[best] || (mag[j] === mag[best] && idx[j] < idx[best])) best = j;
          }
          const tm = mag[d]; mag[d] = mag[best]; mag[best] = tm;
          const ti = idx[d]; idx[d] = idx[best]; idx[best] = ti;
        }
        for (let j = drop; j < g; j++) {
          mask[idx[j]] = 1;
          out[idx[j]] = values[idx[j]];
        }
        pruned += drop;
      }
    }
  }
  return { values: out, mask, pruned };
}
