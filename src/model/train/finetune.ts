/**
 * Fine-tuning that respects compression, so accuracy lost to pruning and weight sharing can be won
 * back (Deep Compression's retraining steps), on any backend (WASM needs the kernels of
 * wasmTrainingKernels.ts):
 *   - masked: after every optimizer step, w ← w ⊙ mask, so pruned weights stay exactly zero;
 *   - shared: with cluster assignments fixed, after every step each cluster's weights are set to
 *     their mean, w_i ← mean_{j: a(j)=a(i)} w_j — the centroid moves by the mean of its members'
 *     updates (Deep Compression sums the gradients of a cluster; with Adam the mean is the stable
 *     equivalent), and the zero cluster stays zero.
 * Optional L1 / L2 penalties on the kernels (λ₁·Σ|w| + λ₂·Σw²) via the layers' regularisers.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core';
import type { LabelledDataset } from '../dataset';
import { imagesAtToTensor } from '../datasetTensor';
import { fitSampleShape } from '../classifier';

/** How a kernel is constrained during fine-tuning, by weight name (e.g. "fc1/kernel"). */
export type WeightConstraint =
  | { kind: 'mask'; mask: Uint8Array }
  | { kind: 'shared'; indices: ArrayLike<number>; clusters: number; zeroIndex?: number };

export interface FineTuneOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  /** Use only the first `limit` training samples. */
  limit?: number;
  seed?: number;
  onEpoch?: (epoch: number, loss: number) => void;
  /** after every step: steps done of all epochs' steps */
  onStep?: (done: number, total: number) => Promise<void> | void;
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

/** Applies the constraints to the model's variables (used after each step and once before training). */
function project(model: tf.LayersModel, constraints: Map<string, WeightConstraint>, maskTensors: Map<string, tf.Tensor>) {
  for (const w of model.weights) {
    const c = constraints.get(w.originalName) ?? constraints.get(w.name);
    if (!c) continue;
    const variable = (w as unknown as { val: tf.Variable }).val;
    if (c.kind === 'mask') {
      const m = maskTensors.get(w.originalName) as tf.Tensor;
      tf.tidy(() => variable.assign(variable.mul(m)));
    } else {
      const shared = shareValues(variable.dataSync() as Float32Array, c);
      tf.tidy(() => variable.assign(tf.tensor(shared, variable.shape)));
    }
  }
}

/**
 * Trains `model` in place on `train` with categorical cross-entropy and Adam, keeping the
 * constraints after every step. Labels are one-hot encoded from the data set's uint8 labels.
 */
export async function fineTune(model: tf.LayersModel, train: LabelledDataset, constraints: Map<string, WeightConstraint>, opts: FineTuneOptions): Promise<void> {
  const batchSize = opts.batchSize ?? 64;
  const count = Math.min(opts.limit ?? train.entry.count, train.entry.count);
  const classes = train.entry.classes.length;
  const maskTensors = new Map<string, tf.Tensor>();
  for (const w of model.weights) {
    const c = constraints.get(w.originalName) ?? constraints.get(w.name);
    if (c?.kind === 'mask') maskTensors.set(w.originalName, tf.tensor(Float32Array.from(c.mask), w.shape as number[]));
  }
  // The model does not own an optimizer it is handed: dispose Adam's moment variables ourselves.
  const optimizer = tf.train.adam(opts.learningRate ?? 1e-4);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  project(model, constraints, maskTensors);
  const rng = createRng(opts.seed ?? 7);
  const steps = Math.ceil(count / batchSize);
  let done = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const order = Array.from({ length: count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < count; start += batchSize) {
        if (opts.isCancelled?.()) return;
        const idx = order.slice(start, start + batchSize);
        const { x, y } = tf.tidy(() => {
          const xs = fitSampleShape(imagesAtToTensor(train, idx), model.inputs[0].shape.map((d) => d ?? -1));
          const ys = tf.oneHot(tf.tensor1d(idx.map((i) => train.labels[i]), 'int32'), classes).toFloat();
          return { x: xs, y: ys };
        });
        const loss = await model.trainOnBatch(x, y);
        tf.dispose([x, y]);
        project(model, constraints, maskTensors);
        lossSum += (Array.isArray(loss) ? loss[0] : loss) as number;
        batches++;
        await opts.onStep?.(++done, steps * opts.epochs);
      }
      opts.onEpoch?.(epoch, lossSum / batches);
    }
  } finally {
    tf.dispose([...maskTensors.values()]);
    optimizer.dispose();
  }
}
