/**
 * The worker-side implementation of StudioApi: owns the TF.js model, the backend and the data
 * sets. Kept free of worker globals so tests call it directly; studio.worker.ts only exposes it.
 */
import * as tf from '@tensorflow/tfjs';
import { makeDataset, type Dataset, type DatasetEntry } from '../model/dataset';
import { loadModelFiles } from '../model/modelInfo';
import type { CheckedModelFiles, ModelFile } from '../model/modelFiles';
import { toArtifacts } from '../model/modelFiles';
import { registerWasmTrainingKernels } from '../model/train/wasmTrainingKernels';
import { selectBackend } from './backend';
import { evaluateModel } from './evaluate';
import type { BackendChoice, BackendInfo, EvalOptions, EvalOutcome, ModelSource, ProgressEvent, StudioApi } from './protocol';

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
}

/** Fetches a model.json and every shard it lists, as if the user had dropped them. */
async function fetchModelFiles(url: string): Promise<ModelFile[]> {
  const jsonBytes = await fetchBytes(url);
  const files: ModelFile[] = [{ name: 'model.json', bytes: jsonBytes }];
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes)) as tf.io.ModelJSON;
  } catch {
    return files; // checkModelFiles reports the JSON error with the file name
  }
  const base = new URL('.', new URL(url, globalThis.location?.href ?? 'http://localhost/'));
  for (const group of json.weightsManifest ?? []) {
    for (const path of group.paths) files.push({ name: path, bytes: await fetchBytes(new URL(path, base).href) });
  }
  return files;
}

export function createStudio(): StudioApi {
  let model: tf.LayersModel | undefined;
  let checked: CheckedModelFiles | undefined;
  const datasets = new Map<string, Promise<Dataset>>();
  const cancelled = new Set<number>();
  registerWasmTrainingKernels();

  const dataset = (entry: DatasetEntry, baseUrl: string) => {
    let p = datasets.get(entry.id);
    if (!p) {
      p = Promise.all([fetchBytes(new URL(entry.images, baseUrl).href), fetchBytes(new URL(entry.labels, baseUrl).href)])
        .then(([images, labels]) => makeDataset(entry, new Uint8Array(images), new Uint8Array(labels)));
      p.catch(() => datasets.delete(entry.id));
      datasets.set(entry.id, p);
    }
    return p;
  };

  const api: StudioApi = {
    init: (choice: BackendChoice) => api.setBackend(choice),

    async setBackend(choice: BackendChoice): Promise<BackendInfo> {
      const info = await selectBackend(choice);
      // Variables belong to the backend they were made on: rebuild the model on the new one.
      if (checked && model) {
        const next = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(checked)));
        model.dispose();
        model = next;
      }
      return info;
    },

    async loadModel(source: ModelSource) {
      const files = source.kind === 'url' ? await fetchModelFiles(source.url) : source.files;
      const loaded = await loadModelFiles(files, source.name);
      model?.dispose();
      model = loaded.model;
      checked = loaded.checked;
      return loaded.info;
    },

    async evaluate(job: number, entry: DatasetEntry, baseUrl: string, options: EvalOptions, onProgress: (p: ProgressEvent) => void): Promise<EvalOutcome> {
      if (!model) throw new Error('no model is loaded');
      onProgress({ type: 'progress', job, phase: 'data', fraction: 0, message: `loading ${entry.name}` });
      const ds = await dataset(entry, baseUrl);
      const current = model;
      let last = 0;
      try {
        return await evaluateModel(current, ds, options, {
          job,
          isCancelled: () => cancelled.has(job) || current !== model,
          onProgress: (phase, fraction, message) => {
            last = Math.max(last, fraction);
            onProgress({ type: 'progress', job, phase, fraction: last, message });
          },
        });
      } finally {
        cancelled.delete(job);
      }
    },

    cancel(job: number) {
      cancelled.add(job);
    },
  };
  return api;
}
