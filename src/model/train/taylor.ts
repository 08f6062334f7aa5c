/**
 * Gradient-based (first-order Taylor) importance of a layers model's kernels, accumulated over
 * calibration batches, for Taylor pruning (compressModel's `scores`):
 *   weights:  sᵢ = Σ_batches |wᵢ · ∂L/∂wᵢ|             (Molchanov et al. 2017)
 *   channels: s_c = Σ_batches (Σ_{i∈c} wᵢ · ∂L/∂wᵢ)²   (Molchanov et al. 2019), c = output unit / filter
 * with L the batch's mean categorical cross-entropy between the target and the model's output.
 * Scores are computed on the model as given (the original, before any transform), so channel
 * scores index its output units. The per-batch products and sums are core's taylorScores /
 * taylorChannelScores.
 */
import * as tf from '@tensorflow/tfjs';
import { taylorChannelScores, taylorScores } from '../../core';
import type { PruneScores } from '../compress';
import { isKernel, splitWeightName } from '../compress/weightLevel';
import { outputIsSoftmax } from './finetune';

/** Options of {@link accumulateTaylorScores}. */
export interface TaylorOptions {
  /** Also accumulate channel scores of Dense / Conv2D layers (default false). */
  channels?: boolean;
  /** Checked before each batch: when true, stop and return undefined. */
  isCancelled?: () => boolean;
  /** After each batch, with the number of batches done. */
  onBatch?: (done: number) => Promise<void> | void;
}

/** Layers whose output units channel pruning removes (transform/channels.ts). */
const CHANNEL_LAYERS = new Set(['Dense', 'Conv2D']);

/**
 * Mean categorical cross-entropy of `target` ([N, classes], one-hot or probabilities) against the
 * model's first output: probabilities when the output layer ends in softmax (outputIsSoftmax;
 * clipped to [ε, 1] before the log), logits otherwise (log-softmax inside).
 */
function lossOf(model: tf.LayersModel, x: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const out = model.apply(x, { training: false });
  const y = (Array.isArray(out) ? out[0] : out) as tf.Tensor;
  const softmax = outputIsSoftmax(model);
  if (softmax) return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(tf.clipByValue(y, 1e-7, 1))), -1)));
  return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(y)), -1)));
}

/**
 * Accumulates Taylor scores of every kernel of `model` (weights whose name ends in kernel,
 * depthwise_kernel or pointwise_kernel) over `batches`: weight scores keyed by manifest weight name
 * (e.g. "fc1/kernel"), and with opts.channels one score per output unit of each Dense / Conv2D
 * kernel (last axis), keyed by layer name. Gradients come from tf.variableGrads of the batch loss
 * (frozen layers included: they are made trainable for the call, then restored). The caller owns
 * the batch tensors; no other tensor outlives the call. Returns undefined when cancelled.
 */
export async function accumulateTaylorScores(
  model: tf.LayersModel,
  batches: Iterable<{ x: tf.Tensor; target: tf.Tensor }>,
  opts: TaylorOptions = {},
): Promise<PruneScores | undefined> {
  const owner = new Map<string, string>();
  for (const layer of model.layers) {
    if (!CHANNEL_LAYERS.has(layer.getClassName())) continue;
    for (const w of layer.weights) if (splitWeightName(w.originalName).role === 'kernel') owner.set(w.originalName, layer.name);
  }
  // Layer order (model.weights lists trainable weights before frozen ones).
  const kernels = model.layers.flatMap((l) => l.weights).filter((w) => isKernel(w.originalName));
  const variables = kernels.map((w) => w.read() as tf.Variable);
  const trainable = variables.map((v) => v.trainable);
  const weights = new Map(kernels.map((w) => [w.originalName, new Float32Array(w.shape.reduce((a: number, d) => a * (d ?? 1), 1))]));
  const channels = new Map<string, Float64Array>();
  let done = 0;
  // The weights do not change while scoring: read them once.
  const values = await Promise.all(variables.map((v) => v.data() as Promise<Float32Array>));
  try {
    for (const v of variables) v.trainable = true;
    for (const { x, target } of batches) {
      if (opts.isCancelled?.()) return undefined;
      const { value, grads } = tf.variableGrads(() => lossOf(model, x, target), variables);
      try {
        for (let k = 0; k < kernels.length; k++) {
          const name = kernels[k].originalName;
          const t = { values: values[k], grads: await grads[variables[k].name].data() as Float32Array, shape: variables[k].shape };
          const s = taylorScores(t);
          const acc = weights.get(name) as Float32Array;
          for (let i = 0; i < acc.length; i++) acc[i] += s[i];
          const layer = owner.get(name);
          if (!opts.channels || layer === undefined) continue;
          const c = taylorChannelScores(t, -1);
          const sum = channels.get(layer) ?? new Float64Array(c.length);
          for (let i = 0; i < c.length; i++) sum[i] += c[i];
          channels.set(layer, sum);
        }
      } finally {
        tf.dispose([value, ...Object.values(grads)]);
      }
      await opts.onBatch?.(++done);
    }
  } finally {
    variables.forEach((v, i) => { v.trainable = trainable[i]; });
  }
  return opts.channels ? { weights, channels } : { weights };
}
