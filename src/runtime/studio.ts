/**
 * The worker-side implementation of StudioApi: owns the TF.js model, the backend and the data
 * sets. Kept free of worker globals so tests call it directly; studio.worker.ts only exposes it.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { makeDataset, type Dataset, type DatasetEntry } from '../model/dataset';
import { loadModelFiles } from '../model/modelInfo';
import type { CheckedModelFiles, ModelFile } from '../model/modelFiles';
import { checkModelFiles, toArtifacts } from '../model/modelFiles';
import { runCompression, type CompressionSession } from '../model/compress/session';
import { EMPTY_PLAN, parsePlan, type CompressionPlan } from '../model/plan';
import { loadTfModel, partsFromArtifacts, type ModelParts, type TfModel } from '../model/weights';
import { supportedLayerClasses } from '../model/modelInfo';
import { registerWasmTrainingKernels } from '../model/train/wasmTrainingKernels';
import { selectBackend } from './backend';
import { evaluateModel } from './evaluate';
import { measureSensitivity } from './sensitivity';
import type { BackendChoice, BackendInfo, CompressOutcome, EvalOptions, EvalOutcome, EvalTarget, ExportFormat, LoadedModel, ModelSource, ProgressEvent, StudioApi } from './protocol';

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
  let model: TfModel | undefined;
  let checked: CheckedModelFiles | undefined;
  let parts: ModelParts | undefined;
  let session: CompressionSession | undefined;
  let compressedModel: TfModel | undefined;
  let latestCompressJob = 0;
  let sessionJob = -1;
  /** Builds the compressed model from its exported TF.js files, exactly as a user's app would load them (tf.loadLayersModel or tf.loadGraphModel). */
  const loadExported = (s: CompressionSession) => {
    const files = s.tfjs.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer as ArrayBuffer }));
    return loadTfModel(toArtifacts(checkModelFiles(files, supportedLayerClasses())));
  };
  const dropCompression = () => {
    compressedModel?.dispose();
    compressedModel = undefined;
    session = undefined;
  };
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
        const next = await loadTfModel(toArtifacts(checked));
        model.dispose();
        model = next;
      }
      if (session) {
        const next = await loadExported(session);
        compressedModel?.dispose();
        compressedModel = next;
      }
      return info;
    },

    async loadModel(source: ModelSource): Promise<LoadedModel> {
      const files = source.kind === 'url' ? await fetchModelFiles(source.url) : source.files;
      const loaded = await loadModelFiles(files, source.name);
      let nextParts: ModelParts;
      let baseline: CompressionSession;
      try {
        nextParts = partsFromArtifacts(toArtifacts(loaded.checked));
        baseline = runCompression(nextParts, EMPTY_PLAN);
      } catch (e) {
        loaded.model.dispose();
        throw e;
      }
      latestCompressJob++; // a compression of the previous model still queued must not install itself
      model?.dispose();
      dropCompression();
      model = loaded.model;
      checked = loaded.checked;
      parts = nextParts;
      return { ...loaded.info, compact: baseline.summary.sizes.compact };
    },

    async compress(job: number, plan: CompressionPlan): Promise<CompressOutcome> {
      if (!parts) throw new Error('no model is loaded');
      latestCompressJob = job;
      // Let queued messages in first: a newer compress or a cancel makes this one moot.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (job !== latestCompressJob || cancelled.has(job)) return { type: 'cancelled', job };
      const next = runCompression(parts, parsePlan(plan));
      const built = await loadExported(next);
      if (job !== latestCompressJob) {
        built.dispose();
        return { type: 'cancelled', job };
      }
      dropCompression();
      session = next;
      sessionJob = job;
      compressedModel = built;
      return { type: 'done', job, summary: next.summary };
    },

    clearCompression() {
      latestCompressJob++;
      dropCompression();
    },

    async exportModel(format: ExportFormat, job: number) {
      if (!session) throw new Error('nothing is compressed yet: move a control first');
      if (job !== sessionJob) throw new Error('the compression shown is not the one held; move a control again and export when it is measured');
      const bytes = format === 'compact' ? session.compact.slice() : session.tfjs.zip();
      return Comlink.transfer({ fileName: format === 'compact' ? 'model.cstu' : 'model-tfjs.zip', bytes }, [bytes.buffer]);
    },

    async evaluate(job: number, entry: DatasetEntry, baseUrl: string, options: EvalOptions, onProgress: (p: ProgressEvent) => void, target: EvalTarget = 'original'): Promise<EvalOutcome> {
      if (!model) throw new Error('no model is loaded');
      if (target === 'compressed' && !compressedModel) throw new Error('nothing is compressed yet');
      onProgress({ type: 'progress', job, phase: 'data', fraction: 0, message: `loading ${entry.name}` });
      const ds = await dataset(entry, baseUrl);
      const current = target === 'compressed' ? (compressedModel as TfModel) : model;
      let last = 0;
      try {
        return await evaluateModel(current, ds, options, {
          job,
          isCancelled: () => cancelled.has(job) || (current !== model && current !== compressedModel),
          onProgress: (phase, fraction, message) => {
            last = Math.max(last, fraction);
            onProgress({ type: 'progress', job, phase, fraction: last, message });
          },
        });
      } finally {
        cancelled.delete(job);
      }
    },

    async sensitivity(job, entry, baseUrl, request, onProgress) {
      if (!parts) throw new Error('no model is loaded');
      const ds = await dataset(entry, baseUrl);
      const current = parts;
      try {
        return await measureSensitivity(current, ds, request, {
          isCancelled: () => cancelled.has(job) || current !== parts,
          onProgress: (done, total, message) => onProgress({ type: 'progress', job, phase: 'accuracy', fraction: done / total, message }),
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
