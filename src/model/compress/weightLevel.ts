/**
 * Weight-level compression of a model's kernels by a plan: pruning (global or per layer,
 * unstructured by |w| or Taylor scores |w·∂L/∂w|, or N:M), then weight sharing (k-means), uniform
 * quantization (min/max range, or with quantize.calibrate 'mse' the searched range) or float16. Every other weight (biases, BatchNormalization, a graph model's int32
 * constants) is kept as it is. Which weights are kernels, which layer owns each and its output-channel axis come from a
 * {@link KernelTargets}: by weight-name suffix for a layers model, by consuming op for a graph
 * model. Pure data in, pure data out: the returned tensors' `values` are exactly decode(payload),
 * what the compressed model computes.
 */
import {
  float16ToFloat32Array, float32ToFloat16Array, kmeans1d, pruneByScores, pruneMagnitude, pruneMagnitudeGlobal, pruneNM,
  quantizeUniform, quantPayload, clusterPayload, snapCodebookToGrid, type PruneResult, type TensorPayload,
} from '../../core';
import { searchRange } from '../../core/quant/rangeSearch';
import type { CompressionPlan, LayerOverride, QuantSettings } from '../plan';
import { graphKernels } from '../graphModel';
import type { CompressedTensor, ModelParts, WeightTensor } from '../weights';
import { counter, within, type OnStep } from '../progress';

/** Weight names (the part after the layer name) that hold a layer's kernel, compressed by plans. */
const KERNEL_SUFFIXES = ['kernel', 'depthwise_kernel', 'pointwise_kernel'];

/** Layer name and weight role of a manifest weight name such as "block/fc1/kernel" or "fc1/kernel_1". */
export function splitWeightName(name: string): { layer: string; role: string } {
  const cut = name.lastIndexOf('/');
  if (cut < 0) return { layer: name, role: '' };
  return { layer: name.slice(0, cut), role: name.slice(cut + 1).replace(/_\d+$/, '') };
}

export const isKernel = (name: string) => KERNEL_SUFFIXES.includes(splitWeightName(name).role);

/** A weight's role: the layer that owns it (the name plan.layers overrides use) and, for a kernel, its output-channel axis. */
export interface WeightRole {
  layer: string;
  /** Set for kernels (the tensors a plan compresses): output-channel axis, −1 = last. */
  axis?: number;
}

/** Which weights of a model are kernels, and the layer of each weight. */
export type KernelTargets = (t: WeightTensor) => WeightRole;

/** Output channel axis used for per-channel quantization: depthwise kernels [kh, kw, c, mult] → c. */
const channelAxis = (name: string) => (splitWeightName(name).role === 'depthwise_kernel' ? 2 : -1);

/** Layers models: kernels by weight-name suffix (kernel, depthwise_kernel, pointwise_kernel), layer = the name before the last "/". */
export const layersKernelTargets: KernelTargets = (t) => {
  const layer = splitWeightName(t.name).layer;
  return isKernel(t.name) ? { layer, axis: channelAxis(t.name) } : { layer };
};

/** Graph models: kernels are the weight inputs of MatMul / Conv2D / depthwise ops (graphModel.ts); each weight is its own "layer". */
export function graphKernelTargets(parts: ModelParts): KernelTargets {
  const kernels = graphKernels(parts.topology, parts.weights);
  return (t) => {
    const k = kernels.get(t.name);
    return k ? { layer: t.name, axis: k.axis } : { layer: t.name };
  };
}

/** The kernel targets that fit `parts`: by op for a graph model, by weight name for a layers model. */
export const kernelTargetsOf = (parts: ModelParts): KernelTargets => (parts.format === 'graph-model' ? graphKernelTargets(parts) : layersKernelTargets);

/** What happened to one weight tensor. `bits` = bits per stored value code (32 float32, 16 float16, b, ⌈log₂K⌉). */
export interface TensorReport {
  name: string;
  layer: string;
  params: number;
  /** share of exact zeros after compression */
  sparsity: number;
  bits: number;
  kind: TensorPayload['kind'];
  /** true for a kernel (a tensor the plan compresses), false for biases and other weights. */
  kernel: boolean;
  excluded?: string;
}

function zeros(values: Float32Array): number {
  let z = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) z++;
  return z;
}

/** The error when a plan asks for Taylor scores and none were computed (shown to the user as is). */
export const TAYLOR_NEEDS_DATA = 'Taylor scores need training data: choose it in the Recover card (on the command line, --train), or score by magnitude / L1';

/**
 * The ranking of unstructured pruning: |w| (magnitude), or per-weight Taylor scores |w·∂L/∂w|
 * looked up by weight name. Global pruning compares scores across tensors with one threshold.
 */
function ranker(plan: CompressionPlan, scores: ReadonlyMap<string, Float32Array> | undefined) {
  if (plan.prune?.score !== 'taylor') {
    return {
      global: (ts: WeightTensor[], ratio: number) => pruneMagnitudeGlobal(ts, { ratio }),
      one: (t: WeightTensor, ratio: number) => pruneMagnitude(t.values, t.shape, { ratio }),
    };
  }
  if (plan.prune.pattern === 'n:m') throw new Error('N:M pruning ranks by magnitude only: choose the magnitude score, or unstructured pruning for Taylor scores');
  const scoreOf = (t: WeightTensor): Float32Array => {
    if (!scores) throw new Error(TAYLOR_NEEDS_DATA);
    const s = scores.get(t.name);
    // Low-rank factors are new matrices, so they have no scores of the original model.
    if (!s || s.length !== t.values.length) {
      throw new Error(`Taylor scores: none for "${t.name}" (${s ? `${s.length} scores for ${t.values.length} weights` : 'missing'}): a low-rank factorised layer, or a weight the scores were not computed for, has none — choose magnitude or exclude the layer`);
    }
    return s;
  };
  return {
    // ratio 0 prunes nothing whatever the ranking, so it needs no scores.
    global: (ts: WeightTensor[], ratio: number) => (ratio > 0 ? pruneByScores('pruneTaylor', ts.map((t) => t.values), ts.map(scoreOf), ratio) : pruneMagnitudeGlobal(ts, { ratio })),
    one: (t: WeightTensor, ratio: number) => pruneByScores('pruneTaylor', [t.values], [scoreOf(t)], ratio)[0],
  };
}

function prune(tensors: WeightTensor[], plan: CompressionPlan, override: (t: WeightTensor) => LayerOverride, scores?: ReadonlyMap<string, Float32Array>): Float32Array[] {
  const settings = plan.prune;
  const out = tensors.map((t) => t.values);
  const rank = ranker(plan, scores);
  if (!settings) {
    tensors.forEach((t, i) => { const r = override(t).prune; if (r) out[i] = rank.one(t, r).values; });
    return out;
  }
  if (settings.pattern === 'n:m') {
    tensors.forEach((t, i) => { out[i] = pruneNM(t.values, t.shape, { n: settings.n ?? 2, m: settings.m ?? 4 }).values; });
    return out;
  }
  const own = tensors.map((t) => override(t).prune);
  if ((settings.scope ?? 'global') === 'global') {
    const shared = tensors.map((t, i) => ({ t, i })).filter(({ i }) => own[i] === undefined);
    const results: PruneResult[] = rank.global(shared.map(({ t }) => t), settings.ratio);
    shared.forEach(({ i }, j) => { out[i] = results[j].values; });
  }
  tensors.forEach((t, i) => {
    const ratio = own[i] ?? ((settings.scope ?? 'global') === 'layer' ? settings.ratio : undefined);
    if (ratio !== undefined && ratio > 0) out[i] = rank.one(t, ratio).values;
  });
  return out;
}

/**
 * Channels with fewer weights keep their min/max range under the weight-MSE search: on a 3×3
 * filter the MSE optimum clips the largest tap, and fashion-cnn 3-bit per channel lost 2–3 points
 * to it (scripts/diagnose-ptq.ts --part lottery: affine 85.70 → 88.26 % with this threshold).
 */
export const MSE_MIN_CHANNEL = 17;

/** A kernel's encoding: what is stored, the exact values it decodes to, bits per stored code. */
export interface EncodedTensor { payload: TensorPayload; values: Float32Array; bits: number }

/**
 * The uniform grid a kernel gets under `plan` with its layer override `o` (bits, scheme, the
 * channel axis when per channel, the calibration), or undefined when it is clustered, float16 or
 * not quantized.
 */
export function uniformSettingsOf(plan: CompressionPlan, o: LayerOverride, axis: number): { bits: number; scheme: 'affine' | 'symmetric'; axis?: number; calibrate: NonNullable<QuantSettings['calibrate']> } | undefined {
  if ((o.clusters ?? plan.cluster?.k) !== undefined) return undefined;
  const q = o.bits !== undefined ? { ...(typeof plan.quantize === 'object' ? plan.quantize : {}), bits: o.bits } : plan.quantize;
  if (!q || q === 'float16') return undefined;
  return { bits: q.bits, scheme: q.scheme ?? 'affine', axis: q.granularity === 'channel' ? axis : undefined, calibrate: q.calibrate ?? 'minmax' };
}

function encode(t: WeightTensor, axis: number, values: Float32Array, plan: CompressionPlan, o: LayerOverride): EncodedTensor {
  const k = o.clusters ?? plan.cluster?.k;
  if (k !== undefined) {
    const r = kmeans1d(values, t.shape, { k, init: plan.cluster?.init ?? 'linear' });
    const bits = Math.max(1, Math.ceil(Math.log2(r.codebook.length)));
    if (plan.cluster?.grid === 'uint8' && r.codebook.length <= 256) {
      const { codebook, grid } = snapCodebookToGrid(r.codebook);
      const snapped = Float32Array.from(r.indices, (i) => codebook[i]);
      const zeroIndex = r.zeroIndex >= 0 ? r.zeroIndex : undefined;
      return { payload: { kind: 'codebook', shape: t.shape, codebook, indices: r.indices, zeroIndex, grid }, values: snapped, bits };
    }
    return { payload: clusterPayload(r, t.shape), values: r.values, bits };
  }
  const q = o.bits !== undefined ? { ...(typeof plan.quantize === 'object' ? plan.quantize : {}), bits: o.bits } : plan.quantize;
  if (q === 'float16') {
    const v = float16ToFloat32Array(float32ToFloat16Array(values));
    return { payload: { kind: 'float16', shape: t.shape, values: v }, values: v, bits: 16 };
  }
  const u = uniformSettingsOf(plan, o, axis);
  if (u) {
    const opts = { bits: u.bits, scheme: u.scheme, axis: u.axis };
    // Every calibration but min/max starts from (here: falls back to) the clipping range per tensor / channel that minimises Σ(w − Q(w))² (searchRange).
    const r = quantizeUniform(values, t.shape, u.calibrate !== 'minmax' ? { ...opts, range: searchRange(values, t.shape, { ...opts, minSize: MSE_MIN_CHANNEL }) } : opts);
    return { payload: quantPayload(r, t.shape), values: r.values, bits: u.bits };
  }
  return { payload: { kind: 'float32', shape: t.shape, values }, values, bits: 32 };
}

/**
 * Applies the weight-level part of a plan to every kernel of `parts` (others stay as they are).
 * Layers named in plan.layers with `exclude` are left untouched and reported as excluded.
 * `targets` says which weights are kernels (default: kernelTargetsOf(parts)). With plan.prune.score
 * 'taylor', pruning ranks kernels by `scores` (weight name → |w·∂L/∂w| per element, same length
 * as the tensor) instead of |w|, and throws {@link TAYLOR_NEEDS_DATA} without them. `encoded`
 * gives kernels already encoded (calibration on data, model/calibrate) by name: used as they are.
 * `onStep` hears of pruning (0–0.2) and of each tensor as it is encoded (0.2–1), e.g.
 * "Quantizing mixed_7c/conv (183/189)".
 */
export function compressWeights(parts: ModelParts, plan: CompressionPlan, targets: KernelTargets = kernelTargetsOf(parts), scores?: ReadonlyMap<string, Float32Array>, encoded?: ReadonlyMap<string, EncodedTensor>, onStep?: OnStep): { tensors: CompressedTensor[]; report: TensorReport[] } {
  const roles = new Map(parts.weights.map((t) => [t.name, targets(t)]));
  const role = (t: WeightTensor) => roles.get(t.name) as WeightRole;
  const override = (t: WeightTensor): LayerOverride => plan.layers?.[role(t).layer] ?? {};
  const kernels = parts.weights.filter((t) => role(t).axis !== undefined && !override(t).exclude);
  if (plan.prune || kernels.some((t) => override(t).prune)) onStep?.(0, `Pruning ${kernels.length} kernels`);
  const pruned = prune(kernels, plan, override, scores);
  const prunedByName = new Map(kernels.map((t, i) => [t.name, pruned[i]]));
  const tensors: CompressedTensor[] = [];
  const report: TensorReport[] = [];
  const verb = plan.cluster ? 'Clustering' : plan.quantize ? 'Quantizing' : 'Writing';
  const each = counter(within(onStep, 0.2, 1), parts.weights.length);
  for (const [i, t] of parts.weights.entries()) {
    const { layer, axis } = role(t);
    each(i, `${axis !== undefined ? verb : 'Copying'} ${t.name}`);
    const values = prunedByName.get(t.name);
    const pre = values ? encoded?.get(t.name) : undefined;
    const enc = pre ?? (values ? encode(t, axis ?? -1, values, plan, override(t)) : { payload: { kind: 'float32' as const, shape: t.shape, values: t.values }, values: t.values, bits: 32 });
    tensors.push({ name: t.name, shape: t.shape, layer, values: enc.values, payload: enc.payload, ...(t.dtype ? { dtype: t.dtype } : {}) });
    report.push({
      name: t.name, layer, params: t.values.length, sparsity: t.values.length ? zeros(enc.values) / t.values.length : 0,
      bits: enc.bits, kind: enc.payload.kind, kernel: axis !== undefined,
      excluded: axis !== undefined && override(t).exclude ? 'excluded by the plan' : undefined,
    });
  }
  onStep?.(1, `${parts.weights.length} tensors compressed`);
  return { tensors, report };
}
