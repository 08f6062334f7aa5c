/**
 * Compression with fine-tuning (Deep Compression's recipe, for any plan): a plan with `finetune`
 * is applied in two stages around training —
 *   1. structural transforms and pruning (float32 weights, pruned ones exactly zero);
 *   2. masked fine-tuning of that model on a labelled training split (zeros stay zero);
 *   3. the weight-level rest of the plan (pruning again keeps exactly the same zeros, then
 *      quantization / clustering / float16) on the fine-tuned weights;
 *   4. with weight sharing, a shorter fine-tuning of the shared values (assignments fixed) whose
 *      results become the codebooks.
 * The output is a CompressOutput like compressModel's, so sizes, exports and evaluation follow
 * the same path. Without `finetune` it is exactly compressModel. Steps 1–2 depend only on the
 * structural and pruning settings: a FineTuneCache keeps their result, so changing bits or
 * clusters afterwards costs step 3 (and 4 with clusters), not a new training run.
 */
import * as tf from '@tensorflow/tfjs';
import { snapCodebookToGrid } from '../../core';
import { compressModel, type CompressOutput } from '../compress';
import { preprocessingOf, type LabelledDataset } from '../dataset';
import type { CompressionPlan, LayerOverride } from '../plan';
import { formatFields, modelFromParts, type CompressedModel, type ModelParts } from '../weights';
import { fineTune, type WeightConstraint } from './finetune';

/** Default Adam learning rate of fine-tuning (the bundled models were trained at 1e-3). */
export const FINETUNE_LEARNING_RATE = 5e-4;

const pick = (o: LayerOverride, keys: (keyof LayerOverride)[]): LayerOverride =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as LayerOverride;

/** The structural part and pruning of `plan` (what fine-tuning trains through). */
export function pruningStage(plan: CompressionPlan): CompressionPlan {
  const { prune, channels, lowRank, layers } = plan;
  return { version: 1, prune, channels, lowRank, layers: layers && Object.fromEntries(Object.entries(layers).map(([n, o]) => [n, pick(o, ['exclude', 'prune', 'channels', 'rank'])])) };
}

/** The weight-level part of `plan` (applied to the fine-tuned, already reshaped model). */
export function weightStage(plan: CompressionPlan): CompressionPlan {
  const { prune, quantize, cluster, layers } = plan;
  return { version: 1, prune, quantize, cluster, layers: layers && Object.fromEntries(Object.entries(layers).map(([n, o]) => [n, pick(o, ['exclude', 'prune', 'bits', 'clusters'])])) };
}

/** A LayersModel's current weights as parts shaped like `like` (by manifest name). */
export function partsFromModel(model: tf.LayersModel, like: ModelParts): ModelParts {
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  return { ...like, weights: like.weights.map((w) => {
    const v = byName.get(w.name);
    if (!v) throw new Error(`the model has no weight ${w.name}`);
    return { ...w, values: (v.read().dataSync() as Float32Array).slice() };
  }) };
}

/**
 * The fine-tuned weights of the last pruning stage, so that a change of only the weight-level
 * settings (bits, clusters, float16) reuses them instead of training again. One entry; a caller
 * keeps one per loaded model.
 */
export interface FineTuneCache {
  parts?: ModelParts;
  key?: string;
  shaped?: CompressOutput;
  tuned?: ModelParts;
}

export interface RetrainHooks {
  isCancelled?: () => boolean;
  /** training steps done of all, and what runs */
  onProgress?: (done: number, total: number, message: string) => Promise<void> | void;
}

/**
 * Applies `plan` to `parts`, fine-tuning on `train` when the plan asks for it (see the file
 * comment). Returns undefined when cancelled. Throws when fine-tuning is asked for a graph
 * model or without a labelled training split, saying what is needed.
 */
export async function compressWithFineTuning(parts: ModelParts, plan: CompressionPlan, train: LabelledDataset | undefined, hooks: RetrainHooks = {}, cache: FineTuneCache = {}): Promise<CompressOutput | undefined> {
  const settings = plan.finetune;
  if (!settings) return compressModel(parts, plan);
  if (parts.format === 'graph-model') throw new Error('fine-tuning needs a TF.js layers model (a graph model has no trainable layers); turn fine-tuning off');
  if (!train) throw new Error('fine-tuning needs a labelled training split of the model\'s data (the bundled MNIST and Fashion-MNIST have one); turn fine-tuning off');
  const lr = settings.learningRate ?? FINETUNE_LEARNING_RATE;
  const sharedEpochs = Math.max(1, Math.round(settings.epochs / 3));
  const clustered = Boolean(plan.cluster) || Object.values(plan.layers ?? {}).some((o) => o.clusters !== undefined);
  const count = Math.min(settings.limit ?? train.entry.count, train.entry.count);
  const stepsPerEpoch = Math.ceil(count / 64);
  // What the masked fine-tuning depends on; the weight-level rest of the plan can change without it.
  const key = JSON.stringify([pruningStage(plan), settings, train.entry.id, train.entry.shape, preprocessingOf(train.entry)]);
  const reuse = cache.parts === parts && cache.key === key && cache.shaped && cache.tuned;
  const trainEpochs = reuse ? 0 : settings.epochs;
  const total = stepsPerEpoch * (trainEpochs + (clustered ? sharedEpochs : 0));

  let shaped: CompressOutput;
  let tuned: ModelParts;
  if (reuse) {
    [shaped, tuned] = [cache.shaped as CompressOutput, cache.tuned as ModelParts];
  } else {
    shaped = compressModel(parts, pruningStage(plan));
    const result = await trainMasked(shaped, train, { epochs: settings.epochs, learningRate: lr, limit: count }, {
      isCancelled: hooks.isCancelled,
      onProgress: (done) => hooks.onProgress?.(done, total, `fine-tuning: epoch ${Math.ceil(done / stepsPerEpoch)}/${settings.epochs}`),
    });
    if (!result) return undefined;
    tuned = result;
    Object.assign(cache, { parts, key, shaped, tuned });
  }

  const out = compressModel(tuned, weightStage(plan));
  let compressed = out.compressed;
  if (clustered) {
    const shared = await fineTuneSharedValues(out.compressed, train, { epochs: sharedEpochs, learningRate: lr / 10, limit: count, seed: 2 }, {
      isCancelled: hooks.isCancelled,
      onProgress: (done) => hooks.onProgress?.(trainEpochs * stepsPerEpoch + done, total, `fine-tuning shared values: epoch ${Math.ceil(done / stepsPerEpoch)}/${sharedEpochs}`),
    });
    if (!shared) return undefined;
    compressed = shared;
  }
  const fields = formatFields(parts);
  return { ...out, compressed, parts: { topology: compressed.topology, weights: compressed.tensors, ...fields }, structural: shaped.structural, skipped: shaped.skipped };
}

/** Masked fine-tuning of the pruning stage's model (zeros stay zero); its weights, or undefined when cancelled. */
async function trainMasked(shaped: CompressOutput, train: LabelledDataset, opts: { epochs: number; learningRate: number; limit: number },
  hooks: { isCancelled?: () => boolean; onProgress?: (done: number) => Promise<void> | void }): Promise<ModelParts | undefined> {
  const model = await modelFromParts(shaped.parts);
  try {
    const masks = new Map<string, WeightConstraint>();
    shaped.tensors.forEach((t, i) => {
      if (t.kernel && t.sparsity > 0) masks.set(t.name, { kind: 'mask', mask: Uint8Array.from(shaped.parts.weights[i].values, (v) => (v === 0 ? 0 : 1)) });
    });
    await fineTune(model, train, masks, { ...opts, seed: 1, isCancelled: hooks.isCancelled, onStep: (done) => hooks.onProgress?.(done) });
    if (hooks.isCancelled?.()) return undefined;
    return partsFromModel(model, shaped.parts);
  } finally {
    model.dispose();
  }
}

/**
 * Trains the shared values of clustered tensors (assignments fixed, the zero cluster kept at
 * zero) and writes them back as codebooks; other tensors are unchanged. Undefined when cancelled.
 * `seed` shuffles the samples (fineTune's default when left out).
 */
export async function fineTuneSharedValues(model: CompressedModel, train: LabelledDataset, opts: { epochs: number; learningRate: number; limit?: number; seed?: number },
  hooks: { isCancelled?: () => boolean; onProgress?: (done: number) => Promise<void> | void } = {}): Promise<CompressedModel | undefined> {
  const constraints = new Map<string, WeightConstraint>();
  for (const t of model.tensors) {
    if (t.payload.kind === 'codebook') constraints.set(t.name, { kind: 'shared', indices: t.payload.indices, clusters: t.payload.codebook.length, zeroIndex: t.payload.zeroIndex });
  }
  if (constraints.size === 0) return model;
  const parts: ModelParts = { topology: model.topology, weights: model.tensors, ...formatFields(model) };
  const tfModel = await modelFromParts(parts);
  let tuned: Map<string, Float32Array>;
  try {
    await fineTune(tfModel, train, constraints, { ...opts, isCancelled: hooks.isCancelled, onStep: (done) => hooks.onProgress?.(done) });
    if (hooks.isCancelled?.()) return undefined;
    tuned = new Map(partsFromModel(tfModel, parts).weights.map((w) => [w.name, w.values]));
  } finally {
    tfModel.dispose();
  }
  return { ...model, tensors: model.tensors.map((t) => {
    if (t.payload.kind !== 'codebook') return t;
    const values = tuned.get(t.name) as Float32Array;
    let codebook: Float32Array = new Float32Array(t.payload.codebook.length);
    for (let i = 0; i < values.length; i++) codebook[t.payload.indices[i]] = values[i];
    // Every member of a cluster holds its mean after each step, so values = codebook[indices] exactly;
    // centroids that were on a uint8 grid go back onto one (the trained values moved off it).
    let grid = t.payload.grid;
    if (grid) ({ codebook, grid } = snapCodebookToGrid(codebook));
    return { ...t, values: Float32Array.from(t.payload.indices, (k) => codebook[k]), payload: { ...t.payload, codebook, ...(grid ? { grid } : {}) } };
  }) };
}
