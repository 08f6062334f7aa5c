/**
 * Training that respects compression — label fine-tuning and distillation alike — so accuracy
 * lost to pruning, quantization and weight sharing can be won back, on any backend (WASM needs the
 * kernels of wasmTrainingKernels.ts). A custom loop (tf.variableGrads + Adam) so that:
 *   - mask:   after every step w ← w ⊙ mask: pruned weights stay exactly zero;
 *   - shared: with cluster assignments fixed, after every step each cluster's weights are set to
 *     their mean — the centroid moves by the mean of its members' updates (Deep Compression sums
 *     a cluster's gradients; with Adam the mean is the stable equivalent); the zero cluster stays 0;
 *   - grid:   quantization-aware training with a straight-through estimator: a float "latent" copy
 *     w̃ is what Adam updates, the layer computes with w = Q(w̃ ⊙ mask) (Q: the export's own
 *     quantizer), and ∂L/∂w̃ := ∂L/∂w. After any step the weights lie exactly on Q's grid.
 * Loss: cross-entropy with the labels, or distillation from a teacher's logits (distill.ts), plus
 * optional hint losses. Optional L1 / L2 penalties come from the layers' regularisers.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffledIndices } from '../../core';
import type { Dataset } from '../dataset';
import { imagesAtToTensor } from '../datasetTensor';
import { fitSampleShape } from '../classifier';
import { distillationLoss, hintLoss, type DistillLossOptions } from './distill';

/** How a weight is constrained during training, by weight name (e.g. "fc1/kernel"). */
export type WeightConstraint =
  | { kind: 'mask'; mask: Uint8Array }
  | { kind: 'shared'; indices: ArrayLike<number>; clusters: number; zeroIndex?: number }
  /** `project` maps latent float values to values on the grid (zeros of `mask` kept exactly zero) */
  | { kind: 'grid'; project: (latent: Float32Array) => Float32Array; mask?: Uint8Array };

/** What the loss compares the model's outputs with. */
export type TrainLoss = { kind: 'labels' } | ({ kind: 'distill' } & DistillLossOptions);

/** Figures of the steps since the previous report. */
export interface StepMetrics {
  /** mean loss of those steps */
  loss: number;
  /** share of their samples whose top class equals the teacher's (NaN without a teacher) */
  agreement: number;
}

export interface FineTuneOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  /** Use only the first `limit` training samples. */
  limit?: number;
  seed?: number;
  /** default: cross-entropy with the data's labels */
  loss?: TrainLoss;
  /** the model's first output is probabilities, not logits: ln p is used as logits (default: whether its output layer's activation is softmax) */
  probabilities?: boolean;
  /** the teacher's logits on the training samples, row-major [count, classes] (distillation; agreement) */
  teacher?: Float32Array;
  /**
   * Hint losses: the model's outputs after the first are these layers' activations; `targets`
   * gives the teacher's for a batch (same order), added as weight · MSE.
   */
  hints?: { targets: (x: tf.Tensor) => tf.Tensor[]; weight: number };
  onEpoch?: (epoch: number, loss: number) => void;
  /** after every step: steps done of all epochs' steps, with that step's figures */
  onStep?: (done: number, total: number, metrics: StepMetrics) => Promise<void> | void;
  isCancelled?: () => boolean;
}

/** Sets each cluster's members to their mean (zero cluster to 0). */
function shareValues(values: Float32Array, c: Extract<WeightConstraint, { kind: 'shared' }>): Float32Array {
  const sum = new Float64Array(c.clusters);
  const count = new Float64Array(c.clusters);
  for (let i = 0; i < values.length; i++) { sum[c.indices[i]] += values[i]; count[c.indices[i]]++; }
  const mean = new Float32Array(c.clusters);
  for (let k = 0; k < c.clusters; k++) mean[k] = k === c.zeroIndex || count[k] === 0 ? 0 : sum[k] / count[k];
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = mean[c.indices[i]];
  return out;
}

interface Bound {
  variable: tf.Variable;
  constraint?: WeightConstraint;
  mask?: tf.Tensor;
  /** the float copy Adam updates (grid constraints only) */
  latent?: tf.Variable;
}

/** Applies the constraints to the model's variables (after each step and once before training). */
function project(bound: Bound[]): void {
  for (const b of bound) {
    const c = b.constraint;
    if (!c) continue;
    if (b.mask && b.latent) tf.tidy(() => (b.latent as tf.Variable).assign((b.latent as tf.Variable).mul(b.mask as tf.Tensor)));
    if (c.kind === 'mask') {
      tf.tidy(() => b.variable.assign(b.variable.mul(b.mask as tf.Tensor)));
    } else if (c.kind === 'shared') {
      const shared = shareValues(b.variable.dataSync() as Float32Array, c);
      tf.tidy(() => b.variable.assign(tf.tensor(shared, b.variable.shape)));
    } else {
      const onGrid = c.project((b.latent as tf.Variable).dataSync() as Float32Array);
      tf.tidy(() => b.variable.assign(tf.tensor(onGrid, b.variable.shape)));
    }
  }
}

/** Whether the layer producing the model's (first) output ends in softmax. */
export function outputIsSoftmax(model: tf.LayersModel): boolean {
  const layer = model.outputs[0].sourceLayer;
  const config = layer.getConfig();
  return config.activation === 'softmax' || layer.getClassName() === 'Softmax';
}

/** Top-1 class of each row of a row-major [n, classes] array. */
export function argmaxRows(values: Float32Array, classes: number): Int32Array {
  const n = values.length / classes;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[r * classes + c] > values[r * classes + best]) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * Trains `model` in place on `data` with Adam (file comment), keeping the constraints after every
 * step. Seeded sample order; labels one-hot encoded from the data set's uint8 labels when the loss
 * needs them. Returns false when cancelled (the weights are then part-trained).
 */
export async function fineTune(model: tf.LayersModel, data: Dataset, constraints: Map<string, WeightConstraint>, opts: FineTuneOptions): Promise<boolean> {
  const batchSize = opts.batchSize ?? 64;
  const count = Math.min(opts.limit ?? data.entry.count, data.entry.count);
  const loss = opts.loss ?? { kind: 'labels' };
  const out = model.outputs[0].shape;
  const classes = out[out.length - 1] as number;
  const needLabels = loss.kind === 'labels' || loss.alpha > 0;
  if (needLabels && !data.labels) throw new Error(`${data.entry.name} has no labels: ${loss.kind === 'labels' ? 'fine-tuning needs labelled data; distill from the original instead' : 'set alpha to 0'}`);
  if (loss.kind === 'distill' && !opts.teacher) throw new Error('distillation needs the teacher\'s outputs');
  if (opts.teacher && opts.teacher.length < count * classes) throw new Error(`the teacher's outputs cover ${opts.teacher.length / classes} samples, not ${count}`);
  const teacherTop = opts.teacher ? argmaxRows(opts.teacher.subarray(0, count * classes), classes) : undefined;
  const inputShape = model.inputs[0].shape.map((d) => d ?? -1);
  const probabilities = opts.probabilities ?? outputIsSoftmax(model);

  const bound: Bound[] = model.trainableWeights.map((w) => {
    const constraint = constraints.get(w.originalName) ?? constraints.get(w.name);
    const variable = (w as unknown as { val: tf.Variable }).val;
    const maskBits = constraint?.kind === 'mask' ? constraint.mask : constraint?.kind === 'grid' ? constraint.mask : undefined;
    const mask = maskBits ? tf.tensor(Float32Array.from(maskBits), variable.shape) : undefined;
    // tf.variable keeps its own copy: the clone is a temporary of the tidy
    const latent = constraint?.kind === 'grid' ? tf.tidy(() => tf.variable(variable.clone(), true, `latent/${variable.name}/${variable.id}`)) : undefined;
    return { variable, constraint, mask, latent };
  });
  const vars = bound.map((b) => b.variable);
  const optimizer = tf.train.adam(opts.learningRate ?? 1e-4);
  project(bound);
  const rng = createRng(opts.seed ?? 7);
  const steps = Math.ceil(count / batchSize);
  let done = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const order = shuffledIndices(count, rng);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < count; start += batchSize) {
        if (opts.isCancelled?.()) return false;
        const idx = order.slice(start, start + batchSize);
        const x = tf.tidy(() => fitSampleShape(imagesAtToTensor(data, idx), inputShape));
        const labels = needLabels ? tf.tidy(() => tf.oneHot(tf.tensor1d(idx.map((i) => (data.labels as Uint8Array)[i]), 'int32'), classes).toFloat() as tf.Tensor2D) : undefined;
        const zt = opts.teacher ? tf.tensor2d(Float32Array.from(idx.flatMap((i) => Array.from(opts.teacher!.subarray(i * classes, (i + 1) * classes)))), [idx.length, classes]) : undefined;
        const hintTargets = opts.hints?.targets(x);
        let top: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const outs = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
          const [first, ...rest] = Array.isArray(outs) ? outs : [outs];
          const zs = (probabilities ? first.clipByValue(1e-7, 1).log() : first) as tf.Tensor2D;
          top = tf.keep(zs.argMax(-1));
          let l = loss.kind === 'labels' ? tf.losses.softmaxCrossEntropy(labels as tf.Tensor2D, zs) as tf.Scalar : distillationLoss(zs, zt as tf.Tensor2D, labels, loss);
          if (opts.hints && hintTargets) {
            const h = rest.map((s, i) => hintLoss(s, hintTargets[i]));
            l = l.add(tf.addN(h).mul(opts.hints.weight));
          }
          const penalties = model.calculateLosses();
          return penalties.length ? l.add(tf.addN(penalties)) : l;
        }, vars);
        // Straight-through: a grid weight's gradient updates its latent copy.
        const named = bound.filter((b) => grads[b.variable.name]).map((b) => ({ name: (b.latent ?? b.variable).name, tensor: grads[b.variable.name] }));
        optimizer.applyGradients(named);
        project(bound);
        const stepLoss = (await value.data())[0];
        const predicted = await (top as tf.Tensor).data();
        tf.dispose([x, labels, zt, value, top, ...(hintTargets ?? []), ...Object.values(grads)].filter((t): t is tf.Tensor => t !== undefined));
        let agree = 0;
        if (teacherTop) idx.forEach((s, i) => { if (predicted[i] === teacherTop[s]) agree++; });
        lossSum += stepLoss;
        batches++;
        await opts.onStep?.(++done, steps * opts.epochs, { loss: stepLoss, agreement: teacherTop ? agree / idx.length : NaN });
      }
      opts.onEpoch?.(epoch, lossSum / batches);
    }
    return true;
  } finally {
    tf.dispose(bound.flatMap((b) => [b.mask, b.latent]).filter((t): t is tf.Tensor => t !== undefined));
    optimizer.dispose();
  }
}
