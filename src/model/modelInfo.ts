/**
 * What the studio shows about a loaded model — a layers model or a graph model: a layer table
 * (for a graph model, one row per weight tensor with the op that consumes it) and the exact
 * download size.
 * Sizes are bytes of the files as the user downloads them (model.json + weight shards), raw and
 * after gzip level 9 of each file (what a web server with gzip sends).
 */
import * as tf from '@tensorflow/tfjs';
import { gzipSync } from 'fflate';
import { isTfGraphModel, toClassifier } from './classifier';
import { graphNodes, weightUses } from './graphModel';
import { nonFiniteInShards, nonFiniteMessage } from './validateModel';
import { ModelFileError, checkModelFiles, toArtifacts, weightSpecBytes, type CheckedModelFiles, type ModelFile } from './modelFiles';
import { isGraphModel, loadTfModel, type ModelFormat, type TfModel } from './weights';
import { counter, within, type OnStep } from './progress';
import { float32WeightsRefusal } from './memoryBudget';

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

/** Bytes of every file, raw and gzip-9 each; `onStep` hears of each file before its gzip. */
export function measureSize(checked: CheckedModelFiles, onStep?: OnStep): ModelSize {
  const entries: [string, ArrayBuffer][] = [[checked.jsonName, checked.jsonBytes], ...checked.shards.entries()];
  const each = counter(onStep, entries.length, false);
  const files = entries.map(([name, bytes], i) => {
    each(i, `gzip -9 of ${name}`);
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

/** Zeros of a model's input shape with unknown dimensions as 1 (one sample). */
const probeInput = (inputShape: readonly number[]) => tf.zeros(inputShape.map((d) => (d > 0 ? d : 1)));

/** A TF.js error while building or running the model on zeros, as a ModelFileError naming the file and, where it can, the layer / node / weight. */
function buildError(e: unknown, checked: CheckedModelFiles): ModelFileError {
  if (e instanceof ModelFileError) return e;
  const message = (e as Error)?.message ?? String(e);
  const file = checked.jsonName;
  const fix = 'Export the model again with TF.js (model.save) or tensorflowjs_converter.';
  if (message.startsWith('the model has')) return new ModelFileError(file, message);
  const op = /Unknown op '([^']+)'/.exec(message)?.[1];
  if (op !== undefined) {
    const node = graphNodes(checked.json.modelTopology).find((n) => n.op === op)?.name ?? '?';
    return new ModelFileError(file, `graph node "${node}" uses the op "${op}", which TF.js does not support. Convert the model without it (or register it with tf.registerOp in your app).`);
  }
  const mismatch = /Shape mismatch: \[([\d,]*)\] vs\. \[([\d,]*)\]/.exec(message);
  if (mismatch) {
    const spec = checked.json.weightsManifest.flatMap((g) => g.weights).find((s) => s.shape.join(',') === mismatch[2]);
    const what = spec ? `the weights manifest's "${spec.name}" is [${mismatch[2]}]` : `the weights manifest holds [${mismatch[2]}]`;
    return new ModelFileError(file, `TF.js could not build the model: from the model's input shape it builds a kernel of [${mismatch[1]}], but ${what}, so the input shape does not fit that layer. Fix the input shape (batch_input_shape) or export the model again.`);
  }
  const unset = /(\d+) of (\d+) weights are not set: (.*)/.exec(message);
  if (unset) return new ModelFileError(file, `TF.js could not build the model: the weights manifest has no values for ${unset[3]}. The topology and the weights must come from the same model: export it again.`);
  if (/Invalid typed array length|Array buffer allocation failed|out of memory/i.test(message)) {
    return new ModelFileError(file, `TF.js could not build the model: its layers need more memory than the browser gives (${message}). Check its shapes: ${fix}`);
  }
  return new ModelFileError(file, `TF.js could not build the model: ${message}. ${fix}`);
}

/** A copy of a Keras topology with every `*_initializer` set to Zeros: building it costs no random numbers (as tf.loadLayersModel's fast weight init), since every weight is then set from the file. */
function zeroInitializers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(zeroInitializers);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.endsWith('_initializer') && typeof v === 'object' && v !== null ? { class_name: 'Zeros', config: {} } : zeroInitializers(v)]));
}

/**
 * Loads artifacts as tf.loadLayersModel / tf.loadGraphModel do, except that a layers model whose
 * weights do not fit its layers leaves no tensors behind (stock TF.js keeps the decoded weights
 * and the built variables when loadWeights throws).
 */
async function loadChecked(artifacts: tf.io.ModelArtifacts, onStep?: OnStep): Promise<TfModel> {
  if (isGraphModel(artifacts.format, artifacts.modelTopology)) return loadTfModel(artifacts);
  onStep?.(0, 'Building the layers');
  const model = await tf.models.modelFromJSON({ modelTopology: zeroInitializers(artifacts.modelTopology) } as tf.io.ModelJSON);
  onStep?.(0.4, `Decoding ${artifacts.weightSpecs?.length ?? 0} weight tensors`);
  const weights = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs ?? []);
  onStep?.(0.7, 'Setting the weights');
  try {
    model.loadWeights(weights, true);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(weights));
  }
  return model;
}

/** Builds the model with stock TF.js and runs it once on zeros of its input shape, so a model that cannot run is refused now, not at evaluation. */
async function buildAndProbe(checked: CheckedModelFiles, onStep?: OnStep): Promise<TfModel> {
  let model: TfModel | undefined;
  // A layers model that fails while its weights are set leaves the variables it built registered: dispose them.
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    model = await loadChecked(toArtifacts(checked), within(onStep, 0, 0.6));
    const built = model;
    onStep?.(0.6, 'Running the model once on zeros');
    const { inputShape } = toClassifier(built);
    // A layers model with unknown spatial dimensions cannot be probed with 1s (a 5×5 conv needs 5×5): built is enough.
    if (!isTfGraphModel(built) && inputShape.slice(1).some((d) => d < 1)) return built;
    tf.tidy(() => {
      const out = built.predict(probeInput(inputShape));
      if (Array.isArray(out) || !(out instanceof tf.Tensor)) throw new Error('the model has more than one output; the studio evaluates single-output classifiers');
    });
    return built;
  } catch (e) {
    model?.dispose();
    for (const [name, variable] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) variable.dispose();
    throw buildError(e, checked);
  }
}

/** How loadModelFiles treats NaN / Infinity weights: refuse (the page, compress) or report them (eval). */
export interface LoadOptions {
  nonFinite?: 'refuse' | 'report';
  /** Progress of the load: checking the files, NaN scan, building and probing the model, gzip of each file (0–1). */
  onStep?: OnStep;
}

/**
 * Validates the files, builds them with stock TF.js (tf.loadLayersModel or tf.loadGraphModel) and
 * runs the model once on zeros, and describes the result. NaN / Infinity weights are refused
 * (a ModelFileError naming each tensor and its count) unless `options.nonFinite` is 'report'.
 */
export async function loadModelFiles(files: ModelFile[], name: string, options: LoadOptions = {}): Promise<{ model: TfModel; info: ModelInfo; checked: CheckedModelFiles; nonFinite: { name: string; count: number }[] }> {
  const { onStep } = options;
  onStep?.(0, `Checking model.json and ${Math.max(0, files.length - 1)} weight files`);
  const checked = checkModelFiles(files, supportedLayerClasses());
  const tooBig = float32WeightsRefusal(checked.json.weightsManifest.flatMap((g) => g.weights));
  if (tooBig) throw new ModelFileError(checked.jsonName, tooBig);
  const graph = isGraphModel(checked.json.format, checked.json.modelTopology);
  const artifacts = toArtifacts(checked);
  onStep?.(0.02, 'Checking the weights for NaN and Infinity');
  const nonFinite = nonFiniteInShards(artifacts.weightSpecs ?? [], artifacts.weightData as ArrayBuffer);
  if (nonFinite.length && options.nonFinite !== 'report') throw new ModelFileError(checked.jsonName, nonFiniteMessage(nonFinite));
  const model = await buildAndProbe(checked, within(onStep, 0.05, 0.5));
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
    size: measureSize(checked, within(onStep, 0.5, 1)),
  };
  onStep?.(1, 'Model read');
  return { model, info, checked, nonFinite };
}
