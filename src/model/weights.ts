/**
 * A TF.js model as plain data — its topology JSON (a Keras model config for a layers model, a
 * GraphDef { node, library, versions } for a graph model), its weights as float32 arrays in
 * manifest order, and the other model.json fields an export must keep — the form whole-model
 * transforms and exporters work on. Converting to and from TF.js ModelArtifacts goes through
 * TF.js's own decodeWeights, so quantized manifests (uint8 / uint16 / float16) read exactly as
 * tf.loadLayersModel / tf.loadGraphModel read them.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorPayload } from '../core';

/** Which TF.js model a topology is: model.json's `format`. */
export type ModelFormat = 'layers-model' | 'graph-model';

/** Element type of a weight; non-float32 ones (a graph model's int32 shape constants) are never compressed. */
export type WeightDtype = 'float32' | 'int32' | 'bool';

/** model.json fields besides the topology and the manifest that a graph model needs, kept as they were read. */
export interface ModelExtras {
  signature?: object;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: object;
  initializerSignature?: object;
}

/** One weight tensor; `name` as in the weights manifest (e.g. "fc1/kernel"). */
export interface WeightTensor {
  name: string;
  shape: number[];
  /** The elements as float32 (int32 / bool weights hold their integers exactly: |x| < 2²⁴). */
  values: Float32Array;
  /** Element type in the manifest; absent = float32. */
  dtype?: WeightDtype;
}

/** A model as data: `topology` is model.json's modelTopology; `format` absent = layers model. */
export interface ModelParts {
  topology: object;
  weights: WeightTensor[];
  format?: ModelFormat;
  extras?: ModelExtras;
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
  format?: ModelFormat;
  extras?: ModelExtras;
}

/** A TF.js model of either kind. */
export type TfModel = tf.LayersModel | tf.GraphModel;

/** True for a graph model: format 'graph-model', or a GraphDef topology (a `node` list). */
export function isGraphModel(format: string | undefined, topology: unknown): boolean {
  return format === 'graph-model' || (typeof topology === 'object' && topology !== null && 'node' in topology);
}

/** The extra model.json fields present in `json` (ModelJSON or ModelArtifacts), or undefined when none are. */
export function extrasOf(json: ModelExtras): ModelExtras | undefined {
  const extras: ModelExtras = {};
  if (json.signature) extras.signature = json.signature;
  if (json.userDefinedMetadata) extras.userDefinedMetadata = json.userDefinedMetadata;
  if (json.modelInitializer) extras.modelInitializer = json.modelInitializer;
  if (json.initializerSignature) extras.initializerSignature = json.initializerSignature;
  return Object.keys(extras).length ? extras : undefined;
}

/** A model's format and extras, as spread into ModelParts / CompressedModel (nothing for a layers model without extras). */
export function formatFields(parts: { format?: ModelFormat; extras?: ModelExtras }): { format?: ModelFormat; extras?: ModelExtras } {
  return { ...(parts.format ? { format: parts.format } : {}), ...(parts.extras ? { extras: parts.extras } : {}) };
}

/** Little-endian element bytes of a weight in its manifest dtype (float32: 4, int32: 4, bool: 1 per element). */
export function weightBytes(w: WeightTensor): Uint8Array {
  const typed = w.dtype === 'int32' ? Int32Array.from(w.values) : w.dtype === 'bool' ? Uint8Array.from(w.values) : w.values.slice();
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** Reads ModelArtifacts (as from model.json + shards) into plain float32 weights. */
export function partsFromArtifacts(artifacts: tf.io.ModelArtifacts): ModelParts {
  if (!artifacts.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) throw new Error('model artifacts lack topology or weights');
  const data = tf.io.concatenateArrayBuffers(Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData]);
  const decoded = tf.io.decodeWeights(data, artifacts.weightSpecs);
  const weights = artifacts.weightSpecs.map((spec) => {
    const t = decoded[spec.name];
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') throw new Error(`weight ${spec.name} has dtype ${t.dtype}, which this studio cannot read`);
    const values = t.dtype === 'float32' ? (t.dataSync() as Float32Array).slice() : Float32Array.from(t.dataSync() as Int32Array | Uint8Array);
    const dtype = t.dtype;
    t.dispose();
    return { name: spec.name, shape: [...spec.shape], values, ...(dtype !== 'float32' ? { dtype } : {}) };
  });
  const graph = isGraphModel(artifacts.format, artifacts.modelTopology);
  const extras = extrasOf(artifacts as ModelExtras);
  return { topology: artifacts.modelTopology as object, weights, ...(graph ? { format: 'graph-model' as const } : {}), ...(extras ? { extras } : {}) };
}

/** Plain (unquantized) artifacts for a ModelParts (one weight group), loadable by tf.io.fromMemory. */
export function artifactsFromParts(parts: ModelParts): tf.io.ModelArtifacts {
  const chunks = parts.weights.map(weightBytes);
  const data = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.length;
  }
  return {
    modelTopology: parts.topology,
    format: parts.format ?? 'layers-model',
    generatedBy: 'Compression Studio',
    convertedBy: null,
    weightSpecs: parts.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype ?? ('float32' as const) })),
    weightData: data.buffer,
    ...parts.extras,
  } as tf.io.ModelArtifacts;
}

/** Loads artifacts with the stock loader of their kind: tf.loadGraphModel for a graph model, else tf.loadLayersModel. */
export function loadTfModel(artifacts: tf.io.ModelArtifacts): Promise<TfModel> {
  return isGraphModel(artifacts.format, artifacts.modelTopology)
    ? tf.loadGraphModel(tf.io.fromMemory(artifacts))
    : tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** Builds a TF.js LayersModel from plain layers-model parts (throws for a graph model: use tfModelFromParts). */
export function modelFromParts(parts: ModelParts): Promise<tf.LayersModel> {
  if (parts.format === 'graph-model') return Promise.reject(new Error('modelFromParts: a graph model has no LayersModel: use tfModelFromParts'));
  return tf.loadLayersModel(tf.io.fromMemory(artifactsFromParts(parts)));
}

/** Builds the TF.js model of plain parts, of its own kind (what the studio evaluates). */
export function tfModelFromParts(parts: ModelParts): Promise<TfModel> {
  return loadTfModel(artifactsFromParts(parts));
}
