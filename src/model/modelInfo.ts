/**
 * What the studio shows about a loaded model — a layers model or a graph model: a layer table
 * (for a graph model, one row per weight tensor with the op that consumes it) and the exact
 * download size.
 * Sizes are bytes of the files as the user downloads them (model.json + weight shards), raw and
 * after gzip level 9 of each file (what a web server with gzip sends).
 */
import * as tf from '@tensorflow/tfjs';
import { gzipSync } from 'fflate';
import { toClassifier } from './classifier';
import { weightUses } from './graphModel';
import { ModelFileError, checkModelFiles, toArtifacts, weightSpecBytes, type CheckedModelFiles, type ModelFile } from './modelFiles';
import { isGraphModel, loadTfModel, type ModelFormat, type TfModel } from './weights';

/** One row of the layer table. `bytes` = bytes of the layer's weights in the shard files. */
export interface LayerRow {
  name: string;
  className: string;
  outputShape: string;
  params: number;
  bytes: number;
}

/** Download size of a model's files, in bytes. */
export interface ModelSize {
  raw: number;
  gzip: number;
  files: { name: string; bytes: number; gzip: number }[];
}

export interface ModelInfo {
  name: string;
  /** 'graph-model' for a TF.js graph model (its layer table lists weight tensors); absent or 'layers-model' otherwise. */
  format?: ModelFormat;
  params: number;
  inputShape: number[];
  outputShape: number[];
  layers: LayerRow[];
  size: ModelSize;
}

/** Layer class names TF.js can deserialise (its registered serializables). */
export function supportedLayerClasses(): Set<string> {
  return new Set(Object.keys(tf.serialization.SerializationMap.getMap().classNameMap));
}

/** Bytes of every file, raw and gzip-9 each. */
export function measureSize(checked: CheckedModelFiles): ModelSize {
  const entries: [string, ArrayBuffer][] = [[checked.jsonName, checked.jsonBytes], ...checked.shards.entries()];
  const files = entries.map(([name, bytes]) => {
    const data = new Uint8Array(bytes);
    return { name, bytes: data.byteLength, gzip: gzipSync(data, { level: 9 }).byteLength };
  });
  return { raw: files.reduce((a, f) => a + f.bytes, 0), gzip: files.reduce((a, f) => a + f.gzip, 0), files };
}

const shapeText = (shape: unknown): string => JSON.stringify(shape).replace(/null/g, 'N').replace(/,/g, ', ');

/** The layer table, bytes taken from the weights manifest (so quantized weights count as stored). */
export function layerRows(model: tf.LayersModel, json: tf.io.ModelJSON): LayerRow[] {
  const specs = new Map(json.weightsManifest.flatMap((g) => g.weights).map((s) => [s.name, s]));
  return model.layers.map((layer) => {
    let bytes = 0;
    for (const w of layer.weights) {
      const spec = specs.get(w.originalName) ?? specs.get(w.name);
      bytes += spec ? weightSpecBytes(spec) : w.shape.reduce<number>((a, b) => a * (b ?? 1), 1) * 4;
    }
    return { name: layer.name, className: layer.getClassName(), outputShape: shapeText(layer.outputShape), params: layer.countParams(), bytes };
  });
}

/**
 * The layer table of a graph model: one row per weight tensor — its name, the op that consumes it
 * (className), its shape (outputShape), elements (params) and bytes as stored in the shards.
 */
export function graphWeightRows(json: tf.io.ModelJSON): LayerRow[] {
  const uses = weightUses(json.modelTopology);
  return json.weightsManifest.flatMap((g) => g.weights).map((spec) => ({
    name: spec.name,
    className: uses.get(spec.name)?.op ?? 'unused',
    outputShape: shapeText(spec.shape),
    params: spec.shape.reduce((a, b) => a * b, 1),
    bytes: weightSpecBytes(spec),
  }));
}

/** Builds a graph model and runs it once on zeros, so an op TF.js lacks is named now, not at evaluation. */
async function loadGraph(checked: CheckedModelFiles): Promise<tf.GraphModel> {
  const model = (await loadTfModel(toArtifacts(checked))) as tf.GraphModel;
  try {
    const { inputShape } = toClassifier(model);
    tf.tidy(() => { model.predict(tf.zeros(inputShape.map((d) => (d > 0 ? d : 1)))); });
  } catch (e) {
    model.dispose();
    const op = /Unknown op '([^']+)'/.exec((e as Error).message)?.[1];
    if (op === undefined) throw e;
    const node = (checked.json.modelTopology as { node: { name: string; op: string }[] }).node.find((n) => n.op === op)?.name ?? '?';
    throw new ModelFileError(checked.jsonName, `graph node "${node}" uses the op "${op}", which TF.js does not support. Convert the model without it (or register it with tf.registerOp in your app).`);
  }
  return model;
}

/** Validates the files, loads them with stock TF.js (tf.loadLayersModel or tf.loadGraphModel), and describes the result. */
export async function loadModelFiles(files: ModelFile[], name: string): Promise<{ model: TfModel; info: ModelInfo; checked: CheckedModelFiles }> {
  const checked = checkModelFiles(files, supportedLayerClasses());
  const graph = isGraphModel(checked.json.format, checked.json.modelTopology);
  let model: TfModel;
  try {
    model = graph ? await loadGraph(checked) : await loadTfModel(toArtifacts(checked));
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(checked.jsonName, `TF.js could not build the model: ${(e as Error).message}`);
  }
  let inputShape: number[];
  let outputShape: number[];
  try {
    const classifier = toClassifier(model);
    if (!(model instanceof tf.GraphModel) && (model.inputs.length !== 1 || model.outputs.length !== 1)) {
      throw new Error(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the studio evaluates single-input, single-output classifiers.`);
    }
    inputShape = classifier.inputShape;
    outputShape = model instanceof tf.GraphModel ? [-1, classifier.classes] : model.outputs[0].shape.map((d) => d ?? -1);
  } catch (e) {
    model.dispose();
    throw new ModelFileError(checked.jsonName, (e as Error).message);
  }
  const layers = model instanceof tf.GraphModel ? graphWeightRows(checked.json) : layerRows(model, checked.json);
  const info: ModelInfo = {
    name,
    format: graph ? 'graph-model' : 'layers-model',
    params: model instanceof tf.GraphModel ? layers.reduce((a, l) => a + l.params, 0) : model.countParams(),
    inputShape,
    outputShape,
    layers,
    size: measureSize(checked),
  };
  return { model, info, checked };
}
