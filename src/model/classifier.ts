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
 * Wraps a LayersModel or GraphModel as a Classifier. A graph model's class count comes from its
 * signature's output shape; when that is unknown, from one prediction on zeros of its input shape
 * (unknown dimensions as 1). Throws when the model has other than one input and one output.
 */
export function toClassifier(model: TfModel): Classifier {
  if (!isTfGraphModel(model)) {
    const out = model.outputs[0].shape;
    return { predict: (x) => model.predict(x) as tf.Tensor, classes: out[out.length - 1] ?? -1, inputShape: model.inputs[0].shape.map((d) => d ?? -1) };
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
