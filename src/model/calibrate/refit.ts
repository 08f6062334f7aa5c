/**
 * Post-training compensation of pruning (the least-squares step of Optimal Brain Compression,
 * Frantar & Alistarh 2022, and SparseGPT): with a kernel column's pruned weights P fixed at zero,
 * the kept weights S are re-solved so the layer's outputs on the calibration inputs stay as close
 * as possible to the unpruned layer's:
 *   minimise ‖X(w − v)‖² over v with v_P = 0   ⇒   v_S = w_S + H_SS⁻¹ H_SP w_P,   H = XᵀX / n,
 * H_SS dampened by 1 % of mean(diag H) (as both papers do) so rank-deficient inputs stay solvable.
 * Pure data (Float64 Cholesky), per group of the grouped layout [G, K, O] and per output column.
 */
import type { LayerRows } from './patches';

/** Dampening of H_SS, as a share of the mean of H's diagonal. */
export const DAMPENING = 0.01;

/** Output MSE per row of the kernel's pruning alone (w → w with P zeroed) and after the refit, summed over columns. */
export interface RefitResult { values: Float32Array; before: number; after: number }

/** H = XᵀX / n of group g, K×K, Float64. */
function gram(layer: LayerRows, g: number): Float64Array {
  const { k, n, rows } = layer;
  const h = new Float64Array(k * k);
  for (let r = 0; r < n; r++) {
    const base = (g * n + r) * k;
    for (let i = 0; i < k; i++) {
      const xi = rows[base + i];
      if (xi === 0) continue;
      const hi = i * k;
      for (let j = i; j < k; j++) h[hi + j] += xi * rows[base + j];
    }
  }
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) { h[i * k + j] /= Math.max(1, n); h[j * k + i] = h[i * k + j]; }
  return h;
}

/** Solves A x = b for symmetric positive definite A (m×m, overwritten by its Cholesky factor). */
function choleskySolve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  for (let j = 0; j < m; j++) {
    let d = a[j * m + j];
    for (let p = 0; p < j; p++) d -= a[j * m + p] * a[j * m + p];
    if (!(d > 0)) throw new Error('refit: matrix not positive definite');
    const l = Math.sqrt(d);
    a[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j];
      for (let p = 0; p < j; p++) s -= a[i * m + p] * a[j * m + p];
      a[i * m + j] = s / l;
    }
  }
  const y = Float64Array.from(b);
  for (let i = 0; i < m; i++) { for (let p = 0; p < i; p++) y[i] -= a[i * m + p] * y[p]; y[i] /= a[i * m + i]; }
  for (let i = m - 1; i >= 0; i--) { for (let p = i + 1; p < m; p++) y[i] -= a[p * m + i] * y[p]; y[i] /= a[i * m + i]; }
  return y;
}

/** eᵀ H e for a column e of length K. */
function quad(h: Float64Array, e: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    if (e[i] === 0) continue;
    let t = 0;
    for (let j = 0; j < k; j++) t += h[i * k + j] * e[j];
    s += e[i] * t;
  }
  return s;
}

/**
 * Re-fits the kept weights of `pruned` (grouped [G, K, O], zeros = pruned) to the unpruned
 * `original` on the layer's calibration rows. Zeros stay exactly zero; a column with nothing
 * pruned is left as it is. `before` / `after`: Σ over columns of (w − v)ᵀH(w − v), the mean
 * squared output error per row of pruning alone and after the refit (after ≤ before).
 */
export function refitPruned(original: Float32Array, pruned: Float32Array, layer: LayerRows): RefitResult {
  const { groups, k, o } = layer;
  const out = Float32Array.from(pruned);
  let before = 0;
  let after = 0;
  for (let g = 0; g < groups; g++) {
    const h = gram(layer, g);
    let trace = 0;
    for (let i = 0; i < k; i++) trace += h[i * k + i];
    const damp = DAMPENING * (trace / k || 1);
    for (let c = 0; c < o; c++) {
      const at = (i: number) => (g * k + i) * o + c;
      const kept: number[] = [];
      const cut: number[] = [];
      for (let i = 0; i < k; i++) (pruned[at(i)] !== 0 ? kept : original[at(i)] !== 0 ? cut : []).push(i);
      const e0 = Float64Array.from({ length: k }, (_, i) => original[at(i)] - pruned[at(i)]);
      const err0 = quad(h, e0, k);
      before += err0;
      if (!cut.length || !kept.length) { after += err0; continue; }
      const m = kept.length;
      const a = new Float64Array(m * m);
      const b = new Float64Array(m);
      kept.forEach((i, r) => {
        for (let s = 0; s < m; s++) a[r * m + s] = h[i * k + kept[s]];
        a[r * m + r] += damp;
        let t = 0;
        for (const p of cut) t += h[i * k + p] * original[at(p)];
        b[r] = t;
      });
      const delta = choleskySolve(a, b, m);
      const e = Float64Array.from(e0);
      const next = new Float64Array(m);
      kept.forEach((i, r) => { next[r] = original[at(i)] + delta[r]; e[i] = original[at(i)] - Math.fround(next[r]); });
      const err = quad(h, e, k);
      // Dampening makes the solve approximate: keep the refit only where it lowers the column's error.
      if (err < err0) { kept.forEach((i, r) => { out[at(i)] = next[r]; }); after += err; } else after += err0;
    }
  }
  return { values: out, before, after };
}
