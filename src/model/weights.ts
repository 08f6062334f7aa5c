/**
 * A layers model as plain data — its Keras/TF.js topology JSON and its weights as float32
 * arrays in manifest order — the form whole-model transforms and exporters work on. Converting
 * to and from TF.js ModelArtifacts goes through TF.js's own decodeWeights, so quantized
 * manifests (uint8 / uint16 / float16) read exactly as tf.loadLayersModel reads them.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorPayload } from '../core';

/** One weight tensor; `name` as in the weights manifest (e.g. "fc1/kernel"). */
export interface WeightTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A model as data: `topology` is model.json's modelTopology (a Keras model config). */
export interface ModelParts {
  topology: object;
  weights: WeightTensor[];
}

/**
 * A weight as it will be written: `values` are exactly what the compressed model computes with
 * (decode(payload) === values bit for bit), `payload` is how it is stored.
 */
export interface CompressedTensor extends WeightTensor {
  /** Name of the layer that owns it. */
  layer: string;
  payload: TensorPayload;
}

/** A compressed model ready for export: the (possibly transformed) topology and every weight. */
export interface CompressedModel {
  topology: object;
  tensors: CompressedTensor[];
}

/** Reads ModelArtifacts (as from model.json + shards) into plain float32 weights. */
export function partsFromArtifacts(artifacts: tf.io.ModelArtifacts): ModelParts {
  if (!artifacts.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) throw new Error('model artifacts lack topology or weights');
  const data = tf.io.concatenateArrayBuffers(Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData]);
  const decoded = tf.io.decodeWeights(data, artifacts.weightSpecs);
  const weights = artifacts.weightSpecs.map((spec) => {
    const t = decoded[spec.name];
    const values = t.dtype === 'float32' ? (t.dataSync() as Float32Array).slice() : Float32Array.from(t.dataSync());
    t.dispose();
    return { name: spec.name, shape: [...spec.shape], values };
  });
  return { topology: artifacts.modelTopology as object, weights };
}

/** Plain float32 artifacts for a ModelParts (one weight group), loadable by tf.io.fromMemory. */
export function artifactsFromParts(parts: ModelParts): tf.io.ModelArtifacts {
  const total = parts.weights.reduce((a, w) => a + w.values.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const w of parts.weights) {
    data.set(w.values, offset);
    offset += w.values.length;
  }
  return {
    modelTopology: parts.topology,
    format: 'layers-model',
    generatedBy: 'Compression Studio',
    convertedBy: null,
    weightSpecs: parts.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
    weightData: data.buffer,
  };
}

/** Builds a TF.js LayersModel from plain parts (what the studio evaluates). */
export function modelFromParts(parts: ModelParts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(artifactsFromParts(parts)));
}
