/**
 * Exact thin SVD by one-sided Jacobi (Hestenes 1958; Demmel & Veselić 1992): plane rotations
 * orthogonalise the columns of A in place, W = A·V; at convergence σⱼ = ‖wⱼ‖₂ and uⱼ = wⱼ/σⱼ.
 * Float64 throughout, high relative accuracy, O(sweeps·n²·m) — for small matrices
 * (min(m, n) up to a few hundred) and for the small projected matrix of the randomised SVD.
 */

/** Thin SVD A = U·diag(s)·Vᵀ with p = min(m, n); u is m×p and v is n×p (row-major), s descending. */
export interface Svd {
  m: number;
  n: number;
  p: number;
  u: Float64Array;
  s: Float64Array;
  v: Float64Array;
}

/**
 * Thin SVD of the m×n row-major matrix `a`. Columns whose singular value is 0 get a zero
 * vector in u. Throws for NaN/±Inf entries or a length that is not m·n.
 */
export function svdJacobi(a: ArrayLike<number>, m: number, n: number): Svd {
  const fn = 'svdJacobi';
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 0 || a.length !== m * n) throw new Error(`${fn}: matrix of length ${a.length} is not ${m}×${n}`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error(`${fn}: entry ${i} is ${a[i]}; the matrix must be finite`);
  if (m < n) {
    // Aᵀ = U'ΣV'ᵀ  ⇒  A = V'ΣU'ᵀ: work on the tall orientation.
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
    const r = tall(t, n, m);
    return { m, n, p: r.p, u: r.v, s: r.s, v: r.u };
  }
  return tall(a, m, n);
}

/** Givens rotation of two length-`len` runs of `a` starting at `p` and `q`: (x, y) ← (c·x − s·y, s·x + c·y). */
function rotate(a: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const x = a[p + i];
    const y = a[q + i];
    a[p + i] = c * x - s * y;
    a[q + i] = s * x + c * y;
  }
}

function tall(a: ArrayLike<number>, m: number, n: number): Svd {
  // w holds the columns of A contiguously (column j at j·m); vt holds the columns of V likewise.
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j];
  if (m >= 2 * n && n > 0) return viaQr(w, m, n);
  const vt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) vt[j * n + j] = 1;
  const tol = 1e-15;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const po = p * m;
      for (let q = p + 1; q < n; q++) {
        const qo = q * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[po + i];
          const y = w[qo + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(w, po, qo, m, c, s);
        rotate(vt, p * n, q * n, n, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[j * m + i] * w[j * m + i];
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y] - norms[x] || x - y);
  const u = new Float64Array(m * n);
  const v = new Float64Array(n * n);
  const sv = new Float64Array(n);
  order.forEach((j, k) => {
    const sigma = norms[j];
    sv[k] = sigma;
    if (sigma > 0) for (let i = 0; i < m; i++) u[i * n + k] = w[j * m + i] / sigma;
    for (let i = 0; i < n; i++) v[i * n + k] = vt[j * n + i];
  });
  return { m, n, p: n, u, s: sv, v };
}

/**
 * QR preconditioning for m ≥ 2n (Drmač & Veselić 2008): Householder A = QR, Jacobi on the n×n R,
 * then U = Q·U_R. Rotations then run on length-n instead of length-m columns, which makes the
 * SVD of the randomised sketch (ℓ×n with n ≫ ℓ) several times cheaper, at no loss of accuracy.
 * `w` holds the columns of A (column j at j·m) and is overwritten.
 */
function viaQr(w: Float64Array, m: number, n: number): Svd {
  const vs: Float64Array[] = [];
  const betas = new Float64Array(n);
  const r = new Float64Array(n * n); // row-major R
  for (let k = 0; k < n; k++) {
    const ko = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm += w[ko + i] * w[ko + i];
    norm = Math.sqrt(norm);
    const alpha = w[ko + k] > 0 ? -norm : norm;
    const v = w.slice(ko + k, ko + m);
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    const beta = vv > 0 ? 2 / vv : 0;
    vs.push(v);
    betas[k] = beta;
    r[k * n + k] = alpha;
    for (let j = k + 1; j < n; j++) {
      const jo = j * m + k;
      let d = 0;
      for (let i = 0; i < v.length; i++) d += v[i] * w[jo + i];
      d *= beta;
      for (let i = 0; i < v.length; i++) w[jo + i] -= d * v[i];
      r[k * n + j] = w[jo];
    }
  }
  const inner = tall(r, n, n);
  // U = Q·[U_R; 0]: apply the reflectors H_{n−1} … H_0 to each column of [U_R; 0].
  const u = new Float64Array(m * n);
  const col = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    col.fill(0);
    for (let i = 0; i < n; i++) col[i] = inner.u[i * n + t];
    for (let k = n - 1; k >= 0; k--) {
      const v = vs[k];
      let d = 0;
      for (let i = 0; i < v.length; i++) d += v[i] * col[k + i];
      d *= betas[k];
      if (d !== 0) for (let i = 0; i < v.length; i++) col[k + i] -= d * v[i];
    }
    for (let i = 0; i < m; i++) u[i * n + t] = col[i];
  }
  return { m, n, p: n, u, s: inner.s, v: inner.v };
}
