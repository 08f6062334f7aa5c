import { createRng } from '../random';
import { svdJacobi, type Svd } from './jacobi';

/** Options of {@link svdRandomized}. */
export interface RandomizedSvdOptions {
  /** Number of singular triplets wanted, k ≥ 1. */
  rank: number;
  /** Extra random directions p (default 10); the sketch has ℓ = min(k + p, m, n) columns. */
  oversample?: number;
  /** Power (subspace) iterations q (default 2): sketch (AAᵀ)^q·A·Ω, re-orthonormalised each step. */
  powerIters?: number;
  /** PRNG seed of the Gaussian test matrix Ω (default 1). */
  seed?: number;
}

/**
 * out[j·r + i] = X_i · W_j for X (r×c) and W (l×c), both row-major: the one kernel we need.
 * Two rows of X stay in L1 while all of W streams from L2, with a 2×4 register block
 * (6 loads per 8 multiply-adds); X is read from memory once.
 */
function rowDots(x: Float64Array, r: number, c: number, wt: Float64Array, l: number): Float64Array {
  const out = new Float64Array(l * r);
  const dot = (xo: number, wo: number): number => {
    let s = 0;
    for (let k = 0; k < c; k++) s += x[xo + k] * wt[wo + k];
    return s;
  };
  let i = 0;
  for (; i + 2 <= r; i += 2) {
    const a0 = i * c;
    const a1 = a0 + c;
    let j = 0;
    for (; j + 4 <= l; j += 4) {
      const w0 = j * c;
      const w1 = w0 + c;
      const w2 = w1 + c;
      const w3 = w2 + c;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < c; k++) {
        const u = x[a0 + k];
        const v = x[a1 + k];
        const b0 = wt[w0 + k], b1 = wt[w1 + k], b2 = wt[w2 + k], b3 = wt[w3 + k];
        s00 += u * b0; s01 += u * b1; s02 += u * b2; s03 += u * b3;
        s10 += v * b0; s11 += v * b1; s12 += v * b2; s13 += v * b3;
      }
      out[j * r + i] = s00; out[(j + 1) * r + i] = s01; out[(j + 2) * r + i] = s02; out[(j + 3) * r + i] = s03;
      out[j * r + i + 1] = s10; out[(j + 1) * r + i + 1] = s11; out[(j + 2) * r + i + 1] = s12; out[(j + 3) * r + i + 1] = s13;
    }
    for (; j < l; j++) {
      out[j * r + i] = dot(a0, j * c);
      out[j * r + i + 1] = dot(a1, j * c);
    }
  }
  for (; i < r; i++) for (let j = 0; j < l; j++) out[j * r + i] = dot(i * c, j * c);
  return out;
}

/**
 * Orthonormalises the l rows (length len) of `q` in place by modified Gram–Schmidt, applied
 * twice for the final basis ("twice is enough", Giraud et al. 2005). A row that vanishes (rank
 * deficiency) becomes zero.
 */
function orthonormalizeRows(q: Float64Array, l: number, len: number, passes = 2): void {
  for (let j = 0; j < l; j++) {
    const jo = j * len;
    let before = 0;
    for (let i = 0; i < len; i++) before += q[jo + i] * q[jo + i];
    for (let pass = 0; pass < passes; pass++) {
      for (let t = 0; t < j; t++) {
        const to = t * len;
        let d = 0;
        for (let i = 0; i < len; i++) d += q[to + i] * q[jo + i];
        for (let i = 0; i < len; i++) q[jo + i] -= d * q[to + i];
      }
    }
    let nn = 0;
    for (let i = 0; i < len; i++) nn += q[jo + i] * q[jo + i];
    const keep = nn > 1e-28 * before && nn > 0;
    const inv = keep ? 1 / Math.sqrt(nn) : 0;
    for (let i = 0; i < len; i++) q[jo + i] *= inv;
  }
}

/**
 * Randomised truncated SVD (Halko, Martinsson & Tropp 2011, Alg. 4.4 + 5.1): Y = A·Ω with a
 * seeded Gaussian Ω (n×ℓ), q power iterations Y ← A·orth(Aᵀ·orth(Y)), Q = orth(Y),
 * B = QᵀA (ℓ×n), exact SVD B = Û·Σ·Vᵀ by Jacobi, U = Q·Û. Returns the top ℓ triplets (the
 * first `rank` are the estimate; the rest come free). Cost O(m·n·ℓ·(2q + 2)).
 * Expected error ‖A − UΣVᵀ‖ ≈ σ_{k+1} up to a factor that tends to 1 as q grows.
 */
export function svdRandomized(a: ArrayLike<number>, m: number, n: number, opts: RandomizedSvdOptions): Svd {
  const fn = 'svdRandomized';
  if (a.length !== m * n) throw new Error(`${fn}: matrix of length ${a.length} is not ${m}×${n}`);
  const p = Math.min(m, n);
  if (!Number.isInteger(opts.rank) || opts.rank < 1 || opts.rank > p) throw new Error(`${fn}: rank must be an integer in [1, ${p}], got ${opts.rank}`);
  const powerIters = opts.powerIters ?? 2;
  const oversample = opts.oversample ?? 10;
  if (!Number.isInteger(powerIters) || powerIters < 0 || !Number.isInteger(oversample) || oversample < 0) throw new Error(`${fn}: powerIters and oversample must be non-negative integers`);
  const l = Math.min(p, opts.rank + oversample);
  const x = Float64Array.from(a);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new Error(`${fn}: entry ${i} is ${x[i]}; the matrix must be finite`);
  const xt = new Float64Array(m * n); // Aᵀ, so every product is a dot of contiguous rows
  for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) xt[k * m + i] = x[i * n + k];
  const rng = createRng(opts.seed ?? 1);
  const omega = new Float64Array(l * n);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  let q = rowDots(x, m, n, omega, l); // rows of q are the columns of Y = AΩ
  orthonormalizeRows(q, l, m, powerIters > 0 ? 1 : 2);
  for (let it = 0; it < powerIters; it++) {
    const z = rowDots(xt, n, m, q, l); // columns of AᵀQ
    orthonormalizeRows(z, l, n, 1); // between power steps one pass only needs to stop collapse
    q = rowDots(x, m, n, z, l);
    orthonormalizeRows(q, l, m, it === powerIters - 1 ? 2 : 1);
  }
  const b = rowDots(xt, n, m, q, l); // row j of B = QᵀA is Aᵀqⱼ
  const small = svdJacobi(b, l, n); // u: l×l, s: l, v: n×l
  const u = new Float64Array(m * l);
  for (let j = 0; j < l; j++) {
    const qo = j * m;
    for (let t = 0; t < l; t++) {
      const c = small.u[j * l + t];
      if (c !== 0) for (let i = 0; i < m; i++) u[i * l + t] += q[qo + i] * c;
    }
  }
  return { m, n, p: l, u, s: small.s, v: small.v };
}
