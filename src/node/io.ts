/**
 * Node-side I/O for scripts and tests: bundled data sets from public/data and TF.js layers models
 * from/to folders (model.json + weights.bin) through TF.js's own IOHandler shape, since
 * `file://` URLs do not work with @tensorflow/tfjs (only with tfjs-node, which cannot be installed).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeDataset, parseDatasetEntry, type DatasetEntry, type LabelledDataset } from '../model/dataset';
import { extrasOf } from '../model/weights';
import { registerWasmTrainingKernels } from '../model/train/wasmTrainingKernels';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PUBLIC = join(ROOT, 'public');

/** Selects the wasm backend (with the gradient kernels it lacks) and silences the tfjs-node hint. */
export async function useWasm(): Promise<void> {
  registerWasmTrainingKernels();
  tf.env().set('IS_NODE', tf.env().get('IS_NODE'));
  if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend');
  await tf.ready();
}

export function datasetCatalog(): DatasetEntry[] {
  const raw = JSON.parse(readFileSync(join(PUBLIC, 'data', 'catalog.json'), 'utf8')) as unknown[];
  return raw.map((e) => parseDatasetEntry(e, 'public/data/catalog.json'));
}

/** Loads a catalog split by id (e.g. "mnist-val"), or by data-set group and split name. */
export function readDataset(id: string, split?: string): LabelledDataset {
  const entry = datasetCatalog().find((e) => (split ? e.dataset === id && e.split === split : e.id === id));
  if (!entry) throw new Error(`no data set "${id}"${split ? ` split "${split}"` : ''} in public/data/catalog.json (run npm run data)`);
  const images = new Uint8Array(readFileSync(join(PUBLIC, entry.images)));
  if (!entry.labels) throw new Error(`${entry.id} in public/data/catalog.json has no labels file`);
  const labels = new Uint8Array(readFileSync(join(PUBLIC, entry.labels)));
  return makeDataset(entry, images, labels);
}

/** Reads a model folder's model.json (layers or graph model) and its weight shards into TF.js ModelArtifacts. */
export function readArtifacts(modelJsonPath: string): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) buffers.push(readFileSync(join(dirname(modelJsonPath), path)));
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    ...extrasOf(json),
  } as tf.io.ModelArtifacts;
}

/** Saves a layers model as <dir>/model.json + <dir>/weights.bin (one shard), as TF.js would. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData as ArrayBuffer;
    const modelJson = {
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(data));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
  }));
}
