import { checkShape, matrixView, type Shape } from '../tensor';
import { svdJacobi, type Svd } from './jacobi';
import { svdRandomized } from './randomized';

/** Options of {@link truncatedSvd}: give exactly one of `rank` and `energy`. */
export interface LowRankOptions {
  /** Target rank r, 1 ≤ r ≤ min(m, n). */
  rank?: number;
  /** Keep the smallest r with Σ_{i<r} σᵢ² ≥ energy·‖A‖_F², energy ∈ (0, 1]. */
  energy?: number;
  /** 'exact' (Jacobi), 'randomized' (HMT), or 'auto' (default): exact when min(m, n) ≤ 128 or the sketch would be full. */
  method?: 'auto' | 'exact' | 'randomized';
  /** Largest rank searched by a randomised energy selection (default min(m, n, 256)). */
  maxRank?: number;
  /** Randomised SVD: oversampling (default 10), power iterations (default 2), seed (default 1). */
  oversample?: number;
  powerIters?: number;
  seed?: number;
}

/** A rank-r factorisation W ≈ A·B of an m×n matrix. */
export interface LowRankResult {
  /** m×r row-major: A = U_r·diag(√σ). */
  a: Float32Array;
  /** r×n row-major: B = diag(√σ)·V_rᵀ. */
  b: Float32Array;
  m: number;
  n: number;
  rank: number;
  /** All singular values computed, descending (min(m, n) when exact, ℓ when randomised). */
  singularValues: Float64Array;
  /** Retained energy Σ_{i<r} σᵢ² / ‖A‖_F² ∈ [0, 1] (1 for a zero matrix). */
  energy: number;
  method: 'exact' | 'randomized';
}

/**
 * Truncated SVD of the m×n row-major matrix W: A·B = U_r·Σ_r·V_rᵀ, the best rank-r
 * approximation in Frobenius and spectral norm (Eckart–Young), with √σ split evenly between the
 * factors so neither dominates in scale. Storage m·r + r·n instead of m·n floats. Energy
 * selection is exact when the SVD is exact; a randomised one searches r ≤ maxRank and returns
 * maxRank (with its energy) if the target is not met. Throws for NaN/±Inf, both or neither of
 * rank/energy, or values out of range.
 */
export function truncatedSvd(values: ArrayLike<number>, m: number, n: number, opts: LowRankOptions): LowRankResult {
  const fn = 'truncatedSvd';
  if (values.length !== m * n) throw new Error(`${fn}: matrix of length ${values.length} is not ${m}×${n}`);
  const p = Math.min(m, n);
  if (p === 0) throw new Error(`${fn}: an empty ${m}×${n} matrix has no factorisation`);
  if ((opts.rank === undefined) === (opts.energy === undefined)) throw new Error(`${fn}: give exactly one of rank and energy`);
  if (opts.rank !== undefined && (!Number.isInteger(opts.rank) || opts.rank < 1 || opts.rank > p)) throw new Error(`${fn}: rank must be an integer in [1, ${p}], got ${opts.rank}`);
  if (opts.energy !== undefined && !(opts.energy > 0 && opts.energy <= 1)) throw new Error(`${fn}: energy must be in (0, 1], got ${opts.energy}`);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) throw new Error(`${fn}: values[${i}] is ${v}; weights must be finite`);
    total += v * v;
  }
  const maxRank = Math.min(p, opts.maxRank ?? 256);
  const sketch = (opts.rank ?? maxRank) + (opts.oversample ?? 10);
  const method = opts.method ?? 'auto';
  const exact = method === 'exact' || (method === 'auto' && (p <= 128 || sketch >= p));
  const svd: Svd = exact
    ? svdJacobi(values, m, n)
    : svdRandomized(values, m, n, { rank: opts.rank ?? maxRank, oversample: opts.oversample, powerIters: opts.powerIters, seed: opts.seed });
  let rank = opts.rank ?? 0;
  let kept = 0;
  if (opts.rank === undefined) {
    const limit = exact ? p : maxRank;
    const target = (opts.energy as number) * total * (1 - 1e-12);
    while (rank < limit && (rank === 0 || kept < target)) {
      kept += svd.s[rank] ** 2;
      rank++;
    }
  } else for (let i = 0; i < rank; i++) kept += svd.s[i] ** 2;
  const a = new Float32Array(m * rank);
  const b = new Float32Array(rank * n);
  for (let t = 0; t < rank; t++) {
    const r = Math.sqrt(svd.s[t]);
    for (let i = 0; i < m; i++) a[i * rank + t] = svd.u[i * svd.p + t] * r;
    for (let j = 0; j < n; j++) b[t * n + j] = svd.v[j * svd.p + t] * r;
  }
  return { a, b, m, n, rank, singularValues: svd.s, energy: total > 0 ? Math.min(1, kept / total) : 1, method: exact ? 'exact' : 'randomized' };
}

/**
 * Low-rank factorisation of a kernel, viewed as [rows, cout] (conv [kh, kw, cin, cout] →
 * [kh·kw·cin, cout], dense [in, out] as is): returns {@link LowRankResult} plus the factor shapes,
 * a conv [kh, kw, cin, r] followed by a 1×1 conv [1, 1, r, cout] (dense: [in, r] then [r, out];
 * rank-k kernels get k − 2 leading ones).
 * Parameters go from kh·kw·cin·cout to r·(kh·kw·cin + cout).
 */
export function lowRankConv(values: Float32Array, shape: Shape, opts: LowRankOptions): LowRankResult & { shapeA: number[]; shapeB: number[] } {
  checkShape('lowRankConv', values, shape);
  if (shape.length < 2) throw new Error(`lowRankConv: needs a kernel of rank ≥ 2, got shape [${shape.join(', ')}]`);
  const { rows, cols } = matrixView(shape);
  const res = truncatedSvd(values, rows, cols, opts);
  const lead = shape.slice(0, -1);
  const shapeB = [...lead.slice(1).map(() => 1), res.rank, cols]; // 1×…×1 then [r, cout]
  return { ...res, shapeA: [...lead, res.rank], shapeB };
}
