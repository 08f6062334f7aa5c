/**
 * Post-training calibration on data (quantize.calibrate 'output' / 'adaround'): the model after
 * the plan's structural transforms, equalization and pruning is run once on CALIBRATION_SAMPLES
 * seeded inputs (no labels), every Dense / Conv2D / DepthwiseConv2D layer's input is captured as
 * rows of linear maps (patches.ts: at most MAX_ROWS per group, plus the exact mean of each kernel
 * row over all positions), and each uniformly quantized kernel gets
 *   'output':   the clipping range that minimises its layer-output MSE on those rows (outputRange.ts),
 *   'adaround': that range, then up/down rounding learned by AdaRound (adaround.ts);
 * a pruned kernel's kept weights are first re-fitted by least squares so its outputs stay the
 * unpruned layer's (refit.ts, Optimal Brain Compression's step) — quantization starts from there;
 * compressModel then adds empirical bias correction b ← b − (Ŵ − W)·E[x] with the measured means,
 * kept when it raises the agreement with the original on the calibration inputs (compressCalibrated).
 * Inputs are the float (pruned) model's, captured once and reused for every layer. Kernels of
 * layers that cannot be measured (other classes, shared layers, channels_first) keep the
 * weight-MSE range and say why.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, dequantizeUniform, quantizeUniform, quantPayload, shuffledIndices } from '../../core';
import { compressModel, compressWeights, shapeModel, splitWeightName, uniformSettingsOf, type CalibratedKernels, type CalibrationReport, type CompressOutput, type EncodedTensor, type PruneScores } from '../compress';
import { fitSampleShape } from '../classifier';
import type { Dataset } from '../dataset';
import { imagesToTensor } from '../datasetTensor';
import { teacherLogits } from '../train/distill';
import { argmaxRows } from '../train/finetune';
import type { CompressionPlan } from '../plan';
import { CALIBRATION_SAMPLES } from '../planFields';
import { modelFromParts, type ModelParts } from '../weights';
import { adaround } from './adaround';
import { searchOutputRange } from './outputRange';
import { refitPruned } from './refit';
import { channelOfColumn, fromGrouped, patchCollector, toGrouped, type KernelGeometry, type LayerRows, type PatchCollector } from './patches';

export { CALIBRATION_SAMPLES };
/** Rows kept per layer group (sampled output positions; a Dense layer has one per input). */
export const MAX_ROWS = 2048;
const BATCH = 64;

export interface CalibrationHooks {
  isCancelled?: () => boolean;
  onProgress?: (done: number, total: number, message: string) => Promise<void> | void;
}

const num = (v: unknown, d = 1): number => (Array.isArray(v) ? Number(v[0] ?? d) : typeof v === 'number' ? v : d);
const pair = (v: unknown, d = 1): [number, number] => (Array.isArray(v) ? [Number(v[0] ?? d), Number(v[1] ?? v[0] ?? d)] : [num(v, d), num(v, d)]);

/** The geometry of a layer the calibration can measure, or why not. */
function geometryOf(layer: tf.layers.Layer, kernelShape: number[]): KernelGeometry | { reason: string } {
  // TF.js configs are camelCase (dilationRate, dataFormat); Keras-named keys are read too.
  const c = layer.getConfig() as Record<string, unknown>;
  const at = (camel: string, snake: string) => c[camel] ?? c[snake];
  if (layer.inboundNodes.length !== 1) return { reason: 'a layer used more than once' };
  if (at('dataFormat', 'data_format') === 'channels_first') return { reason: 'channels_first' };
  const cls = layer.getClassName();
  if (cls === 'Dense') return { kind: 'dense', k: kernelShape[0], o: kernelShape[1] };
  if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D') return { reason: `${cls} layers are not measured` };
  if (c.padding !== 'same' && c.padding !== 'valid') return { reason: `padding ${String(c.padding)}` };
  if (cls === 'Conv2D' && num(c.groups, 1) !== 1) return { reason: 'grouped convolution' };
  const [kh, kw, cin, m] = kernelShape;
  const [sh, sw] = pair(c.strides);
  const [dh, dw] = pair(at('dilationRate', 'dilation_rate'));
  return { kind: cls === 'Conv2D' ? 'conv' : 'depthwise', kh, kw, sh, sw, dh, dw, same: c.padding === 'same', c: cin, o: cls === 'Conv2D' ? m : cin * m };
}

/** The plan without calibration on data: pruning only (what calibration measures the model after). */
const pruningOnly = (plan: CompressionPlan): CompressionPlan => ({
  version: 1, prune: plan.prune,
  layers: plan.layers && Object.fromEntries(Object.entries(plan.layers).map(([n, o]) => [n, { ...(o.exclude ? { exclude: true } : {}), ...(o.prune !== undefined ? { prune: o.prune } : {}) }])),
});

/** A layer whose input calibration captures: its kernel, the geometry, and the collector of its input rows. */
interface Target { layer: tf.layers.Layer; kernel: string; shape: number[]; geometry: KernelGeometry; collector: PatchCollector }

/** The model's Dense / Conv2D / DepthwiseConv2D layers with a kernel in `byName`, collectors of `perSample` rows per input; the others with why. */
function measurableLayers(model: tf.LayersModel, byName: ReadonlyMap<string, { shape: number[] }>, perSample: number): { targets: Target[]; skipped: [string, string, string][] } {
  const rng = createRng(12);
  const targets: Target[] = [];
  const skipped: [string, string, string][] = [];
  for (const layer of model.layers) {
    const name = [...byName.keys()].find((n) => splitWeightName(n).layer === layer.name && ['kernel', 'depthwise_kernel'].includes(splitWeightName(n).role));
    const t = name ? byName.get(name) : undefined;
    if (!name || !t) continue;
    const g = geometryOf(layer, t.shape);
    if ('reason' in g) skipped.push([layer.name, name, g.reason]);
    else targets.push({ layer, kernel: name, shape: t.shape, geometry: g, collector: patchCollector(g, perSample, rng) });
  }
  return { targets, skipped };
}

/** The calibration inputs: CALIBRATION_SAMPLES of a seeded shuffle of `data` (all of it when smaller), as a data set of their own. */
function calibrationSet(data: Dataset): Dataset {
  const count = Math.min(CALIBRATION_SAMPLES, data.entry.count);
  const size = data.entry.shape.reduce((a, b) => a * b, 1);
  const images = new Uint8Array(count * size);
  shuffledIndices(data.entry.count, createRng(11)).slice(0, count).forEach((src, i) => images.set(data.images.subarray(src * size, (src + 1) * size), i * size));
  return { entry: { ...data.entry, count }, images };
}

/** One pass of `model` over the calibration set, each target's input collected. False when cancelled. */
async function captureInputs(model: tf.LayersModel, targets: Target[], set: Dataset, hooks: CalibrationHooks, what: string): Promise<boolean> {
  const count = set.entry.count;
  const inputs = new Set(model.inputs);
  const outputs = targets.map((t) => t.layer.input as tf.SymbolicTensor);
  const probe = tf.model({ inputs: model.inputs, outputs: outputs.filter((o) => !inputs.has(o)) });
  const inputShape = model.inputs[0].shape.map((d) => d ?? -1);
  const batches = Math.ceil(count / BATCH);
  for (let b = 0; b < batches; b++) {
    if (hooks.isCancelled?.()) return false;
    const n = Math.min(BATCH, count - b * BATCH);
    const x = tf.tidy(() => fitSampleShape(imagesToTensor(set, b * BATCH, n), inputShape));
    const got = probe.outputs.length ? probe.predict(x) : [];
    const list = Array.isArray(got) ? got : [got];
    let j = 0;
    for (let i = 0; i < targets.length; i++) {
      const tensor = inputs.has(outputs[i]) ? x : list[j++];
      targets[i].collector.add(tensor.dataSync() as Float32Array, tensor.shape, n);
    }
    tf.dispose([x, ...list]);
    await hooks.onProgress?.(b + 1, batches, `${what}, batch ${b + 1}/${batches}`);
  }
  return true;
}

/**
 * Measures `parts` under `plan` on `data` and encodes its uniformly quantized kernels by the plan's
 * calibration (file comment). Undefined when cancelled. For a graph model, nothing is measured.
 */
export function calibrateKernels(parts: ModelParts, plan: CompressionPlan, data: Dataset, hooks: CalibrationHooks = {}, scores?: PruneScores): Promise<CalibratedKernels | undefined> {
  return measureKernels(parts, plan, calibrationSet(data), hooks, scores);
}

/** {@link calibrateKernels} on a calibration set already drawn. */
async function measureKernels(parts: ModelParts, plan: CompressionPlan, set: Dataset, hooks: CalibrationHooks, scores?: PruneScores): Promise<CalibratedKernels | undefined> {
  const shaped = shapeModel(parts, plan, scores);
  const encoded = new Map<string, EncodedTensor>();
  const rowMeans = new Map<string, Float64Array>();
  const report: CalibrationReport[] = [];
  const q = typeof plan.quantize === 'object' ? plan.quantize : undefined;
  const method = q?.calibrate === 'adaround' ? 'adaround' : 'output';
  if (parts.format === 'graph-model' || !q) return { shaped, encoded, rowMeans, report };

  // The model as calibration sees it: shaped, pruned, float.
  const pruned = compressWeights(shaped.parts, pruningOnly(plan), undefined, scores?.weights && shaped.carried).tensors;
  const model = await modelFromParts({ ...shaped.parts, weights: pruned });
  const byName = new Map(pruned.map((t) => [t.name, t]));
  const unprunedOf = new Map(shaped.parts.weights.map((t) => [t.name, t.values]));
  try {
    const { targets, skipped } = measurableLayers(model, byName, Math.max(1, Math.ceil(MAX_ROWS / set.entry.count)));
    for (const [layer, tensor, reason] of skipped) report.push({ layer, tensor, method: 'weight-mse', reason, ms: 0 });
    // Progress over the whole calibration: the capture is the first tenth, each layer an equal share of the rest.
    const share = (from: number, to: number): CalibrationHooks => ({
      isCancelled: hooks.isCancelled,
      onProgress: (done, total, message) => hooks.onProgress?.(Math.round(1000 * (from + (to - from) * (done / Math.max(1, total)))), 1000, message),
    });
    if (!await captureInputs(model, targets, set, share(0, 0.1), 'measuring each layer\'s inputs')) return undefined;

    // Each kernel on its calibrated grid.
    for (let i = 0; i < targets.length; i++) {
      const { layer, kernel, shape, geometry } = targets[i];
      const t = byName.get(kernel);
      const override = plan.layers?.[layer.name] ?? {};
      const u = t && !override.exclude ? uniformSettingsOf(plan, override, geometry.kind === 'depthwise' ? 2 : -1) : undefined;
      const { layer: rows, rowMean } = targets[i].collector.finish();
      rowMeans.set(layer.name, rowMean);
      if (!t || !u) continue;
      const t0 = performance.now();
      // Pruned: the kept weights re-fitted so the layer's outputs stay the unpruned layer's (refit.ts); quantized from there.
      const unpruned = unprunedOf.get(kernel);
      const refit = unpruned && t.values.some((v, j) => v === 0 && unpruned[j] !== 0)
        ? refitPruned(toGrouped(unpruned, geometry), toGrouped(t.values, geometry), rows) : undefined;
      const values = refit ? fromGrouped(refit.values, geometry) : t.values;
      const opts = { bits: u.bits, scheme: u.scheme, axis: u.axis };
      const range = searchOutputRange(values, shape, opts, geometry, rows);
      const r = quantizeUniform(values, shape, { ...opts, range });
      const at = (e: Float64Array) => e.reduce((a, v) => a + v, 0);
      const row: CalibrationReport = {
        layer: layer.name, tensor: kernel, method, error: { minmax: at(range.minmaxError), range: at(range.error), final: at(range.error) }, ms: 0,
        ...(refit ? { refit: { before: refit.before, after: refit.after } } : {}),
      };
      let result = r;
      if (method === 'adaround') {
        const part = share(0.1 + (0.9 * i) / targets.length, 0.1 + (0.9 * (i + 1)) / targets.length);
        const learned = await roundAdaptively(values, shape, r, geometry, rows, part, `AdaRound on ${layer.name} (${i + 1}/${targets.length})`);
        if (!learned) return undefined;
        result = learned.result;
        row.error = { ...(row.error as NonNullable<CalibrationReport['error']>), final: learned.loss };
        row.iterations = adaroundIterations(values.length);
      }
      row.ms = Math.round(performance.now() - t0);
      report.push(row);
      encoded.set(kernel, { payload: quantPayload(result, shape), values: result.values, bits: u.bits });
      await share(0.1, 1).onProgress?.(i + 1, targets.length, `ranges and rounding of ${layer.name} (${i + 1}/${targets.length})`);
    }
  } finally {
    model.dispose();
  }
  return { shaped, encoded, rowMeans, report };
}

/** AdaRound's iterations per layer: 500 (LeNet-5's 800 × 500 ip1 and smaller), fewer for bigger layers so a layer costs at most that much work (never under 100). */
export const ADAROUND_ITERATIONS = 500;
export const ADAROUND_WORK = ADAROUND_ITERATIONS * 400_000;
export const adaroundIterations = (weights: number): number => Math.max(100, Math.min(ADAROUND_ITERATIONS, Math.floor(ADAROUND_WORK / Math.max(1, weights))));

/** AdaRound on the grid of `r` (its scales and zero points), codes back in the kernel's layout. */
async function roundAdaptively(values: Float32Array, shape: number[], r: ReturnType<typeof quantizeUniform>, g: KernelGeometry, rows: LayerRows, hooks: CalibrationHooks, message: string) {
  const col = channelOfColumn(g, r.axis >= 0);
  const cols = rows.groups * rows.o;
  const scale = new Float32Array(values.length);
  const zero = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = col[(Math.floor(i / (rows.k * rows.o)) * rows.o + (i % rows.o)) % cols];
    scale[i] = r.scale[c];
    zero[i] = r.zeroPoint[c];
  }
  const qmax = r.scheme === 'symmetric' ? 2 ** (r.bits - 1) - 1 : 2 ** r.bits - 1;
  const qmin = r.scheme === 'symmetric' ? -qmax : 0;
  const iterations = adaroundIterations(values.length);
  const out = await adaround(toGrouped(values, g), { scale, zero, qmin, qmax }, rows, {
    iterations,
    isCancelled: hooks.isCancelled,
    onProgress: (done, total) => hooks.onProgress?.(done, total, message),
  });
  if (!out) return undefined;
  const codes = fromGrouped(out.codes, g);
  const exact = dequantizeUniform(codes, shape, { axis: r.axis, scale: r.scale, zeroPoint: r.zeroPoint });
  return { result: { ...r, codes, values: exact }, loss: out.loss.learned };
}

/** The outputs of a model of `parts` on the calibration set, [count, classes] flat (distillation's batched pass). Undefined when cancelled. */
async function outputsOn(parts: ModelParts, set: Dataset, hooks: CalibrationHooks): Promise<Float32Array | undefined> {
  const model = await modelFromParts(parts);
  try {
    return await teacherLogits(model, set, set.entry.count, { batchSize: BATCH, isCancelled: hooks.isCancelled });
  } finally {
    model.dispose();
  }
}

/** Top-1 agreement of `outputs` with the reference's top classes (rows of `classes` outputs), and their mean squared output difference. */
function agreement(reference: Float32Array, top: Int32Array, outputs: Float32Array, classes: number): { top1: number; mse: number } {
  const mine = argmaxRows(outputs, classes);
  let same = 0;
  for (let r = 0; r < top.length; r++) if (top[r] === mine[r]) same++;
  let se = 0;
  for (let i = 0; i < reference.length; i++) se += (reference[i] - outputs[i]) ** 2;
  return { top1: same / top.length, mse: se / reference.length };
}

/**
 * compressModel with the plan's calibration on data: {@link calibrateKernels}, then empirical bias
 * correction — kept only when it does not make the model worse: with and without it, the
 * compressed model's top-1 agreement with the original on the calibration inputs (ties: the mean
 * squared output difference) decides, and `skipped` says when the correction was dropped (shifting
 * a layer's mean can push ReLU inputs below zero where the quantized activations' spread, not their
 * mean, is what changed). Undefined when cancelled.
 */
export async function compressCalibrated(parts: ModelParts, plan: CompressionPlan, data: Dataset, hooks: CalibrationHooks = {}, scores?: PruneScores): Promise<CompressOutput | undefined> {
  const set = calibrationSet(data);
  const calibrated = await measureKernels(parts, plan, set, hooks, scores);
  if (!calibrated) return undefined;
  const corrected = compressModel(parts, plan, scores, calibrated);
  if (!corrected.biasCorrection?.some((r) => r.target)) return corrected;
  const plain = compressModel(parts, plan, scores, { ...calibrated, correctBiases: false });
  await hooks.onProgress?.(1, 1, 'bias correction: checking it against the original');
  const reference = await outputsOn(parts, set, hooks);
  const a = reference && await outputsOn(corrected.parts, set, hooks);
  const b = a && await outputsOn(plain.parts, set, hooks);
  if (!reference || !a || !b) return undefined;
  const classes = reference.length / set.entry.count;
  const top = argmaxRows(reference, classes);
  const withIt = agreement(reference, top, a, classes);
  const without = agreement(reference, top, b, classes);
  if (withIt.top1 > without.top1 || (withIt.top1 === without.top1 && withIt.mse <= without.mse)) return corrected;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return { ...plain, skipped: [...plain.skipped, `bias correction dropped: on the ${set.entry.count} calibration inputs the model agreed with the original on ${pct(without.top1)} of them without it, ${pct(withIt.top1)} with it`] };
}
