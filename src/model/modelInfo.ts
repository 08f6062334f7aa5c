/**
 * What the studio shows about a loaded model: a layer table and the exact download size.
 * Sizes are bytes of the files as the user downloads them (model.json + weight shards), raw and
 * after gzip level 9 of each file (what a web server with gzip sends).
 */
import * as tf from '@tensorflow/tfjs';
import { gzipSync } from 'fflate';
import { ModelFileError, checkModelFiles, toArtifacts, weightSpecBytes, type CheckedModelFiles, type ModelFile } from './modelFiles';

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

/** Validates the files, loads them with stock TF.js, and describes the result. */
export async function loadModelFiles(files: ModelFile[], name: string): Promise<{ model: tf.LayersModel; info: ModelInfo; checked: CheckedModelFiles }> {
  const checked = checkModelFiles(files, supportedLayerClasses());
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(checked)));
  } catch (e) {
    throw new ModelFileError(checked.jsonName, `TF.js could not build the model: ${(e as Error).message}`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new ModelFileError(checked.jsonName, `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the studio evaluates single-input, single-output classifiers.`);
  }
  const info: ModelInfo = {
    name,
    params: model.countParams(),
    inputShape: model.inputs[0].shape.map((d) => d ?? -1),
    outputShape: model.outputs[0].shape.map((d) => d ?? -1),
    layers: layerRows(model, checked.json),
    size: measureSize(checked),
  };
  return { model, info, checked };
}
