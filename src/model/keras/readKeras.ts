/**
 * Opens a Keras model file — a Keras 3 `.keras` zip, a legacy `.h5` (Keras 2.x, tf.keras 2.x,
 * Keras 3), or a weights-only `*.weights.h5` with its config — as TF.js ModelArtifacts: the config
 * translated to TF.js's layers format (translate.ts), each layer's weights read from the HDF5
 * (kerasWeights.ts) and put in the order and under the names stock TF.js builds the same model
 * with. Runs on bytes only (no files, no network), so the worker and Node call the same code.
 * Every fault is a ModelFileError naming the file, the layer where there is one, and what to do.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelFileError, type ModelFile } from '../modelFiles';
import { H5File, isHdf5, type H5Tensor } from './hdf5';
import { keras3Weights, legacyWeights, type LayerWeights } from './kerasWeights';
import { KerasLayerFault, translateModel, type Json } from './translate';
import { unzipEntries } from './unzip';

/** Which kind of Keras file was read. */
export type KerasFormat = 'keras3-zip' | 'hdf5' | 'weights-h5';

/** A Keras file read into TF.js form. */
export interface KerasModel {
  /** What stock TF.js loads: tf.loadLayersModel(tf.io.fromMemory(artifacts)). */
  artifacts: tf.io.ModelArtifacts;
  /** The Keras version that wrote the file ("3.14.0"), or "unknown". */
  kerasVersion: string;
  format: KerasFormat;
  /** The file's own Keras model config, untranslated (for writing the model back as Keras). */
  kerasConfig: Json;
  /** Where each weight of `artifacts.weightSpecs` (same order) lies in the file's HDF5: e.g. "layers/conv2d/vars/0", "model_weights/dense/dense/kernel:0". */
  weightPaths: string[];
}

/** Options for readKerasFile. */
export interface ReadKerasOptions {
  /** The Keras model config (`config.json`'s object) a weights-only `*.weights.h5` belongs to. */
  config?: Json;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const isZip = (bytes: Uint8Array) => bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);

/** True when `bytes` hold a Keras file: HDF5 by its signature, or a zip named `.keras` or holding `model.weights.h5`. */
export function isKerasFile(name: string, bytes: Uint8Array): boolean {
  if (isHdf5(bytes)) return true;
  if (!isZip(bytes)) return false;
  if (name.toLowerCase().endsWith('.keras')) return true;
  // The central directory at the end of the zip lists the entry names.
  const tail = bytes.subarray(Math.max(0, bytes.length - 65536));
  return new TextDecoder('latin1').decode(tail).includes('model.weights.h5');
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(file: string, what: string, text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(file, `its ${what} is not valid JSON (${(e as Error).message}). Save the model again.`);
  }
  if (!isObject(value)) throw new ModelFileError(file, `its ${what} is not a Keras model config. Save the model again.`);
  return value;
}

/** The entries of a `.keras` zip that matter, decompressed (assets and anything else are skipped). */
async function unzipKeras(file: string, bytes: Uint8Array): Promise<{ config: Json; weights: Uint8Array; kerasVersion: string }> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = await unzipEntries(bytes, (name) => ['config.json', 'metadata.json', 'model.weights.h5', 'model.weights.npz'].includes(name));
  } catch (e) {
    throw new ModelFileError(file, `is not a readable zip (${(e as Error).message}): the file is truncated or damaged. Copy or download it again.`);
  }
  const text = (name: string) => new TextDecoder().decode(entries[name]);
  if (!entries['config.json']) throw new ModelFileError(file, 'is a zip without config.json, so not a Keras .keras file. Save the model with model.save("model.keras").');
  const config = parseJson(file, 'config.json', text('config.json'));
  if (!entries['model.weights.h5']) {
    const npz = entries['model.weights.npz'] ? ' (it holds model.weights.npz: save with the default weights format, h5)' : '';
    throw new ModelFileError(file, `holds no model.weights.h5${npz}. Save the model again with model.save("model.keras").`);
  }
  let kerasVersion = 'unknown';
  if (entries['metadata.json']) {
    try {
      kerasVersion = String((JSON.parse(text('metadata.json')) as Json).keras_version ?? 'unknown');
    } catch { /* the version is only shown; a damaged metadata.json does not stop the model */ }
  }
  return { config, weights: entries['model.weights.h5'], kerasVersion };
}

/** Every leaf layer of a built TF.js model with its name path (nested models' layers as "outer/inner"). */
function leafLayers(layers: tf.layers.Layer[], prefix = ''): { key: string; layer: tf.layers.Layer }[] {
  return layers.flatMap((layer) => (layer instanceof tf.LayersModel ? leafLayers(layer.layers, `${prefix}${layer.name}/`) : [{ key: `${prefix}${layer.name}`, layer }]));
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/**
 * Builds the translated topology with stock TF.js (zero initializers, so nothing random) and pairs
 * each of its weights with the file's tensor for the same layer, in order, checking count and shape.
 */
async function matchWeights(file: string, topology: Json, weights: LayerWeights): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer; paths: string[] }> {
  let model: tf.LayersModel;
  await tf.ready(); // a backend must be up to build the model (Node tests may not have chosen one)
  try {
    model = await tf.models.modelFromJSON({ modelTopology: topology } as unknown as tf.io.ModelJSON);
  } catch (e) {
    throw new ModelFileError(file, `TF.js cannot build the converted model (${(e as Error).message}). Its layers or their options are not ones TF.js provides: simplify the model and save it again.`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const tensors: H5Tensor[] = [];
  try {
    const seen = new Set<string>();
    for (const { key, layer } of leafLayers(model.layers)) {
      seen.add(key);
      const expected = layer.weights;
      const found = weights.get(key) ?? [];
      const what = `layer "${key}" (${layer.getClassName()})`;
      if (found.length !== expected.length) {
        const need = expected.map((w) => `${w.originalName} ${shapeText(w.shape)}`).join(', ');
        throw new ModelFileError(file, `${what}: the file holds ${found.length} weight${found.length === 1 ? '' : 's'}${found.length ? ` (${found.map((t) => shapeText(t.shape)).join(', ')})` : ''}, but the layer needs ${expected.length}${need ? ` (${need})` : ''}. The weights are missing or from another model: build the model (call it once) and save it again.`);
      }
      expected.forEach((w, i) => {
        const t = found[i];
        if (t.shape.length !== w.shape.length || t.shape.some((d, j) => d !== w.shape[j])) {
          throw new ModelFileError(file, `${what}: its weight ${w.originalName} is ${shapeText(t.shape)} in the file (${t.path}), but the config makes it ${shapeText(w.shape)}. The config and the weights do not belong together: save the model again.`);
        }
        specs.push({ name: w.originalName, shape: [...t.shape], dtype: 'float32' });
        tensors.push(t);
      });
    }
    for (const [key, list] of weights) {
      if (!seen.has(key) && list.length) throw new ModelFileError(file, `the file holds weights for a layer "${key}" that the model config does not have. The config and the weights do not belong together: save the model again.`);
    }
  } finally {
    model.dispose();
  }
  const total = tensors.reduce((a, t) => a + t.values.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const t of tensors) { data.set(t.values, at); at += t.values.length; }
  return { specs, data: data.buffer, paths: tensors.map((t) => t.path) };
}

/** Translation with its faults named after the file (and the layer, for a KerasLayerFault). */
function translate(file: string, config: Json, kerasVersion: string): Json {
  const supported = new Set(Object.keys(tf.serialization.SerializationMap.getMap().classNameMap));
  try {
    const topology = translateModel(config, { kerasVersion, supported });
    return { ...topology, keras_version: kerasVersion, backend: 'tensorflow' };
  } catch (e) {
    if (e instanceof KerasLayerFault) throw new ModelFileError(file, e.message);
    throw new ModelFileError(file, `cannot be converted: ${(e as Error).message}. Save a Sequential or Functional model with model.save().`);
  }
}

/** Reads the weights with `read`, turning an unexpected fault of the config's shape into a message. */
function readWeights(file: string, read: () => LayerWeights): LayerWeights {
  try {
    return read();
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(file, `its weights do not match its config (${(e as Error).message}). Save the model again.`);
  }
}

async function finish(file: string, config: Json, kerasVersion: string, format: KerasFormat, weights: () => LayerWeights): Promise<KerasModel> {
  const modelTopology = translate(file, config, kerasVersion);
  const { specs, data, paths } = await matchWeights(file, modelTopology, readWeights(file, weights));
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology, format: 'layers-model', generatedBy: `keras v${kerasVersion}`, convertedBy: 'Compression Studio (Keras reader)',
    weightSpecs: specs, weightData: data,
  };
  return { artifacts, kerasVersion, format, kerasConfig: config, weightPaths: paths };
}

/**
 * Reads a Keras model file from its bytes: a `.keras` zip (Keras 3; tf.keras 2.13+), a legacy
 * `.h5` with its `model_config`, or — given `options.config` — a weights-only `*.weights.h5`.
 * `name` is the file's name, used in every message. Resolves to TF.js ModelArtifacts that stock
 * `tf.loadLayersModel(tf.io.fromMemory(artifacts))` builds; rejects with a ModelFileError.
 */
export async function readKerasFile(name: string, bytes: Uint8Array, options: ReadKerasOptions = {}): Promise<KerasModel> {
  if (isZip(bytes)) {
    const { config, weights, kerasVersion } = await unzipKeras(name, bytes);
    const h5 = new H5File(`${name} (model.weights.h5)`, weights);
    return finish(name, config, kerasVersion, 'keras3-zip', () => keras3Weights(h5, config));
  }
  if (!isHdf5(bytes)) {
    throw new ModelFileError(name, bytes.length === 0 ? 'is empty. Copy the file again.' : 'is neither a Keras .keras file (a zip) nor an HDF5 .h5 file. Open the model.keras or model.h5 that model.save() wrote (or a TF.js model.json with its .bin files).');
  }
  const h5 = new H5File(name, bytes);
  const modelConfig = h5.attr('', 'model_config');
  const version = String(h5.attr('', 'keras_version') ?? h5.attr('model_weights', 'keras_version') ?? 'unknown');
  if (typeof modelConfig === 'string') {
    const config = parseJson(name, 'model_config attribute', modelConfig);
    const root = h5.isGroup('model_weights') ? 'model_weights' : '';
    return finish(name, config, version, 'hdf5', () => legacyWeights(h5, root, config));
  }
  const legacy = h5.attr('', 'layer_names') !== undefined;
  if (!legacy && !h5.isGroup('layers') && !h5.isGroup('_layer_checkpoint_dependencies')) {
    throw new ModelFileError(name, 'is an HDF5 file but not a Keras model: it has no model_config attribute and no layer weights. Open the file that model.save("model.keras") or model.save("model.h5") wrote.');
  }
  if (!options.config) {
    throw new ModelFileError(name, 'holds only weights (no model_config): it was written by save_weights(). Open it together with the model\'s config (config.json), or save the whole model with model.save("model.keras").');
  }
  const config = options.config;
  return finish(name, config, legacy ? version : '3', 'weights-h5', () => (legacy ? legacyWeights(h5, '', config) : keras3Weights(h5, config)));
}

/**
 * The converted model as the files a TF.js user would have — model.json (one weights group) and
 * weights.bin — to feed the same checks (checkModelFiles, loadModelFiles) as a dropped TF.js model.
 */
export function kerasModelFiles(model: KerasModel): ModelFile[] {
  const { artifacts } = model;
  const json = {
    format: 'layers-model', generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy, modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  return [
    { name: 'model.json', bytes: jsonBytes.buffer.slice(jsonBytes.byteOffset, jsonBytes.byteOffset + jsonBytes.byteLength) as ArrayBuffer },
    { name: 'weights.bin', bytes: artifacts.weightData as ArrayBuffer },
  ];
}
