import { createRng } from '../random';
import { sortFloat32 } from '../sort';
import { checkInt, checkShape, type Shape } from '../tensor';
import { kmeansPlusPlusInit, linearInit, lloyd, prepareSorted, splitWorst, upperBound, type SortedData } from './lloyd1d';

/** Options of {@link kmeans1d}. */
export interface KMeansOptions {
  /** Number of clusters (codebook entries), 1–65536; the zero centroid counts as one. */
  k: number;
  /** Centroid initialisation: 'linear' (default; evenly spaced over [min, max], best in Deep Compression) or 'kmeans++'. */
  init?: 'linear' | 'kmeans++';
  /** Seed of k-means++ sampling (default 1). */
  seed?: number;
  /** Maximum Lloyd iterations per run (default 300; each costs O(k·log n) on the sorted data). */
  maxIter?: number;
  /** Keep exact zeros as their own centroid 0, excluded from the other clusters (default true). */
  keepZero?: boolean;
}

/** Weight-sharing result: x̂ᵢ = codebook[indices[i]]. */
export interface KMeansResult {
  /** Centroids in ascending order, float32; at most k entries (fewer if fewer distinct values). */
  codebook: Float32Array;
  /** Codebook index of every element (Uint8Array when the codebook has ≤ 256 entries). */
  indices: Uint8Array | Uint16Array;
  /** Reconstructed values codebook[indices[i]]. */
  values: Float32Array;
  /** Index of the exact-zero centroid, or −1 when there is none. */
  zeroIndex: number;
  /** Lloyd iterations of the run that produced the result. */
  iterations: number;
  /** Sum of squared errors Σ(xᵢ − x̂ᵢ)², in squared weight units. */
  sse: number;
}

/** Largest cluster count for which results are chained to be monotone in k (all 8-bit codebooks). */
export const MONOTONE_K = 256;

/**
 * Weight sharing by exact 1-D k-means (Lloyd), fast for millions of weights: the values are
 * radix-sorted once (O(n)); afterwards every cluster is a contiguous range and an iteration costs
 * O(k·log n) via prefix sums (see lloyd1d.ts), so only the sort and the final assignment (nearest
 * float32 centroid, ties to the lower) touch all n values. Minimises Σ(xᵢ − c_{a(i)})².
 * Initialisation is linear (or k-means++); for k ≤ 256 each result is also compared with Lloyd
 * started from the (k − 1)-cluster result with its worst cluster split, and the better is kept —
 * so the error never increases when k grows (a guarantee, tested). With keepZero and some exact
 * zeros, 0 is a centroid of its own: zeros map to it and non-zeros never do, so the mask is
 * unchanged (a non-zero cluster whose mean is exactly 0 would still decode to 0).
 * Throws for NaN/±Inf, k out of range, or k = 1 with both zeros and non-zeros under keepZero.
 */
export function kmeans1d(values: Float32Array, shape: Shape, opts: KMeansOptions): KMeansResult {
  const fn = 'kmeans1d';
  const n = checkShape(fn, values, shape);
  const k = checkInt(fn, 'k', opts.k, 1, 65536);
  const maxIter = checkInt(fn, 'maxIter', opts.maxIter ?? 300, 0, 1e6);
  const init = opts.init ?? 'linear';
  if (init !== 'linear' && init !== 'kmeans++') throw new Error(`${fn}: init must be 'linear' or 'kmeans++', got ${String(init)}`);
  // One pass: check finiteness and gather the non-zeros (used only when zeros are kept apart).
  const nonzero = new Float32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v - v !== 0) throw new Error(`${fn}: values[${i}] is ${v}; weights must be finite`);
    if (v !== 0) nonzero[m++] = v;
  }
  const keepZero = (opts.keepZero ?? true) && m < n;
  const data = keepZero ? nonzero.subarray(0, m) : values;
  const kk = keepZero ? k - 1 : k; // clusters for the non-excluded values
  if (data.length > 0 && kk < 1) throw new Error(`${fn}: k must be ≥ 2 to keep zero as its own centroid next to non-zero weights`);
  const { c, iterations } = fit(sortFloat32(data), kk, init, opts.seed ?? 1, maxIter);
  return assign(values, c, keepZero, iterations);
}

function fit(sorted: Float32Array, kk: number, init: 'linear' | 'kmeans++', seed: number, maxIter: number): { c: Float64Array; iterations: number } {
  const m = sorted.length;
  if (m === 0) return { c: new Float64Array(0), iterations: 0 };
  const distinct: number[] = [];
  for (let i = 0; i < m && distinct.length <= kk; i = upperBound(sorted, sorted[i], i, m)) distinct.push(sorted[i]);
  if (distinct.length <= kk) return { c: Float64Array.from(distinct), iterations: 0 }; // exact, zero error
  const d: SortedData = prepareSorted(sorted);
  const start = (j: number): Float64Array => (init === 'linear' ? linearInit(d, j) : kmeansPlusPlusInit(d, j, createRng(seed)));
  if (kk > MONOTONE_K) return lloyd(d, start(kk), maxIter);
  let best = lloyd(d, start(1), maxIter);
  for (let j = 2; j <= kk; j++) {
    const fresh = lloyd(d, start(j), maxIter);
    const grown = lloyd(d, splitWorst(d, best.c), maxIter);
    best = grown.sse < fresh.sse ? grown : fresh;
  }
  return best;
}

function assign(values: Float32Array, centroids: Float64Array, keepZero: boolean, iterations: number): KMeansResult {
  const own = Float32Array.from(centroids);
  const codebook = new Float32Array(own.length + (keepZero ? 1 : 0));
  let zeroIndex = -1;
  if (keepZero) {
    zeroIndex = own.findIndex((c) => c > 0);
    if (zeroIndex < 0) zeroIndex = own.length;
  }
  for (let j = 0, t = 0; t < codebook.length; t++) codebook[t] = t === zeroIndex ? 0 : own[j++];
  const kk = own.length;
  const mids = new Float64Array(Math.max(0, kk - 1));
  for (let j = 0; j + 1 < kk; j++) mids[j] = (own[j] + own[j + 1]) / 2;
  const n = values.length;
  const indices = codebook.length <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  const out = new Float32Array(n);
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (keepZero && x === 0) {
      indices[i] = zeroIndex; // out[i] is already +0
      continue;
    }
    let lo = 0;
    let hi = kk - 1; // nearest centroid = number of midpoints strictly below x
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (mids[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const idx = keepZero && lo >= zeroIndex ? lo + 1 : lo;
    indices[i] = idx;
    const y = codebook[idx];
    out[i] = y;
    sse += (x - y) * (x - y);
  }
  return { codebook, indices, values: out, zeroIndex, iterations, sse };
}
