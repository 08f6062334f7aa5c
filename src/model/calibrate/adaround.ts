/**
 * AdaRound (Nagel et al. 2020, "Up or Down? Adaptive Rounding for Post-Training Quantization",
 * arXiv 2004.10568): per layer, learn whether each weight rounds up or down on its grid so that the
 * layer's output on calibration inputs changes least, instead of rounding each weight to nearest.
 *
 *   Ŵ = s·(clamp(⌊w/s + z⌋ + h(V), qmin, qmax) − z),  h(V) = clip(σ(V)(ζ − γ) + γ, 0, 1), ζ = 1.1, γ = −0.1
 *   min_V  mean_rows ‖x(W − Ŵ)‖² + λ·Σ (1 − |2h(V) − 1|^β)
 *
 * V starts where h(V) = w/s + z − ⌊w/s + z⌋; Adam on minibatches of rows; λ = 0 during the warm-up,
 * then β decays from 20 to 2 (cosine). Final code ⌊w/s + z⌋ + [h(V) ≥ ½] (⟺ V ≥ 0), clamped.
 * Defaults as in AIMET (aimet_torch/adaround: reg_param 0.01, beta_range (20, 2), warm_start 0.2,
 * cosine β decay, Adam) and BRECQ (quant/layer_recon.py: weight 0.01, b_range (20, 2)), except
 * that both run 10 000–20 000 iterations at Adam's lr 1e-3; we run 10–20× fewer at lr 1e-2, so
 * that V can still travel the same distance (≈ lr × iterations).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core';

/** One layer as G independent linear maps y_g = x_g · W_g (x_g ∈ R^K, W_g ∈ R^{K×O}), with calibration inputs. */
export interface GroupedLinear {
  groups: number; k: number; o: number;
  /** n calibration input rows per group (im2col patches for conv), [G, n, K] row-major */
  rows: Float32Array; n: number;
}
/** The quantization grid of each weight, in the grouped layout [G, K, O]: value = scale·(q − zero), q integer in [qmin, qmax]. */
export interface RoundingGrid { scale: Float32Array; zero: Float32Array; qmin: number; qmax: number }

/** Options of {@link adaround}; every default is documented in the file header. */
export interface AdaRoundOptions {
  /** Adam steps (default 500). */
  iterations?: number;
  /** Rows per minibatch (default 256; all rows when n is smaller). */
  batch?: number;
  /** Weight λ of the rounding regulariser, summed over weights (default 0.01). */
  lambda?: number;
  /** β at the end of the warm-up and at the last step (default [20, 2]). */
  beta?: [number, number];
  /** Share of iterations with λ = 0 at the start (default 0.2). */
  warmup?: number;
  /** Adam learning rate on V (default 1e-2). */
  learningRate?: number;
  /** Seed of the minibatch draws (default 0). */
  seed?: number;
  /** Checked every few iterations: when true, stop and resolve undefined. */
  isCancelled?: () => boolean;
  /** Called every few iterations and at the end with (iterations done, iterations). */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** Learned codes and their float values; losses are mean_rows ‖x(W − Ŵ)‖² over ALL n rows (sum over groups and outputs). */
export interface AdaRoundResult {
  /** Integer grid codes, [G, K, O]. */
  codes: Int32Array;
  /** Math.fround(scale·(codes − zero)), [G, K, O]. */
  values: Float32Array;
  loss: {
    /** Loss of nearest rounding. */
    nearest: number;
    /** Loss of the returned codes (≤ nearest). */
    learned: number;
    /** Loss of the learned codes before columns that did worse than nearest were reset to nearest. */
    optimised: number;
    /** Output columns (of G·O) that kept the nearest codes because their learned loss was higher. */
    keptNearest: number;
  };
}

const ZETA = 1.1;
const GAMMA = -0.1;
/** Yield to the event loop (progress, cancellation) after this many iterations or this many ms, whichever first. */
const YIELD_EVERY = 8;
const YIELD_MS = 50;

/** Each weight's place on its grid: nearest code, floor code and what the soft forward pass needs. */
export interface Rounding {
  /** Nearest code, clamped: what every weight that is not free keeps. */
  codes: Int32Array;
  /** ⌊w/s + z⌋ of free weights. */
  floor: Int32Array;
  /** w/s + z − ⌊w/s + z⌋ ∈ [0, 1) of free weights. */
  rest: Float32Array;
  /** 1 where the rounding is learned: w ≠ 0, s > 0 and both neighbours on the grid. */
  free: Uint8Array;
  /** w − s·(⌊w/s + z⌋ − z) for free weights, w − value(nearest) otherwise, so W − Ŵ = residual − step·h. */
  residual: Float32Array;
  /** s for free weights, 0 otherwise. */
  step: Float32Array;
}

/** Nearest rounding (half up) and the floor/rest split of every weight; fixed weights get step 0. */
export function nearestRounding(w: Float32Array, { scale, zero, qmin, qmax }: RoundingGrid): Rounding {
  const n = w.length;
  const r: Rounding = { codes: new Int32Array(n), floor: new Int32Array(n), rest: new Float32Array(n),
    free: new Uint8Array(n), residual: new Float32Array(n), step: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const s = scale[i];
    if (!(s >= 0) || !Number.isFinite(s)) throw new Error(`adaround: scale ${s} at ${i} is not a finite non-negative number`);
    // Pruned weights and empty channels (s = 0) keep the zero point, so their value stays exactly 0.
    const p = w[i] !== 0 && s > 0 ? w[i] / s + zero[i] : zero[i];
    const f = Math.floor(p);
    r.codes[i] = Math.min(qmax, Math.max(qmin, Math.round(p)));
    if (w[i] !== 0 && s > 0 && f >= qmin && f < qmax) {
      r.free[i] = 1;
      r.floor[i] = f;
      r.rest[i] = p - f;
      r.step[i] = s;
      r.residual[i] = w[i] - s * (f - zero[i]);
    } else {
      r.residual[i] = w[i] - Math.fround(s * (r.codes[i] - zero[i]));
    }
  }
  return r;
}

/** V with h(V) = rest exactly: σ(V) = (rest − γ)/(ζ − γ), rest ∈ [0, 1) keeps it finite. */
function initialV(r: Rounding): Float32Array {
  const v = new Float32Array(r.rest.length);
  for (let i = 0; i < v.length; i++) v[i] = r.free[i] ? -Math.log((ZETA - GAMMA) / (r.rest[i] - GAMMA) - 1) : 0;
  return v;
}

/** β at step `it`: cosine from beta[0] (end of warm-up) to beta[1] (last step), as AIMET's _compute_beta. */
export function annealedBeta(it: number, iterations: number, warmup: number, [start, end]: [number, number]): number {
  const warm = warmup * iterations;
  const rel = iterations > warm ? Math.max(0, (it - warm) / (iterations - warm)) : 1;
  return end + 0.5 * (start - end) * (1 + Math.cos(rel * Math.PI));
}

/**
 * mean_rows (x_g · ΔW_g[:, o])² for each group g and output o ([G·O]), over all n rows in chunks
 * of rows so that conv layers with many patches stay within memory.
 */
function columnLosses(rows: tf.Tensor3D, layer: GroupedLinear, dW: Float32Array[]): Float64Array[] {
  const { groups: g, k, o, n } = layer;
  const out = dW.map(() => new Float64Array(g * o));
  const chunk = Math.max(1, Math.floor(2 ** 22 / Math.max(1, k + dW.length * o)));
  const w = tf.tidy(() => tf.concat(dW.map((d) => tf.tensor3d(d, [g, k, o])), 2));
  for (let start = 0; start < n; start += chunk) {
    const sums = tf.tidy(() => {
      const x = tf.slice(rows, [0, start, 0], [g, Math.min(chunk, n - start), k]);
      return tf.sum(tf.square(tf.matMul(x, w)), 1).dataSync(); // [G, D·O]
    });
    for (let gi = 0; gi < g; gi++) for (let d = 0; d < dW.length; d++) for (let j = 0; j < o; j++) {
      out[d][gi * o + j] += sums[gi * dW.length * o + d * o + j] / n;
    }
  }
  w.dispose();
  return out;
}

/** Validates shapes and options; throws on a mismatch. */
function check(w: Float32Array, grid: RoundingGrid, layer: GroupedLinear): void {
  const size = layer.groups * layer.k * layer.o;
  if (w.length !== size || grid.scale.length !== size || grid.zero.length !== size) throw new Error(`adaround: weights and grid must have G·K·O = ${size} entries`);
  if (layer.rows.length !== layer.groups * layer.n * layer.k) throw new Error('adaround: rows must be [G, n, K]');
  if (!(layer.n > 0)) throw new Error('adaround: no calibration rows');
  if (!(grid.qmax > grid.qmin)) throw new Error('adaround: qmax must exceed qmin');
}

/**
 * Learns up/down rounding of one layer's weights on its calibration rows (see the file header).
 * Each output column (g, o) whose learned codes give a higher full-data loss than nearest
 * rounding keeps the nearest codes (the loss separates over columns), so loss.learned ≤
 * loss.nearest always. Weights that are exactly 0 (pruned) or with scale 0 keep their nearest
 * code (the zero point); weights beyond the grid clamp. Resolves undefined when cancelled.
 */
export async function adaround(w: Float32Array, grid: RoundingGrid, layer: GroupedLinear, opts: AdaRoundOptions = {}): Promise<AdaRoundResult | undefined> {
  check(w, grid, layer);
  const { groups: g, k, o, n } = layer;
  const iterations = Math.max(0, Math.floor(opts.iterations ?? 500));
  const batch = Math.min(n, Math.max(1, Math.floor(opts.batch ?? 256)));
  const lambda = opts.lambda ?? 0.01;
  const beta = opts.beta ?? [20, 2];
  const warmup = opts.warmup ?? 0.2;
  const rng = createRng(opts.seed ?? 0);
  const r = nearestRounding(w, grid);
  const rows = tf.tensor3d(layer.rows, [g, n, k]);
  const size = w.length;
  const st: State = { v: initialV(r), sig: new Float32Array(size), dW: Float32Array.from(r.residual),
    m: new Float32Array(size), s: new Float32Array(size), lr: opts.learningRate ?? 1e-2, t: 0 };
  for (let i = 0; i < size; i++) if (r.free[i]) soften(st, r, i);
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  let yielded = -Infinity;
  try {
    for (let it = 0; it < iterations; it++) {
      if (it % YIELD_EVERY === 0 || performance.now() - yielded > YIELD_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        yielded = performance.now();
        if (opts.isCancelled?.()) return undefined;
        if (it > 0) await opts.onProgress?.(it, iterations);
      }
      // Partial Fisher–Yates: the first `batch` entries of pool become a uniform sample without replacement.
      for (let i = 0; i < batch && batch < n; i++) {
        const j = i + Math.floor(rng.next() * (n - i));
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      const d = tf.tidy(() => {
        const x = batch < n ? tf.gather(rows, tf.tensor1d(pool.subarray(0, batch), 'int32'), 1) : rows;
        const err = tf.matMul(x, tf.tensor3d(st.dW, [g, k, o]));
        return tf.mul(tf.matMul(x, err, true, false), 2 / batch); // ∂(Σ err² / B)/∂ΔW
      });
      const dLoss = d.dataSync() as Float32Array;
      d.dispose();
      const lam = it < warmup * iterations ? 0 : lambda;
      step(st, r, dLoss, lam, annealedBeta(it, iterations, warmup, beta));
    }
    if (opts.isCancelled?.()) return undefined;
    const learned = Int32Array.from(r.codes);
    for (let i = 0; i < learned.length; i++) if (r.free[i]) learned[i] = r.floor[i] + (st.v[i] >= 0 ? 1 : 0);
    const result = pickPerColumn(w, grid, layer, rows, r.codes, learned);
    await opts.onProgress?.(iterations, iterations);
    return result;
  } finally {
    rows.dispose();
  }
}

/** The optimiser's state: V, σ(V), the soft ΔW = residual − step·h(V), and Adam's moments. */
interface State { v: Float32Array; sig: Float32Array; dW: Float32Array; m: Float32Array; s: Float32Array; lr: number; t: number }

/** Sets σ(V) and ΔW = W − Ŵ = residual − step·h(V) of weight i. */
function soften(st: State, r: Rounding, i: number): void {
  const sig = 1 / (1 + Math.exp(-st.v[i]));
  st.sig[i] = sig;
  st.dW[i] = r.residual[i] - r.step[i] * Math.min(1, Math.max(0, sig * (ZETA - GAMMA) + GAMMA));
}

/**
 * ∂L/∂V_i of L = rec(ΔW) + λ·Σ_free (1 − |2h − 1|^β), given dRec = ∂rec/∂ΔW_i and sig = σ(V_i),
 * through ΔW = residual − s·h and h = clip(σ(V)(ζ − γ) + γ, 0, 1) (zero where the clip is active,
 * as autograd's clipByValue). d/dh (1 − |2h − 1|^β) = −2β·|u|^(β−1)·sign(u), u = 2h − 1.
 */
export function gradientV(sig: number, step: number, dRec: number, lambda: number, beta: number): number {
  const raw = sig * (ZETA - GAMMA) + GAMMA;
  if (raw <= 0 || raw >= 1) return 0;
  let dh = -step * dRec;
  const u = 2 * raw - 1;
  // |u|^(β−1) as exp((β−1)·ln|u|): V8's ** with a fractional exponent is twice as slow.
  if (lambda > 0 && u !== 0) dh -= (u > 0 ? 2 : -2) * lambda * beta * Math.exp((beta - 1) * Math.log(Math.abs(u)));
  return dh * (ZETA - GAMMA) * sig * (1 - sig);
}

/**
 * One Adam step on every free V (Kingma & Ba; β₁ 0.9, β₂ 0.999, ε 1e-8 as torch.optim.Adam, which
 * AIMET and BRECQ use) with the gradient of {@link gradientV}, then σ(V) and ΔW afresh, in one pass
 * (the hot spot: 400 000 weights per iteration for LeNet-5's ip1).
 */
function step(st: State, r: Rounding, dRec: Float32Array, lambda: number, beta: number): void {
  st.t++;
  const c1 = st.lr / (1 - 0.9 ** st.t);
  const c2 = 1 / (1 - 0.999 ** st.t);
  const { v, sig, dW, m, s } = st;
  const { free, step: sc, residual } = r;
  const span = ZETA - GAMMA;
  for (let i = 0; i < v.length; i++) {
    if (!free[i]) continue;
    const g = gradientV(sig[i], sc[i], dRec[i], lambda, beta);
    const mi = 0.9 * m[i] + 0.1 * g;
    const si = 0.999 * s[i] + 0.001 * g * g;
    m[i] = mi;
    s[i] = si;
    const vi = v[i] - (c1 * mi) / (Math.sqrt(si * c2) + 1e-8);
    v[i] = vi;
    const sn = 1 / (1 + Math.exp(-vi));
    sig[i] = sn;
    const h = sn * span + GAMMA;
    dW[i] = residual[i] - sc[i] * (h < 0 ? 0 : h > 1 ? 1 : h);
  }
}

/** Per output column, the learned codes unless nearest rounding has the lower full-data loss there. */
function pickPerColumn(w: Float32Array, grid: RoundingGrid, layer: GroupedLinear, rows: tf.Tensor3D, nearest: Int32Array, learned: Int32Array): AdaRoundResult {
  const { k, o } = layer;
  const valuesOf = (c: Int32Array) => c.reduce((out, q, i) => { out[i] = Math.fround(grid.scale[i] * (q - grid.zero[i])); return out; }, new Float32Array(c.length));
  const nv = valuesOf(nearest);
  const lv = valuesOf(learned);
  const [ln, ll] = columnLosses(rows, layer, [nv, lv].map((vals) => vals.map((q, i) => w[i] - q)));
  const codes = Int32Array.from(learned);
  const values = Float32Array.from(lv);
  let kept = 0;
  let nearestSum = 0;
  let optimised = 0;
  let learnedSum = 0;
  for (let col = 0; col < ln.length; col++) {
    nearestSum += ln[col];
    optimised += ll[col];
    const keep = ll[col] > ln[col];
    learnedSum += keep ? ln[col] : ll[col];
    if (!keep) continue;
    kept++;
    const gi = Math.floor(col / o);
    const j = col % o;
    for (let i = 0; i < k; i++) { const at = (gi * k + i) * o + j; codes[at] = nearest[at]; values[at] = nv[at]; }
  }
  return { codes, values, loss: { nearest: nearestSum, learned: learnedSum, optimised, keptNearest: kept } };
}
