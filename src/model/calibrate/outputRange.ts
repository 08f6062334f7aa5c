/**
 * Layer-output MSE clipping-range search: per tensor or per channel, the range [α·lo, α·hi] whose
 * grid minimises the layer's output error on calibration inputs,
 *   Σ_rows ‖x_g (W_g − Q_α(W)_g)‖²
 * (the weight-MSE search of core/quant/rangeSearch weighs every weight alike; this one weighs
 * them by the inputs they really multiply, so a clipped weight on a rarely active input costs
 * little and one on a strong input a lot). α runs over a grid from 1 (min/max) down to MIN_FACTOR,
 * then a finer grid around each channel's best; α = 1 is always tried, so the result is never worse
 * than min/max on this objective. Each candidate costs one batched matmul [G, n, K] × [G, K, O].
 */
import * as tf from '@tensorflow/tfjs';
import { quantizeUniform, type QuantScheme } from '../../core';
import { channelRanges } from '../../core/quant/uniform';
import type { Shape } from '../../core/tensor';
import { channelOfColumn, toGrouped, type KernelGeometry, type LayerRows } from './patches';

/** Grid steps of α in the coarse pass (1 → MIN_FACTOR) and of the fine pass around each channel's best. */
export const COARSE_STEPS = 32;
export const FINE_STEPS = 8;
export const MIN_FACTOR = 0.2;

/** The chosen range per channel (length 1 per tensor) and the output error with it and with min/max. */
export interface OutputRange {
  lo: Float64Array;
  hi: Float64Array;
  /** Σ_rows ‖x(W − Ŵ)‖² per channel / n (mean per row), chosen range. */
  error: Float64Array;
  /** The same with the min/max range (α = 1). */
  minmaxError: Float64Array;
}

export interface QuantGridOptions { bits: number; scheme: QuantScheme; axis?: number }

/** Σ over rows of the squared output error of each grouped column (length G·O), divided by n; `grouped` = the float kernel already in the grouped layout. */
export function columnErrors(x: tf.Tensor3D, grouped: Float32Array, wq: Float32Array, g: KernelGeometry, layer: LayerRows): Float64Array {
  const e = toGrouped(wq, g);
  for (let i = 0; i < e.length; i++) e[i] -= grouped[i];
  const out = tf.tidy(() => tf.matMul(x, tf.tensor3d(e, [layer.groups, layer.k, layer.o])).square().sum(1));
  const v = out.dataSync();
  out.dispose();
  return Float64Array.from(v, (s) => s / Math.max(1, layer.n));
}

/** Min/max range of each channel along `axis` (per tensor: one), symmetric → ±max|x|. */
function minmax(values: Float32Array, shape: Shape, opts: QuantGridOptions): { lo: Float64Array; hi: Float64Array } {
  const { lo, hi } = channelRanges('searchOutputRange', values, shape, opts.axis);
  if (opts.scheme === 'symmetric') for (let c = 0; c < lo.length; c++) { hi[c] = Math.max(-lo[c], hi[c]); lo[c] = -hi[c]; }
  return { lo, hi };
}

/**
 * Searches the output-MSE range of kernel `values` (its own layout and `shape`) for the grid
 * `opts`, with the layer's calibration rows. Per channel when opts.axis is set (the objective is a
 * sum over channels, so each channel's α is chosen on its own), else one α for the tensor.
 */
export function searchOutputRange(values: Float32Array, shape: Shape, opts: QuantGridOptions, g: KernelGeometry, layer: LayerRows): OutputRange {
  const { lo, hi } = minmax(values, shape, opts);
  const size = lo.length;
  const col = channelOfColumn(g, opts.axis !== undefined);
  const x = tf.tensor3d(layer.rows, [layer.groups, layer.n, layer.k]);
  const grouped = toGrouped(values, g);
  try {
    const errorsAt = (alpha: Float64Array): Float64Array => {
      const range = { lo: Float64Array.from(lo, (v, c) => v * alpha[c]), hi: Float64Array.from(hi, (v, c) => v * alpha[c]) };
      const wq = quantizeUniform(values, shape, { ...opts, range }).values;
      const cols = columnErrors(x, grouped, wq, g, layer);
      const perChannel = new Float64Array(size);
      for (let i = 0; i < cols.length; i++) perChannel[col[i]] += cols[i];
      return perChannel;
    };
    const bestA = new Float64Array(size).fill(1);
    const minmaxError = errorsAt(bestA);
    const best = minmaxError.slice();
    const consider = (alpha: Float64Array) => {
      const e = errorsAt(alpha);
      for (let c = 0; c < size; c++) if (e[c] < best[c]) { best[c] = e[c]; bestA[c] = alpha[c]; }
    };
    const step = (1 - MIN_FACTOR) / COARSE_STEPS;
    for (let s = 1; s <= COARSE_STEPS; s++) consider(new Float64Array(size).fill(1 - s * step));
    const coarse = bestA.slice();
    for (let s = -FINE_STEPS; s <= FINE_STEPS; s++) {
      if (s === 0) continue;
      consider(Float64Array.from(coarse, (a) => Math.min(1, Math.max(MIN_FACTOR, a + (s * step) / (FINE_STEPS + 1)))));
    }
    return { lo: Float64Array.from(lo, (v, c) => v * bestA[c]), hi: Float64Array.from(hi, (v, c) => v * bestA[c]), error: best, minmaxError };
  } finally {
    x.dispose();
  }
}
