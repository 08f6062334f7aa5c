/**
 * Measuring helpers of scripts/diagnose-ptq.ts (post-training quantization diagnostics, issue 12):
 * accuracy of ModelParts, layer outputs on a batch, measured input means, the "rounding lottery"
 * (the same grids with slightly widened ranges) and empirical bias correction. Node only, TF.js wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { quantizeUniform } from '../src/core';
import { searchRange } from '../src/core/quant/rangeSearch';
import type { LabelledDataset } from '../src/model/dataset';
import { imagesToTensor } from '../src/model/datasetTensor';
import { correctBiases } from '../src/model/transform/biasCorrection';
import { modelFromParts, type ModelParts, type WeightTensor } from '../src/model/weights';
import { evaluateModel } from '../src/runtime/evaluate';

/** A share as a percentage with two decimals, e.g. 0.9088 → "90.88 %". */
export const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
/** A number in scientific notation with three significant digits. */
export const sci = (x: number) => x.toExponential(2);

/** Top-1 accuracy (share in [0, 1]) of a loaded model on the first `limit` samples of `val` (all by default). */
export async function accuracyOf(model: tf.LayersModel, val: LabelledDataset, limit?: number): Promise<number> {
  const r = await evaluateModel(model, val, { latencyRuns: 1, warmupRuns: 0, throughputBatch: 1, limit }, { job: 0, yieldNow: async () => {} });
  if (r.type !== 'done') throw new Error('cancelled');
  return r.accuracy;
}

/** Top-1 accuracy (share in [0, 1]) of `parts` built as a TF.js model, disposed afterwards. */
export async function accuracy(parts: ModelParts, val: LabelledDataset, limit?: number): Promise<number> {
  const model = await modelFromParts(parts);
  try { return await accuracyOf(model, val, limit); } finally { model.dispose(); }
}

/** `parts` with the named weights' values replaced. */
export const withValues = (parts: ModelParts, repl: ReadonlyMap<string, Float32Array>): ModelParts =>
  ({ ...parts, weights: parts.weights.map((w) => (repl.has(w.name) ? { ...w, values: repl.get(w.name) as Float32Array } : w)) });

/** Kernels of a layers model with their layer, class and per-channel axis (depthwise [kh,kw,C,m] → 2, else last). */
export function kernels(parts: ModelParts): { w: WeightTensor; layer: string; axis: number }[] {
  return parts.weights.filter((w) => /\/(kernel|depthwise_kernel|pointwise_kernel)$/.test(w.name))
    .map((w) => ({ w, layer: w.name.split('/')[0], axis: w.name.endsWith('/depthwise_kernel') ? 2 : -1 }));
}

/** Per probe layer (the BN right after each kernel layer, or the layer itself): its output on `x`, as flat values. */
export async function probe(parts: ModelParts, x: tf.Tensor, names: string[]): Promise<Float32Array[]> {
  const model = await modelFromParts(parts);
  const sub = tf.model({ inputs: model.inputs, outputs: names.map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
  const pred = sub.predict(x);
  const outs = Array.isArray(pred) ? pred : [pred];
  const vals = outs.map((o) => o.dataSync() as Float32Array);
  tf.dispose(outs);
  model.dispose();
  return vals;
}

/** The layer whose output shows a kernel layer's error: the BatchNormalization that follows it, if any. */
export async function probeNames(parts: ModelParts, layers: string[]): Promise<string[]> {
  const model = await modelFromParts(parts);
  const names = model.layers.map((l) => l.name);
  const out = layers.map((l) => { const next = model.layers[names.indexOf(l) + 1]; return next?.getClassName() === 'BatchNormalization' ? next.name : l; });
  model.dispose();
  return out;
}

/** Relative squared error Σ(a − b)² / Σb² (b the reference). */
export const relErr = (a: Float32Array, b: Float32Array) => { let e = 0; let s = 0; for (let i = 0; i < a.length; i++) { e += (a[i] - b[i]) ** 2; s += b[i] ** 2; } return e / s; };
/** Mean squared error Σ(a − b)² / n, in squared units of the values. */
export const mse = (a: Float32Array, b: Float32Array) => { let e = 0; for (let i = 0; i < a.length; i++) e += (a[i] - b[i]) ** 2; return e / a.length; };

/** A range [lo, hi] per channel, every bound multiplied by `f`. */
export const scaled = (r: { lo: ArrayLike<number>; hi: ArrayLike<number> }, f: number) => ({ lo: Float64Array.from(r.lo, (v) => v * f), hi: Float64Array.from(r.hi, (v) => v * f) });

/** Per-channel [min, max] of a tensor along `axis` (one channel when undefined). */
export function minmax(w: WeightTensor, axis: number | undefined): { lo: Float64Array; hi: Float64Array } {
  const ax = axis === undefined ? -1 : axis < 0 ? w.shape.length + axis : axis;
  const size = ax < 0 ? 1 : w.shape[ax];
  const inner = ax < 0 ? w.values.length : w.shape.slice(ax + 1).reduce((a, d) => a * d, 1);
  const lo = new Float64Array(size);
  const hi = new Float64Array(size);
  w.values.forEach((v, i) => { const c = Math.floor(i / inner) % size; lo[c] = Math.min(lo[c], v); hi[c] = Math.max(hi[c], v); });
  return { lo, hi };
}

/** Range widening factors of the rounding lottery: every range × (1 + δ). */
export const DELTAS = [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07];
/** "mean ± sd" of accuracies in percent (sample standard deviation, n − 1). */
export const meanSd = (a: number[]) => { const m = a.reduce((x, y) => x + y, 0) / a.length; return `${(m * 100).toFixed(2)} ± ${(Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1)) * 100).toFixed(2)}`; };

/**
 * Whole-model accuracy with every kernel's range (min/max, or the MSE range) widened by each of
 * DELTAS (0–7 %: no clipping, a step up to 7 % larger, the weight MSE barely moves): which weights
 * round up or down changes, so the spread over them is the noise floor of one PTQ measurement.
 * With `correct`, data-free bias correction (correctBiases, as calibrate 'bias') is applied too.
 */
export async function lotteryRow(parts: ModelParts, val: LabelledDataset, q: { bits: number; scheme: 'affine' | 'symmetric'; granularity: 'tensor' | 'channel'; mse?: boolean; minSize?: number; correct?: boolean }, limit?: number): Promise<number[]> {
  const ks = kernels(parts);
  const accs: number[] = [];
  for (const d of DELTAS) {
    const tensors = ks.map((k) => {
      const opts = { bits: q.bits, scheme: q.scheme, axis: q.granularity === 'channel' ? k.axis : undefined };
      const base = q.mse ? searchRange(k.w.values, k.w.shape, { ...opts, minSize: q.minSize }) : minmax(k.w, opts.axis);
      return { name: k.w.name, values: quantizeUniform(k.w.values, k.w.shape, { ...opts, range: scaled(base, 1 + d) }).values };
    });
    const repl = new Map(tensors.map((t) => [t.name, t.values]));
    if (q.correct) for (const [n, v] of correctBiases(parts, tensors).corrected) repl.set(n, v);
    accs.push(await accuracy(withValues(parts, repl), val, limit));
  }
  return accs;
}


/** Measured per-channel mean of each layer's input, over the first `n` val images (channels last). */
export async function measuredInputMeans(parts: ModelParts, val: LabelledDataset, layers: string[], n = 2000): Promise<Float64Array[]> {
  const model = await modelFromParts(parts);
  const ins = layers.map((l) => model.getLayer(l).input as tf.SymbolicTensor);
  const sub = tf.model({ inputs: model.inputs, outputs: ins });
  const x = imagesToTensor(val, 0, n);
  const pred = sub.predict(x);
  const outs = Array.isArray(pred) ? pred : [pred];
  const means = outs.map((o) => { const c = o.shape[o.shape.length - 1] as number; return Float64Array.from(tf.tidy(() => o.reshape([-1, c]).mean(0)).dataSync()); });
  tf.dispose([x, ...outs]);
  model.dispose();
  return means;
}

/**
 * Empirical bias correction (Nagel et al. 2019 §4.2, with data): for each kernel layer in order, the
 * per-channel mean of (its output in the quantized model − in the float model) on `n` val images,
 * subtracted from its bias, or added to the next BN's moving_mean. Layers with a fused activation
 * (Dense relu) get the pre-activation shift from input means: Ŵᵀ·E[x_q] − Wᵀ·E[x].
 */
export async function empiricalCorrection(parts: ModelParts, qparts: ModelParts, val: LabelledDataset, n = 1000): Promise<{ parts: ModelParts; rms: Map<string, number> }> {
  const ks = kernels(parts);
  const names = await probeNames(parts, ks.map((k) => k.layer));
  const x = imagesToTensor(val, 0, n);
  const rms = new Map<string, number>();
  let cur = qparts;
  const store = (p: ModelParts) => new Map(p.weights.map((w) => [w.name, w]));
  for (const [i, k] of ks.entries()) {
    const w = store(cur);
    const target = w.get(`${k.layer}/bias`) ?? (names[i] !== k.layer ? w.get(`${names[i]}/moving_mean`) : undefined);
    if (!target) continue;
    const sign = target.name.endsWith('/bias') ? -1 : 1;
    const outC = k.w.shape[k.axis < 0 ? k.w.shape.length - 1 : k.axis];
    let shift: Float64Array;
    if (target.name.endsWith('/bias')) {
      const [mq, mf] = [...await measuredInputMeans(cur, val, [k.layer], n), ...await measuredInputMeans(parts, val, [k.layer], n)];
      const wq = (w.get(k.w.name) as WeightTensor).values;
      shift = new Float64Array(outC);
      for (let r = 0; r < wq.length / outC; r++) for (let o = 0; o < outC; o++) shift[o] += wq[r * outC + o] * mq[r] - k.w.values[r * outC + o] * mf[r];
    } else {
      const [yq, y] = [(await probe(cur, x, [k.layer]))[0], (await probe(parts, x, [k.layer]))[0]];
      shift = new Float64Array(outC);
      for (let j = 0; j < y.length; j++) shift[j % outC] += (yq[j] - y[j]) / (y.length / outC);
    }
    rms.set(k.layer, Math.sqrt(shift.reduce((a, v) => a + v * v, 0) / outC));
    cur = withValues(cur, new Map([[target.name, Float32Array.from(target.values, (v, o) => v + sign * shift[o])]]));
  }
  x.dispose();
  return { parts: cur, rms };
}
