/**
 * One view of a TF.js classifier whatever its kind: a LayersModel or a GraphModel (from
 * tensorflowjs_converter) both become `{ predict, classes, inputShape }`, which evaluation uses.
 */
import * as tf from '@tensorflow/tfjs';
import type { TfModel } from './weights';

/** A single-input classifier: `predict` maps [N, …input] to [N, classes] probabilities (or logits). */
export interface Classifier {
  predict(x: tf.Tensor): tf.Tensor;
  /** Number of output classes (the last dimension of the output). */
  classes: number;
  /** Input shape with −1 for unknown dimensions (the batch). */
  inputShape: number[];
}

interface ShapeJson { dim?: { size?: string | number }[] }
interface SignatureJson { inputs?: Record<string, { tensorShape?: ShapeJson }>; outputs?: Record<string, { tensorShape?: ShapeJson }> }

const dimsOf = (shape?: ShapeJson): number[] | undefined => shape?.dim?.map((d) => Number(d.size ?? -1));

/** True for a TF.js GraphModel (it has `executor`-backed inputNodes; a LayersModel has layers). */
export function isTfGraphModel(model: TfModel): model is tf.GraphModel {
  return model instanceof tf.GraphModel;
}

/**
 * `x` reshaped to a model input of another rank holding the same values per sample — images
 * [N, 28, 28, 1] for a Keras model that takes [N, 28, 28] (grayscale without a channel axis, as
 * many Keras MNIST models do) or [N, 784]; `x` itself when the ranks agree or a dimension is unknown.
 */
export function fitSampleShape(x: tf.Tensor, inputShape: readonly number[]): tf.Tensor {
  const dims = inputShape.slice(1);
  if (x.rank === inputShape.length || dims.some((d) => d < 1)) return x;
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  return size(x.shape.slice(1)) === size(dims) ? x.reshape([x.shape[0], ...dims]) : x;
}

/**
 * Wraps a LayersModel or GraphModel as a Classifier. A graph model's class count comes from its
 * signature's output shape; when that is unknown, from one prediction on zeros of its input shape
 * (unknown dimensions as 1). Throws when the model has other than one input and one output.
 */
export function toClassifier(model: TfModel): Classifier {
  if (!isTfGraphModel(model)) {
    const out = model.outputs[0].shape;
    const inputShape = model.inputs[0].shape.map((d) => d ?? -1);
    const predict = (x: tf.Tensor) => {
      const fitted = fitSampleShape(x, inputShape);
      try {
        return model.predict(fitted) as tf.Tensor;
      } finally {
        if (fitted !== x) fitted.dispose(); // a reshape shares x's data; outside tf.tidy it would leak
      }
    };
    return { predict, classes: out[out.length - 1] ?? -1, inputShape };
  }
  if (model.inputs.length !== 1 || model.outputNodes.length !== 1) {
    throw new Error(`the model has ${model.inputs.length} inputs and ${model.outputNodes.length} outputs; the studio evaluates single-input, single-output classifiers.`);
  }
  const signature = model.modelSignature as SignatureJson | undefined;
  const inputShape = (model.inputs[0].shape ?? dimsOf(Object.values(signature?.inputs ?? {})[0]?.tensorShape) ?? []).map((d) => d ?? -1);
  const predict = (x: tf.Tensor) => model.predict(x) as tf.Tensor;
  let classes = dimsOf(Object.values(signature?.outputs ?? {})[0]?.tensorShape)?.at(-1) ?? -1;
  if (!(classes > 0)) {
    const probe = tf.tidy(() => predict(tf.zeros(inputShape.map((d) => (d > 0 ? d : 1)))));
    classes = probe.shape[probe.shape.length - 1];
    probe.dispose();
  }
  return { predict, classes, inputShape };
}
