/**
 * Compression with recovery — Deep Compression's retraining, by label fine-tuning or by
 * distillation from the original — for any plan. A plan with `finetune` or `distill` is applied in
 * two training stages:
 *   1. structural transforms and pruning (float32 weights, pruned ones exactly zero), then training
 *      of that model with pruned weights held at zero (skipped when the plan has no such part);
 *   2. the weight-level rest of the plan (pruning again keeps exactly the same zeros, then
 *      quantization / clustering / float16) on the trained weights, then training on the grid:
 *      shared values with assignments fixed (clusters), or quantization-aware training with a
 *      straight-through estimator (uniform ≤ 8 bits) — the result lies exactly on the export's grid.
 * Stage 2 runs a third of the epochs (at least one; all of them when stage 1 was skipped).
 * Distillation's teacher is the original model (softmax removed: logits), its outputs computed once
 * per data set and kept in the cache. Taylor scores (prune.score / channels.norm 'taylor') come
 * from gradients of the original on the same data (labels, else the teacher's top class).
 * The output is a CompressOutput like compressModel's, so sizes, exports and evaluation follow
 * the same path. Without recovery or Taylor scores it is exactly compressModel. Stage 1 depends
 * only on the structural and pruning settings: the cache keeps its result, so changing bits or
 * clusters afterwards costs stage 2, not a new stage 1.
 */
import * as tf from '@tensorflow/tfjs';
import { snapCodebookToGrid } from '../../core';
import { CALIBRATION_NEEDS_DATA, compressModel, compressWeights, TAYLOR_NEEDS_DATA, type CompressOutput, type PruneScores } from '../compress';
import { preprocessingOf, type Dataset } from '../dataset';
import type { CompressionPlan, LayerOverride } from '../plan';
import { needsCalibrationData, structuralAsked, usesTaylorScores } from '../planFields';
import { compressCalibrated } from '../calibrate';
import { formatFields, modelFromParts, type CompressedModel, type ModelParts } from '../weights';
import { teacherLogits, withLogitHead } from './distill';
import { argmaxRows, fineTune, type FineTuneOptions, type StepMetrics, type TrainLoss, type WeightConstraint } from './finetune';
import { accumulateTaylorScores } from './taylor';
import { trainingBatchSize } from './batchSize';
import { imagesAtToTensor } from '../datasetTensor';
import { fitSampleShape } from '../classifier';
import { createRng, shuffledIndices } from '../../core';

/** Default Adam learning rate of fine-tuning (the bundled models were trained at 1e-3). */
export const FINETUNE_LEARNING_RATE = 5e-4;
/** Default Adam learning rate of distillation. */
export const DISTILL_LEARNING_RATE = 1e-3;
/** Why a recovering plan's cross-layer equalization is not applied (CompressOutput.skipped). */
export const EQUALIZE_WITH_RECOVERY = 'cross-layer equalization skipped: recovery trains the weights on the quantization grid itself (equalizing after it would move them off it); it is for post-training quantization';
/** Why a recovering plan's calibration on data is not applied (CompressOutput.skipped). */
export const CALIBRATE_WITH_RECOVERY = 'calibration on data skipped: recovery trains the weights on the quantization grid itself; it starts from the weight-MSE range';
/** Batches of (the backend's training batch of) samples whose gradients make Taylor scores. */
export const TAYLOR_BATCHES = 32;

const pick = (o: LayerOverride, keys: (keyof LayerOverride)[]): LayerOverride =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as LayerOverride;

/** The structural part and pruning of `plan` (what stage 1 trains through). */
export function pruningStage(plan: CompressionPlan): CompressionPlan {
  const { prune, channels, lowRank, layers } = plan;
  return { version: 1, prune, channels, lowRank, layers: layers && Object.fromEntries(Object.entries(layers).map(([n, o]) => [n, pick(o, ['exclude', 'prune', 'channels', 'rank'])])) };
}

/** The weight-level part of `plan` (applied to the trained, already reshaped model; pruning by magnitude keeps stage 1's zeros). */
export function weightStage(plan: CompressionPlan): CompressionPlan {
  const { quantize, cluster, layers } = plan;
  const prune = plan.prune && { ...plan.prune };
  delete prune?.score;
  return { version: 1, prune, quantize, cluster, layers: layers && Object.fromEntries(Object.entries(layers).map(([n, o]) => [n, pick(o, ['exclude', 'prune', 'bits', 'clusters'])])) };
}

/** Whether stage 1 changes anything: structure, or pruning (global or per layer). */
function hasPruningStage(plan: CompressionPlan): boolean {
  return Boolean(plan.prune) || structuralAsked(plan).length > 0 || Object.values(plan.layers ?? {}).some((o) => o.prune !== undefined);
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
 * What a recovery keeps between runs on one loaded model: stage 1's result (a change of only the
 * weight-level settings reuses it) and the teacher's logits per data set. A caller keeps one per
 * loaded model (and backend: weights trained on another backend differ in the last bits).
 */
export interface RecoveryCache {
  parts?: ModelParts;
  key?: string;
  shaped?: CompressOutput;
  tuned?: ModelParts;
  teacher?: { key: string; logits: Float32Array };
  scores?: { key: string; scores: PruneScores };
}

/** Training figures of a step, with the stage they belong to. */
export interface RecoveryMetrics extends StepMetrics { stage: 'masked' | 'grid' }

export interface RecoveryHooks {
  isCancelled?: () => boolean;
  /** training steps done of all, what runs, and the step's figures (absent while the teacher's outputs are computed) */
  onProgress?: (done: number, total: number, message: string, metrics?: RecoveryMetrics) => Promise<void> | void;
}

/** The recovery settings of a plan with the defaults filled in, as the training loop takes them. */
function recoveryOf(plan: CompressionPlan): { epochs: number; learningRate: number; limit?: number; loss: TrainLoss; hintWeight: number; name: string } | undefined {
  if (plan.finetune) return { epochs: plan.finetune.epochs, learningRate: plan.finetune.learningRate ?? FINETUNE_LEARNING_RATE, limit: plan.finetune.limit, loss: { kind: 'labels' }, hintWeight: 0, name: 'fine-tuning' };
  const d = plan.distill;
  if (!d) return undefined;
  return {
    epochs: d.epochs, learningRate: d.learningRate ?? DISTILL_LEARNING_RATE, limit: d.limit, hintWeight: d.hintWeight ?? 1, name: 'distilling',
    loss: { kind: 'distill', temperature: d.temperature ?? 4, alpha: d.alpha ?? 0, mode: d.mode ?? 'soft' },
  };
}

/** Stable identity of a data set's samples as a model sees them. */
const dataKey = (data: Dataset, count: number) => JSON.stringify([data.entry.id, data.entry.count, data.entry.shape, preprocessingOf(data.entry), count]);

/**
 * Applies `plan` to `parts`, recovering accuracy on `data` when the plan asks for it (file
 * comment). Returns undefined when cancelled. Throws, saying what is needed, for a graph model or
 * when the data is missing or lacks the labels the plan's loss needs.
 */
export async function compressWithRecovery(parts: ModelParts, plan: CompressionPlan, data: Dataset | undefined, hooks: RecoveryHooks = {}, cache: RecoveryCache = {}): Promise<CompressOutput | undefined> {
  const recovery = recoveryOf(plan);
  const taylor = usesTaylorScores(plan);
  const calibrating = needsCalibrationData(plan);
  // Equalization and calibration on data are for rounding without training; recovery trains on the
  // export's own grid (equalizing afterwards would move the weights off it; calibrating is what its
  // training does). They are left out — calibration starts from the weight-MSE range — and the output says so.
  const q = plan.quantize;
  if (recovery && typeof q === 'object' && (q.equalize || calibrating)) {
    const { equalize, ...rest } = q;
    const out = await compressWithRecovery(parts, { ...plan, quantize: calibrating ? { ...rest, calibrate: 'mse' } : rest }, data, hooks, cache);
    return out && { ...out, skipped: [...out.skipped, ...(equalize ? [EQUALIZE_WITH_RECOVERY] : []), ...(calibrating ? [CALIBRATE_WITH_RECOVERY] : [])] };
  }
  if (calibrating && !data) throw new Error(CALIBRATION_NEEDS_DATA);
  if (!recovery && !taylor) return calibrating && data ? compressCalibrated(parts, plan, data, hooks) : compressModel(parts, plan);
  const what = recovery?.name ?? 'Taylor scoring';
  if (parts.format === 'graph-model') throw new Error(`${what} needs a TF.js layers model (a graph model has no trainable layers); turn it off`);
  if (!data) {
    throw new Error(!recovery ? TAYLOR_NEEDS_DATA
      : recovery.loss.kind === 'labels'
        ? 'fine-tuning needs a labelled training split of the model\'s data (the bundled MNIST and Fashion-MNIST have one); turn fine-tuning off, or distill from the original on unlabelled images'
        : 'distillation needs training images: the bundled training split of the data, or a folder of images you drop');
  }
  const useLabels = recovery ? recovery.loss.kind === 'labels' || recovery.loss.alpha > 0 : false;
  if (useLabels && !data.labels) {
    throw new Error(recovery?.loss.kind === 'labels' ? `${data.entry.name} has no labels, and fine-tuning needs them: distill from the original instead` : `${data.entry.name} has no labels: set the label weight α to 0`);
  }
  const count = Math.min(recovery?.limit ?? data.entry.count, data.entry.count);
  if (cache.parts !== parts) Object.assign(cache, { parts, key: undefined, shaped: undefined, tuned: undefined, teacher: undefined, scores: undefined });

  // The teacher's logits: one pass over the data, kept while the model and data stay.
  const tKey = dataKey(data, count);
  let logits = cache.teacher?.key === tKey ? cache.teacher.logits : undefined;
  if (!logits) {
    const teacher = await modelFromParts(withLogitHead(parts).parts);
    try {
      logits = await teacherLogits(teacher, data, count, {
        isCancelled: hooks.isCancelled,
        onBatch: (done, all) => hooks.onProgress?.(0, 1, `the original's outputs: batch ${done}/${all}`),
      });
    } finally {
      teacher.dispose();
    }
    if (!logits) return undefined;
    cache.teacher = { key: tKey, logits };
  }
  const teacher = logits;

  let scores: PruneScores | undefined;
  if (taylor) {
    const sKey = JSON.stringify([tKey, useLabels, plan.channels?.norm === 'taylor']);
    scores = cache.scores?.key === sKey ? cache.scores.scores : await taylorScoresOf(parts, data, count, useLabels ? undefined : teacher, plan.channels?.norm === 'taylor', hooks);
    if (!scores) return undefined;
    cache.scores = { key: sKey, scores };
  }
  if (!recovery) return calibrating ? compressCalibrated(parts, plan, data, hooks, scores) : compressModel(parts, plan, scores);

  const batch = trainingBatchSize(tf.getBackend());
  const stepsPerEpoch = Math.ceil(count / batch);
  const pruning = hasPruningStage(plan);
  const gridEpochs = pruning ? Math.max(1, Math.round(recovery.epochs / 3)) : recovery.epochs;
  const clustered = Boolean(plan.cluster) || Object.values(plan.layers ?? {}).some((o) => o.clusters !== undefined);
  const key = JSON.stringify([pruningStage(plan), recovery, tKey]);
  const reuse = cache.key === key && cache.shaped && cache.tuned;
  const firstEpochs = reuse || !pruning ? 0 : recovery.epochs;
  // Stage 2 runs only for weights on a grid; the count of its steps is known once stage 2's compression is.
  let total = stepsPerEpoch * firstEpochs;
  const ctx: RunContext = { data, plan, original: parts };
  const base: Omit<FineTuneOptions, 'epochs' | 'learningRate' | 'seed'> = {
    batchSize: batch, limit: count, loss: recovery.loss, teacher, probabilities: false, isCancelled: hooks.isCancelled,
  };

  let shaped: CompressOutput;
  let tuned: ModelParts;
  if (reuse) {
    [shaped, tuned] = [cache.shaped as CompressOutput, cache.tuned as ModelParts];
  } else {
    shaped = compressModel(parts, pruningStage(plan), scores);
    tuned = shaped.parts;
    if (pruning) {
      const masks = new Map<string, WeightConstraint>();
      shaped.tensors.forEach((t, i) => {
        if (t.kernel && t.sparsity > 0) masks.set(t.name, { kind: 'mask', mask: Uint8Array.from(shaped.parts.weights[i].values, (v) => (v === 0 ? 0 : 1)) });
      });
      const result = await train(shaped.parts, masks, { ...base, epochs: recovery.epochs, learningRate: recovery.learningRate, seed: 1 }, ctx, (done, metrics) =>
        hooks.onProgress?.(done, total, `${recovery.name}: epoch ${Math.ceil(done / stepsPerEpoch)}/${recovery.epochs}`, { ...metrics, stage: 'masked' }));
      if (!result) return undefined;
      tuned = result;
    }
    Object.assign(cache, { parts, key, shaped, tuned });
  }

  const stage2 = weightStage(plan);
  const out = compressModel(tuned, stage2);
  const onGrid = out.compressed.tensors.filter((t) => t.payload.kind === 'codebook' || (t.payload.kind === 'affine' && t.payload.bits <= 8));
  if (onGrid.length === 0) return finish(parts, out, out.compressed, shaped);
  total += stepsPerEpoch * gridEpochs;
  const done0 = stepsPerEpoch * firstEpochs;
  const report = (done: number, metrics: StepMetrics) => hooks.onProgress?.(done0 + done, total,
    `${recovery.name} on the ${clustered ? 'shared values' : 'quantization grid'}: epoch ${Math.ceil(done / stepsPerEpoch)}/${gridEpochs}`, { ...metrics, stage: 'grid' });
  const gridOpts = { ...base, epochs: gridEpochs, learningRate: pruning ? recovery.learningRate / 4 : recovery.learningRate, seed: 2 };
  if (clustered) {
    const shared = await trainSharedValues(out.compressed, gridOpts, ctx, report);
    return shared && finish(parts, out, shared, shaped);
  }
  // Quantization-aware training: the latent weights start from the trained float ones.
  const gridPlan = { ...stage2, prune: undefined, layers: stage2.layers && Object.fromEntries(Object.entries(stage2.layers).map(([n, o]) => [n, pick(o, ['exclude', 'bits'])])) };
  const constraints = new Map<string, WeightConstraint>();
  for (const t of onGrid) {
    const w = tuned.weights.find((x) => x.name === t.name);
    if (!w) continue;
    const mask = Uint8Array.from(t.values, (v) => (v === 0 ? 0 : 1));
    const project = (latent: Float32Array) => compressWeights({ ...tuned, weights: [{ ...w, values: latent }] }, gridPlan).tensors[0].values;
    constraints.set(t.name, { kind: 'grid', project, mask: mask.includes(0) ? mask : undefined });
  }
  const qat = await train(tuned, constraints, gridOpts, ctx, report);
  return qat && finish(parts, out, compressModel(qat, stage2).compressed, shaped);
}

/**
 * Taylor scores of the original's kernels over TAYLOR_BATCHES seeded batches of `data`: the loss is
 * the cross-entropy with the labels, or (with `teacher` logits) with the teacher's top class —
 * its soft outputs would give zero gradients on the teacher itself. Undefined when cancelled.
 */
async function taylorScoresOf(parts: ModelParts, data: Dataset, count: number, teacher: Float32Array | undefined, channels: boolean, hooks: RecoveryHooks): Promise<PruneScores | undefined> {
  const model = await modelFromParts(withLogitHead(parts).parts);
  const out = model.outputs[0].shape;
  const classes = out[out.length - 1] as number;
  const top = teacher ? argmaxRows(teacher.subarray(0, count * classes), classes) : undefined;
  const rng = createRng(3);
  const order = shuffledIndices(count, rng);
  const batch = trainingBatchSize(tf.getBackend());
  const n = Math.min(TAYLOR_BATCHES, Math.ceil(count / batch));
  const inputShape = model.inputs[0].shape.map((d) => d ?? -1);
  const live: tf.Tensor[] = [];
  function* batches() {
    for (let b = 0; b < n; b++) {
      const idx = order.slice(b * batch, (b + 1) * batch);
      const x = tf.tidy(() => fitSampleShape(imagesAtToTensor(data, idx), inputShape));
      const classOf = (i: number) => (top ? top[i] : (data.labels as Uint8Array)[i]);
      const target = tf.tidy(() => tf.oneHot(tf.tensor1d(idx.map(classOf), 'int32'), classes).toFloat());
      live.push(x, target);
      yield { x, target };
      tf.dispose(live.splice(0));
    }
  }
  try {
    return await accumulateTaylorScores(model, batches(), { channels, isCancelled: hooks.isCancelled, onBatch: (done) => hooks.onProgress?.(0, 1, `Taylor scores: batch ${done}/${n}`) });
  } finally {
    tf.dispose(live);
    model.dispose();
  }
}

/** The output of a recovery: stage 2's report with the trained weights, stage 1's structure. */
function finish(parts: ModelParts, out: CompressOutput, compressed: CompressedModel, shaped: CompressOutput): CompressOutput {
  const fields = formatFields(parts);
  return { ...out, compressed, parts: { topology: compressed.topology, weights: compressed.tensors, ...fields }, structural: shaped.structural, skipped: shaped.skipped };
}

/** What a training run of a recovery needs besides its weights and constraints. */
interface RunContext {
  data: Dataset;
  plan: CompressionPlan;
  /** the original model's parts: the teacher of hint losses */
  original: ModelParts;
}

/**
 * Trains the model of `parts` (softmax removed; with hint losses, the hint layers as extra outputs
 * of student and teacher) under `constraints`; its weights, or undefined when cancelled.
 */
async function train(parts: ModelParts, constraints: Map<string, WeightConstraint>, opts: FineTuneOptions, ctx: RunContext,
  onStep: (done: number, metrics: StepMetrics) => Promise<void> | void): Promise<ModelParts | undefined> {
  const model = await modelFromParts(withLogitHead(parts).parts);
  const hints = ctx.plan.distill ? Object.entries(ctx.plan.layers ?? {}).filter(([, o]) => o.hint).map(([n]) => n) : [];
  let teacher: tf.LayersModel | undefined;
  try {
    let student = model;
    let hintOpts: FineTuneOptions['hints'];
    if (hints.length) {
      teacher = await modelFromParts(withLogitHead(ctx.original).parts);
      const withHints = hintOutputs(model, teacher, hints);
      student = withHints.student;
      const t = withHints.teacher;
      hintOpts = { weight: ctx.plan.distill?.hintWeight ?? 1, targets: (x) => tf.tidy(() => (t.predict(x) as tf.Tensor[]).slice(1)) };
    }
    const ok = await fineTune(student, ctx.data, constraints, { ...opts, hints: hintOpts, onStep: (done, _total, metrics) => onStep(done, metrics) });
    return ok ? partsFromModel(model, parts) : undefined;
  } finally {
    teacher?.dispose();
    model.dispose();
  }
}

/**
 * Student and teacher with the outputs of the hint layers after their own (functional wrappers
 * sharing the layers). Throws when a hint layer is missing from either or its output shapes differ.
 */
function hintOutputs(student: tf.LayersModel, teacher: tf.LayersModel, layers: string[]): { student: tf.LayersModel; teacher: tf.LayersModel } {
  const outputOf = (m: tf.LayersModel, name: string, who: string) => {
    let layer: tf.layers.Layer;
    try { layer = m.getLayer(name); } catch { throw new Error(`hint layer ${name}: the ${who} has no layer of that name (a low-rank factorisation renames the layers it splits)`); }
    return layer.output as tf.SymbolicTensor;
  };
  const s = layers.map((n) => outputOf(student, n, 'compressed model'));
  const t = layers.map((n) => outputOf(teacher, n, 'original'));
  layers.forEach((n, i) => {
    if (s[i].shape.join() !== t[i].shape.join()) {
      throw new Error(`hint layer ${n}: its output is [${s[i].shape.map((d) => d ?? 'N')}] in the compressed model and [${t[i].shape.map((d) => d ?? 'N')}] in the original; a hint needs a layer whose output the compression kept (not one with units or filters removed)`);
    }
  });
  return {
    student: tf.model({ inputs: student.inputs, outputs: [student.outputs[0], ...s] }),
    teacher: tf.model({ inputs: teacher.inputs, outputs: [teacher.outputs[0], ...t] }),
  };
}

/**
 * Trains the shared values of clustered tensors (assignments fixed, the zero cluster kept at
 * zero) and writes them back as codebooks; other tensors are unchanged. Undefined when cancelled.
 */
async function trainSharedValues(model: CompressedModel, opts: FineTuneOptions, ctx: RunContext,
  onStep: (done: number, metrics: StepMetrics) => Promise<void> | void): Promise<CompressedModel | undefined> {
  const constraints = new Map<string, WeightConstraint>();
  for (const t of model.tensors) {
    if (t.payload.kind === 'codebook') constraints.set(t.name, { kind: 'shared', indices: t.payload.indices, clusters: t.payload.codebook.length, zeroIndex: t.payload.zeroIndex });
  }
  const parts: ModelParts = { topology: model.topology, weights: model.tensors, ...formatFields(model) };
  const trained = await train(parts, constraints, opts, ctx, onStep);
  if (!trained) return undefined;
  return withCodebooks(model, new Map(trained.weights.map((w) => [w.name, w.values])));
}

/** `model` with each clustered tensor's codebook read from its trained values (back on a uint8 grid where it was on one). */
function withCodebooks(model: CompressedModel, tuned: Map<string, Float32Array>): CompressedModel {
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

/**
 * Trains the shared values of a compressed model's clustered tensors on labelled `train` data
 * (the benchmark's Deep Compression pipeline). `seed` shuffles the samples. Undefined when cancelled.
 */
export async function fineTuneSharedValues(model: CompressedModel, train: Dataset, opts: { epochs: number; learningRate: number; limit?: number; seed?: number },
  hooks: { isCancelled?: () => boolean; onProgress?: (done: number) => Promise<void> | void } = {}): Promise<CompressedModel | undefined> {
  const parts: ModelParts = { topology: model.topology, weights: model.tensors, ...formatFields(model) };
  return trainSharedValues(model, { ...opts, isCancelled: hooks.isCancelled }, { data: train, plan: { version: 1 }, original: parts }, (done) => hooks.onProgress?.(done));
}
