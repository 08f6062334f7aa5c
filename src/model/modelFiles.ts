/**
 * Checks a user's dropped files before TF.js sees them: finds model.json, refuses JSON nested
 * deeper than any model, parses it, and verifies (validateModel.ts) that its weights manifest is
 * well formed — paths beside model.json, unique weight names, whole non-negative dimensions,
 * readable dtypes, a bounded size — and that it is a TF.js layers model whose layer classes TF.js
 * provides, whose units / filters and input shape fit its weights and whose weights belong to its
 * layers; or a TF.js graph model (from tensorflowjs_converter) whose GraphDef nodes are well formed,
 * acyclic, without dangling inputs, with float32 kernels and a node for every weight; and that the
 * weight shards are present and exactly as large as the manifest requires. (Building the model and
 * running it once is loadModelFiles' part, in modelInfo.ts.) Every failure is a ModelFileError
 * naming the file and the fault, with what to do about it.
 */
import type * as tf from '@tensorflow/tfjs';
import { checkGraphStructure, graphNodes, GraphFault } from './graphModel';
import { checkJsonDepth, checkLayersTopology, checkManifest, checkTopologyType, layerConfigs, ModelJsonFault, weightSpecBytes } from './validateModel';
import { extrasOf, isGraphModel } from './weights';

/** One dropped file: its name (or relative path within a dropped folder) and its bytes. */
export interface ModelFile {
  name: string;
  bytes: ArrayBuffer;
}

/** A fault in the user's files: `file` is the name to show, `message` says what is wrong and what to do. */
export class ModelFileError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ModelFileError';
    this.file = file;
  }
}

/** The validated pieces: the parsed model.json, its raw bytes, and each manifest path's file bytes. */
export interface CheckedModelFiles {
  jsonName: string;
  json: tf.io.ModelJSON;
  jsonBytes: ArrayBuffer;
  shards: Map<string, ArrayBuffer>;
}

/** The file name of a path (what follows the last "/"). */
export const baseName = (path: string) => path.split('/').pop() ?? path;

export { weightSpecBytes };

/** Every layer of a Keras/TF.js topology, descending into nested Sequential/Functional models. */
export function topologyLayers(topology: unknown): { name: string; className: string }[] {
  return layerConfigs(topology).map(({ name, className }) => ({ name, className }));
}

/** A graph model's GraphDef: a non-empty node list of named ops, unique names, and a node for every weight. */
function checkGraph(file: string, json: tf.io.ModelJSON): void {
  const fix = 'Convert the model again with tensorflowjs_converter.';
  if (!Array.isArray((json.modelTopology as { node?: unknown }).node)) throw new ModelFileError(file, `is a TF.js graph model without a "node" list in its modelTopology. ${fix}`);
  const nodes = graphNodes(json.modelTopology);
  if (nodes.length === 0) throw new ModelFileError(file, `is a TF.js graph model with no nodes. ${fix}`);
  const names = new Set<string>();
  nodes.forEach((n, i) => {
    if (typeof n?.name !== 'string' || typeof n.op !== 'string' || !n.name || !n.op) throw new ModelFileError(file, `graph node ${i + 1} has no name or no op. ${fix}`);
    if (names.has(n.name)) throw new ModelFileError(file, `two graph nodes are called "${n.name}". ${fix}`);
    names.add(n.name);
  });
  if (!nodes.some((n) => n.op.startsWith('Placeholder'))) throw new ModelFileError(file, `the graph has no input (no Placeholder node). ${fix}`);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  for (const spec of specs) {
    if (!names.has(spec.name)) throw new ModelFileError(file, `the weights manifest lists "${spec.name}", but no graph node has that name. ${fix}`);
  }
  checkGraphStructure(json.modelTopology, specs);
}

/**
 * Validates dropped files and returns the model.json and its shards.
 * @param supportedClasses layer class names TF.js can deserialise (from its serialization map).
 */
export function checkModelFiles(files: ModelFile[], supportedClasses: ReadonlySet<string>): CheckedModelFiles {
  if (files.length === 0) throw new ModelFileError('(no files)', 'nothing was dropped. Drop model.json together with its .bin weight files, or their folder.');
  const jsonFiles = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const names = files.map((f) => baseName(f.name)).join(', ');
  if (jsonFiles.length === 0) {
    throw new ModelFileError(names, 'no model.json among the dropped files. A TF.js model is a model.json plus its .bin weight files: drop them together (or drop a Keras .keras / .h5 file).');
  }
  const jsonFile = jsonFiles.find((f) => baseName(f.name) === 'model.json') ?? (jsonFiles.length === 1 ? jsonFiles[0] : undefined);
  if (!jsonFile) throw new ModelFileError(jsonFiles.map((f) => f.name).join(', '), 'several .json files and none is called model.json: drop one model at a time.');
  const file = baseName(jsonFile.name);

  let json: tf.io.ModelJSON;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(jsonFile.bytes);
  } catch (e) {
    throw new ModelFileError(file, `is not valid JSON (${(e as Error).message}). Export the model again with TF.js or tensorflowjs_converter.`);
  }
  let groupBytes: number[];
  try {
    checkJsonDepth(text);
    try {
      json = JSON.parse(text) as tf.io.ModelJSON;
    } catch (e) {
      throw new ModelFileError(file, `is not valid JSON (${(e as Error).message}). Export the model again with TF.js or tensorflowjs_converter.`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelFileError(file, 'is JSON but not a TF.js model (expected an object with modelTopology and weightsManifest).');
    if (!('modelTopology' in json) || json.modelTopology === undefined || json.modelTopology === null) throw new ModelFileError(file, 'is not a TF.js model: it has no "modelTopology". Export it with model.save() or tensorflowjs_converter.');
    checkTopologyType(json.modelTopology);
    if (!Array.isArray(json.weightsManifest)) throw new ModelFileError(file, 'is not a TF.js model: it has no "weightsManifest" list.');
    groupBytes = checkManifest(json.weightsManifest);
    if (isGraphModel(json.format, json.modelTopology)) checkGraph(file, json);
    else {
      for (const layer of topologyLayers(json.modelTopology)) {
        if (!supportedClasses.has(layer.className)) {
          throw new ModelFileError(file, `layer "${layer.name}" has class "${layer.className}", which TF.js does not provide. Custom layers are not supported: replace it with built-in layers and export again.`);
        }
      }
      checkLayersTopology(json.modelTopology, json.weightsManifest.flatMap((g) => g.weights));
    }
  } catch (e) {
    if (e instanceof ModelJsonFault || e instanceof GraphFault) throw new ModelFileError(file, e.message);
    throw e;
  }

  const byName = new Map(files.map((f) => [baseName(f.name), f.bytes]));
  const shards = new Map<string, ArrayBuffer>();
  json.weightsManifest.forEach((group, g) => {
    const expected = groupBytes[g];
    let present = 0;
    for (const path of group.paths) {
      const bytes = byName.get(baseName(path));
      if (!bytes) {
        throw new ModelFileError(baseName(path), `model.json lists this weight file, but it was not dropped (dropped: ${names}). Drop it together with model.json.`);
      }
      shards.set(path, bytes);
      present += bytes.byteLength;
    }
    if (present !== expected) {
      throw new ModelFileError(group.paths.map(baseName).join(' + '),
        `holds ${present} bytes, but model.json's weights manifest (group ${g + 1}) needs ${expected}. The shard is truncated, corrupt or from another model: export the model again.`);
    }
  });
  return { jsonName: file, json, jsonBytes: jsonFile.bytes, shards };
}

/** Joins a checked model's shards into TF.js ModelArtifacts, in manifest order. */
export function toArtifacts(checked: CheckedModelFiles): tf.io.ModelArtifacts {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of checked.json.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) parts.push(new Uint8Array(checked.shards.get(path) as ArrayBuffer));
  }
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) { data.set(p, offset); offset += p.byteLength; }
  return {
    modelTopology: checked.json.modelTopology,
    format: checked.json.format,
    generatedBy: checked.json.generatedBy,
    convertedBy: checked.json.convertedBy,
    weightSpecs: specs,
    weightData: data.buffer,
    ...extrasOf(checked.json),
  } as tf.io.ModelArtifacts;
}
