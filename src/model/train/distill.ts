/**
 * Knowledge distillation (Hinton et al. 2015) as TF.js losses, and the two things it needs of a
 * classifier: its logits, and the teacher's logits over the training data, computed once.
 *
 *   L = α · CE(y, softmax(z_s)) + (1 − α) · T² · KL(softmax(z_t/T) ‖ softmax(z_s/T))          (soft)
 *   L = α · CE(y, softmax(z_s)) + (1 − α) · CE(onehot(argmax z_t), softmax(z_s))              (hard)
 *
 * z_s, z_t: student and teacher logits [N, classes]; y: one-hot labels (only when α > 0); batch
 * means throughout; KL(p ‖ q) = Σ_c p_c (ln p_c − ln q_c). The T² keeps the soft term's gradient
 * on the scale of the hard one's as T changes (Hinton §2).
 * A model that ends in softmax is trained with that softmax removed (withLogitHead): its logits
 * are exact, where ln(softmax) would underflow for confident outputs.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../dataset';
import { imagesToTensor } from '../datasetTensor';
import { fitSampleShape } from '../classifier';
import type { ModelParts } from '../weights';

/** How the student learns from the teacher (DistillSettings with its defaults filled in). */
export interface DistillLossOptions {
  /** softmax temperature T ≥ 1 */
  temperature: number;
  /** weight of the labels' cross-entropy, 0–1 */
  alpha: number;
  mode: 'soft' | 'hard';
}

/**
 * The distillation loss of one batch (file comment), a scalar. `labels` (one-hot) are needed only
 * when α > 0; throws otherwise, since the label term would silently vanish.
 */
export function distillationLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, labels: tf.Tensor2D | undefined, opts: DistillLossOptions): tf.Scalar {
  const { temperature: t, alpha, mode } = opts;
  if (!(t >= 1)) throw new Error(`distillation: temperature must be ≥ 1, got ${t}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`distillation: alpha must be in [0, 1], got ${alpha}`);
  if (alpha > 0 && !labels) throw new Error('distillation: alpha > 0 weights the labels\' cross-entropy, and this data has no labels; set alpha to 0');
  return tf.tidy(() => {
    const terms: tf.Scalar[] = [];
    if (alpha > 0 && labels) terms.push(tf.losses.softmaxCrossEntropy(labels, studentLogits).mul(alpha));
    if (alpha < 1) {
      let kd: tf.Scalar;
      if (mode === 'hard') {
        const top = tf.oneHot(teacherLogits.argMax(-1) as tf.Tensor1D, teacherLogits.shape[1]);
        kd = tf.losses.softmaxCrossEntropy(top, studentLogits);
      } else {
        const logPt = tf.logSoftmax(teacherLogits.div(t));
        const logPs = tf.logSoftmax(studentLogits.div(t));
        kd = logPt.exp().mul(logPt.sub(logPs)).sum(-1).mean().mul(t * t) as tf.Scalar;
      }
      terms.push(kd.mul(1 - alpha));
    }
    return terms.length === 1 ? terms[0] : tf.addN(terms) as tf.Scalar;
  });
}

/** Mean squared error between a student and a teacher activation of the same shape (the hint loss, Romero et al. 2015). */
export function hintLoss(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  if (student.shape.join() !== teacher.shape.join()) throw new Error(`hint loss: shapes differ, student [${student.shape}] vs teacher [${teacher.shape}]`);
  return tf.tidy(() => tf.losses.meanSquaredError(teacher, student) as tf.Scalar);
}

interface LayerJson { class_name: string; config: Record<string, unknown> & { name?: string } }
interface TopologyJson { class_name?: string; config?: { layers?: LayerJson[]; output_layers?: unknown[][] } | LayerJson[]; model_config?: TopologyJson }

/** The layer whose output is the model's (Sequential: the last; functional: output_layers[0]). */
function outputLayer(topology: object): LayerJson | undefined {
  const t = topology as TopologyJson;
  const model = t.model_config ?? t;
  const config = model.config;
  const layers = Array.isArray(config) ? config : config?.layers ?? [];
  const outName = !Array.isArray(config) && config?.output_layers?.[0]?.[0];
  return typeof outName === 'string' ? layers.find((l) => (l.config.name ?? '') === outName) : layers[layers.length - 1];
}

/**
 * `parts` with the output layer's softmax removed (a Dense/Conv activation "softmax" → "linear", an
 * Activation("softmax") → linear, a Softmax layer → a linear Activation), so the built model gives
 * logits; `probabilities` says whether there was a softmax to remove (false: the model already
 * outputs logits — or something else, used as logits). Weights are shared, the topology copied.
 */
export function withLogitHead(parts: ModelParts): { parts: ModelParts; probabilities: boolean } {
  const topology = structuredClone(parts.topology);
  const layer = outputLayer(topology);
  if (!layer) return { parts, probabilities: false };
  if (layer.config.activation === 'softmax') {
    layer.config.activation = 'linear';
  } else if (layer.class_name === 'Softmax') {
    layer.class_name = 'Activation';
    layer.config = { name: layer.config.name, trainable: layer.config.trainable ?? true, dtype: layer.config.dtype ?? 'float32', activation: 'linear' };
  } else {
    return { parts, probabilities: false };
  }
  return { parts: { ...parts, topology }, probabilities: true };
}

/**
 * The teacher's logits on the first `count` samples of `data` (row-major [count, classes]), in
 * batches of `batchSize`; undefined when cancelled. One teacher pass: callers cache the result.
 */
export async function teacherLogits(teacher: tf.LayersModel, data: Dataset, count: number, hooks: {
  batchSize?: number; isCancelled?: () => boolean; onBatch?: (done: number, total: number) => Promise<void> | void;
} = {}): Promise<Float32Array | undefined> {
  const batch = hooks.batchSize ?? 256;
  const inputShape = teacher.inputs[0].shape.map((d) => d ?? -1);
  const out = teacher.outputs[0].shape;
  const classes = out[out.length - 1] as number;
  const logits = new Float32Array(count * classes);
  const total = Math.ceil(count / batch);
  for (let b = 0; b < total; b++) {
    if (hooks.isCancelled?.()) return undefined;
    const start = b * batch;
    const n = Math.min(batch, count - start);
    const z = tf.tidy(() => teacher.predict(fitSampleShape(imagesToTensor(data, start, n), inputShape)) as tf.Tensor);
    logits.set(await z.data() as Float32Array, start * classes);
    z.dispose();
    await hooks.onBatch?.(b + 1, total);
  }
  return logits;
}
