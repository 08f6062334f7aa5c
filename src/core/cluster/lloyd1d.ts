import type { Rng } from '../random';

/**
 * Lloyd's algorithm on sorted 1-D data. Sorted, every cluster is a contiguous range [b, e), its
 * boundary with the next one the midpoint of two centroids, its mean (P₁[e] − P₁[b])/(e − b) and
 * its squared error (P₂[e] − P₂[b]) − 2c(P₁[e] − P₁[b]) + c²(e − b) from prefix sums P₁ of x
 * and P₂ of x². One iteration is O(k·log Δ) for boundaries that moved by Δ — independent of n.
 */
export interface SortedData {
  x: Float32Array;
  p1: Float64Array;
  p2: Float64Array;
}

/** Prefix sums of a sorted array (the O(n) part, done once). */
export function prepareSorted(x: Float32Array): SortedData {
  const p1 = new Float64Array(x.length + 1);
  const p2 = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) {
    p1[i + 1] = p1[i] + x[i];
    p2[i + 1] = p2[i] + x[i] * x[i];
  }
  return { x, p1, p2 };
}

/** First index in [lo, hi) of sorted `a` with a[i] > v, galloping out from `guess`. */
export function upperBound(a: Float32Array, v: number, lo: number, hi: number, guess = lo): number {
  const g = Math.min(Math.max(guess, lo), hi);
  let step = 1;
  if (g < hi && a[g] <= v) {
    while (g + step < hi && a[g + step] <= v) step *= 2;
    lo = g + 1;
    hi = Math.min(g + step, hi);
  } else {
    while (g - step >= lo && a[g - step] > v) step *= 2;
    hi = g;
    lo = Math.max(g - step, lo);
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ends of the nearest-centroid ranges of sorted centroids `c` (ties go to the lower one). */
export function partition(d: SortedData, c: Float64Array, prev?: Int32Array): Int32Array {
  const m = d.x.length;
  const ends = new Int32Array(c.length);
  let start = 0;
  for (let j = 0; j < c.length; j++) {
    ends[j] = j === c.length - 1 ? m : upperBound(d.x, (c[j] + c[j + 1]) / 2, start, m, prev ? prev[j] : start);
    start = ends[j];
  }
  return ends;
}

/** Squared error of range [b, e) around c, from prefix sums (clamped at 0 against rounding). */
export function rangeSse(d: SortedData, b: number, e: number, c: number): number {
  return Math.max(0, d.p2[e] - d.p2[b] - 2 * c * (d.p1[e] - d.p1[b]) + c * c * (e - b));
}

/** Lloyd iterations from sorted centroids `c` until the partition stops changing. */
export function lloyd(d: SortedData, init: Float64Array, maxIter: number): { c: Float64Array; sse: number; iterations: number } {
  const c = init.slice();
  let ends = partition(d, c);
  let it = 0;
  while (it < maxIter) {
    it++;
    for (let j = 0, b = 0; j < c.length; b = ends[j++]) if (ends[j] > b) c[j] = (d.p1[ends[j]] - d.p1[b]) / (ends[j] - b); // empty: keep
    c.sort(); // a kept empty centroid can end up out of order
    const next = partition(d, c, ends);
    let same = true;
    for (let j = 0; j < c.length && same; j++) same = next[j] === ends[j];
    ends = next;
    if (same) break;
  }
  let sse = 0;
  for (let j = 0, b = 0; j < c.length; b = ends[j++]) sse += rangeSse(d, b, ends[j], c[j]);
  return { c, sse, iterations: it };
}

/** k centroids evenly spaced over [min, max] (Han et al. 2016, "linear initialisation"). */
export function linearInit(d: SortedData, k: number): Float64Array {
  const lo = d.x[0];
  const hi = d.x[d.x.length - 1];
  return Float64Array.from({ length: k }, (_, j) => (k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * j) / (k - 1)));
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007) in O(k·(k + log n)): the first centroid is a
 * uniform sample, each next one a sample with probability ∝ D(x)², found by walking the ranges'
 * errors and bisecting the cumulative error inside the chosen range.
 */
export function kmeansPlusPlusInit(d: SortedData, k: number, rng: Rng): Float64Array {
  const m = d.x.length;
  const chosen = [d.x[Math.min(m - 1, Math.floor(rng.next() * m))]];
  while (chosen.length < k) {
    const c = Float64Array.from(chosen).sort();
    const ends = partition(d, c);
    let total = 0;
    for (let j = 0, b = 0; j < c.length; b = ends[j++]) total += rangeSse(d, b, ends[j], c[j]);
    if (!(total > 0)) break; // every point already sits on a centroid
    let target = rng.next() * total;
    let j = 0;
    let b = 0;
    for (; j < c.length - 1; b = ends[j++]) {
      const w = rangeSse(d, b, ends[j], c[j]);
      if (target < w) break;
      target -= w;
    }
    let lo = b;
    let hi = ends[j] - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rangeSse(d, b, mid + 1, c[j]) > target) hi = mid;
      else lo = mid + 1;
    }
    chosen.push(d.x[lo]);
  }
  return Float64Array.from(chosen).sort();
}

/**
 * k + 1 centroids from k: the range with the largest error is split at its centroid into two
 * ranges, each represented by its own mean. The error cannot grow (each half's mean is its best
 * centre), which is what makes the chained k-means monotone in k.
 */
export function splitWorst(d: SortedData, c: Float64Array): Float64Array {
  const ends = partition(d, c);
  let worst = -1;
  let worstSse = 0;
  for (let j = 0, b = 0; j < c.length; b = ends[j++]) {
    const s = rangeSse(d, b, ends[j], c[j]);
    if (s > worstSse) { worstSse = s; worst = j; }
  }
  if (worst < 0) return Float64Array.from([...c, c[c.length - 1]]);
  const b = worst === 0 ? 0 : ends[worst - 1];
  const e = ends[worst];
  const mid = Math.min(e - 1, Math.max(b + 1, upperBound(d.x, c[worst], b, e)));
  const left = (d.p1[mid] - d.p1[b]) / (mid - b);
  const right = (d.p1[e] - d.p1[mid]) / (e - mid);
  const out = Array.from(c);
  out.splice(worst, 1, left, right);
  return Float64Array.from(out).sort();
}
