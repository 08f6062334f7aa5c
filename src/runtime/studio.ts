/**
 * The worker-side implementation of StudioApi: owns the TF.js model, the backend and the data
 * sets. Kept free of worker globals so tests call it directly; studio.worker.ts only exposes it.
 * A model is validated, built and run once on zeros (loadModelFiles) before it replaces the one
 * held: a load that fails leaves the previous model, its parts and its compression untouched.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { checkPreprocessing, makeDataset, preprocessingOf, requireLabels, type Dataset, type DatasetEntry } from '../model/dataset';
import { fitDataset, imageInputShape } from '../model/data/imageFit';
import { toClassifier } from '../model/classifier';
import { importDataFiles, MAX_IMAGE_BYTES } from './importData';
import { loadModelFiles } from '../model/modelInfo';
import type { CheckedModelFiles, ModelFile } from '../model/modelFiles';
import { checkModelFiles, toArtifacts } from '../model/modelFiles';
import { isKerasFileName } from '../model/kerasFileName';
import { checkManifest } from '../model/validateModel';
import { compressUnmeasured, measureSizesOffThread, measureSizesStepwise, type CompressionSession } from '../model/compress/session';
import type { CompressOutput } from '../model/compress';
import { compressWithRecovery, type RecoveryCache } from '../model/train/recover';
import { EMPTY_PLAN, parsePlan } from '../model/plan';
import { needsTrainData } from '../model/planFields';
import { loadTfModel, partsFromArtifacts, type ModelParts, type TfModel } from '../model/weights';
import { supportedLayerClasses } from '../model/modelInfo';
import { registerWasmTrainingKernels } from '../model/train/wasmTrainingKernels';
import { selectBackend } from './backend';
import { deflatedLengthsOffThread } from './deflater';
import { evaluateModel } from './evaluate';
import { measureSensitivity } from './sensitivity';
import { measureStages } from './stages';
import type { KerasSource } from '../model/keras/writeKeras';
import { within } from '../model/progress';
import { zipStepwise } from '../model/export/zipStepwise';
import { CALIBRATION_BATCH, checkCaptureBatch, checkTrainingBatch, evaluationBatch, layerActivations } from '../model/memoryBudget';
import { trainingBatchSize } from '../model/train/batchSize';
import { needsCalibrationData, usesTaylorScores } from '../model/planFields';
import { memoryReport } from './memory';
import { LOAD_JOB, stepEvents } from './progressEvents';
import type { BackendChoice, BackendInfo, CompressedSizes, EvalOptions, EvalOutcome, EvalTarget, ExportFormat, KerasOrigin, LoadedModel, ModelSource, OpenedFiles, ProgressEvent, StudioApi } from './protocol';

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
}

/** Fetches a model.json and every shard it lists, as if the user had dropped them; `onStep` hears of each shard. */
async function fetchModelFiles(url: string, onStep?: (fraction: number, message: string) => void): Promise<ModelFile[]> {
  const jsonBytes = await fetchBytes(url);
  const files: ModelFile[] = [{ name: 'model.json', bytes: jsonBytes }];
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes)) as tf.io.ModelJSON;
  } catch {
    return files; // checkModelFiles reports the JSON error with the file name
  }
  try {
    checkManifest(json.weightsManifest); // paths inside the model's folder, lists where lists belong
  } catch {
    return files; // checkModelFiles names the manifest's fault
  }
  const base = new URL('.', new URL(url, globalThis.location?.href ?? 'http://localhost/'));
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  for (const [i, path] of paths.entries()) {
    onStep?.(i / paths.length, `Downloading ${path} (${i + 1}/${paths.length})`);
    files.push({ name: path, bytes: await fetchBytes(new URL(path, base).href) });
  }
  return files;
}

/**
 * Loads a model's files as loadModelFiles does; a Keras .keras / .h5 among them is first converted
 * to TF.js files (openKeras.ts), imported only then so the reader stays out of the worker's first load.
 */
async function loadFiles(files: ModelFile[], name: string, onStep?: (fraction: number, message: string) => void): Promise<Awaited<ReturnType<typeof loadModelFiles>> & { converted?: KerasOrigin; kerasSource?: KerasSource }> {
  const keras = files.filter((f) => isKerasFileName(f.name));
  if (keras.length === 0) return loadModelFiles(files, name, { onStep });
  onStep?.(0, `Converting ${keras[0].name} from Keras`);
  const { loadKerasFiles } = await import('../model/keras/openKeras');
  return loadKerasFiles(files, keras);
}

/**
 * The files a model was opened from (see OpenedFiles): a TF.js model's model.json and shards as
 * measured (`size`), or the Keras file dropped (plus its config.json when it holds weights only).
 */
export function openedFiles(files: readonly ModelFile[], size: LoadedModel['size'], converted: KerasOrigin | undefined): OpenedFiles {
  const used = converted
    ? files.filter((f) => isKerasFileName(f.name) || (converted.format === 'weights-h5' && f.name.toLowerCase().endsWith('.json')))
      .map((f) => ({ name: f.name, bytes: f.bytes.byteLength }))
    : size.files.map((f) => ({ name: f.name, bytes: f.bytes }));
  return { kind: converted ? 'keras' : 'tfjs', bytes: used.reduce((a, f) => a + f.bytes, 0), files: used };
}

export function createStudio(): StudioApi {
  let model: TfModel | undefined;
  let checked: CheckedModelFiles | undefined;
  let parts: ModelParts | undefined;
  /** What the .keras export needs of the Keras file the loaded model came from (undefined for a TF.js model). */
  let kerasSource: KerasSource | undefined;
  let session: CompressionSession | undefined;
  let compressedModel: TfModel | undefined;
  let latestCompressJob = 0;
  let sessionJob = -1;
  /** The gzip/zip measurement of a compression, running on another thread while the model is evaluated. */
  let sizing: { job: number; promise: Promise<CompressedSizes | undefined>; cancel(): void } | undefined;
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
  /** Data sets resized/converted to a model's input shape, per source set and shape. */
  const fitted = new WeakMap<Dataset, Map<string, Dataset>>();
  /** The original model's outputs on the last data it was evaluated on (fidelity compares with them). */
  let reference: { key: string; outputs: Float32Array } | undefined;
  /**
   * `entry`'s samples as `target` consumes them: fitted to its input shape (bilinear, channel
   * conversion) and preprocessed by the entry's scale/mean/std (which the page may have edited).
   */
  const prepared = async (entry: DatasetEntry, baseUrl: string, target: TfModel): Promise<Dataset> => {
    const source = await dataset(entry, baseUrl);
    const shape = imageInputShape(toClassifier(target).inputShape);
    let byShape = fitted.get(source);
    if (!byShape) fitted.set(source, (byShape = new Map()));
    const key = shape.join('×');
    let fit = byShape.get(key);
    if (!fit) {
      const bytes = source.entry.count * shape[0] * shape[1] * shape[2];
      if (bytes > MAX_IMAGE_BYTES) {
        throw new Error(`${entry.name}: ${source.entry.count.toLocaleString('en-US')} samples at the model's ${key} input would take ${Math.round(bytes / 2 ** 20)} MiB; use a smaller data set (at most ${Math.floor(MAX_IMAGE_BYTES / (shape[0] * shape[1] * shape[2])).toLocaleString('en-US')} samples)`);
      }
      byShape.set(key, (fit = fitDataset(source, shape)));
    }
    const preprocessing = checkPreprocessing(preprocessingOf(entry), shape[2]);
    return { ...fit, entry: { ...fit.entry, name: entry.name, scale: preprocessing.scale, mean: preprocessing.mean, std: preprocessing.std } };
  };
  /** The last recovery's stage-1 weights and the original's outputs on its data (same model, backend and data). */
  let tuneCache: RecoveryCache = {};
  /** Bumped whenever the loaded model changes, so outputs of an earlier model never serve as the reference. */
  let modelGeneration = 0;
  const referenceKey = (ds: Dataset) => JSON.stringify([ds.entry.id, ds.entry.shape, preprocessingOf(ds.entry), tf.getBackend(), modelGeneration]);
  const cancelled = new Set<number>();
  registerWasmTrainingKernels();

  const dataset = (entry: DatasetEntry, baseUrl: string) => {
    let p = datasets.get(entry.id);
    if (!p) {
      const labelsUrl = entry.labels ? new URL(entry.labels, baseUrl).href : undefined;
      p = Promise.all([fetchBytes(new URL(entry.images, baseUrl).href), labelsUrl ? fetchBytes(labelsUrl) : undefined])
        .then(([images, labels]) => makeDataset(entry, new Uint8Array(images), labels ? new Uint8Array(labels) : undefined));
      p.catch(() => datasets.delete(entry.id));
      datasets.set(entry.id, p);
    }
    return p;
  };

  const api: StudioApi = {
    init: (choice: BackendChoice) => api.setBackend(choice),

    async setBackend(choice: BackendChoice): Promise<BackendInfo> {
      const info = await selectBackend(choice);
      reference = undefined;
      tuneCache = {}; // weights trained on another backend differ in the last bits: train again
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

    async loadModel(source: ModelSource, onProgress?: (p: ProgressEvent) => void): Promise<LoadedModel> {
      // Shares of the load (measured on a 20 M-parameter model: reading and building ≈ 45 %, the float32 baseline's export and sizes the rest).
      const step = stepEvents(onProgress, LOAD_JOB, 'loading');
      const files = source.kind === 'url' ? await fetchModelFiles(source.url, within(step, 0, 0.1)) : source.files;
      const loaded = await loadFiles(files, source.name, within(step, source.kind === 'url' ? 0.1 : 0, 0.5));
      let nextParts: ModelParts;
      let baseline: CompressionSession;
      try {
        step?.(0.5, 'Decoding the weights to float32');
        nextParts = partsFromArtifacts(toArtifacts(loaded.checked));
        // The uncompressed model written and measured (as runCompression, its DEFLATE lengths on the DEFLATE worker file by file): the float32 and compact references.
        baseline = compressUnmeasured(nextParts, EMPTY_PLAN, undefined, within(step, 0.55, 0.8));
        const sizes = await measureSizesStepwise(baseline, deflatedLengthsOffThread, within(step, 0.8, 1));
        if (!sizes) throw new Error('measuring the model\'s sizes was cancelled');
        baseline.summary.sizes = sizes;
      } catch (e) {
        loaded.model.dispose();
        throw e;
      }
      latestCompressJob++; // a compression of the previous model still queued must not install itself
      reference = undefined;
      modelGeneration++;
      tuneCache = {};
      model?.dispose();
      dropCompression();
      model = loaded.model;
      checked = loaded.checked;
      parts = nextParts;
      kerasSource = loaded.kerasSource;
      const info: LoadedModel = {
        ...loaded.info, name: source.name, compact: baseline.summary.sizes.compact,
        opened: openedFiles(files, loaded.info.size, loaded.converted),
        // The uncompressed plan writes every weight as float32 (a uint8 model's dequantized): the float32 reference, measured.
        float32: { raw: baseline.summary.sizes.tfjs.raw, gzip: baseline.summary.sizes.tfjs.gzip },
      };
      if (loaded.converted) info.converted = loaded.converted;
      return info;
    },

    async compress(job, plan, train, onProgress) {
      const staged = await api.compressStaged(job, plan, train, onProgress);
      if (staged.type !== 'done') return staged;
      const sizes = await api.compressedSizes(job);
      return sizes ? { ...staged, summary: { ...staged.summary, sizes } } : { type: 'cancelled', job };
    },

    clearCompression() {
      latestCompressJob++;
      dropCompression();
    },

    async exportModel(format: ExportFormat, job: number, onProgress?: (p: ProgressEvent) => void) {
      const step = stepEvents(onProgress, job, 'exporting');
      if (!session) throw new Error('nothing is compressed yet: move a control first');
      if (job !== sessionJob) throw new Error('the compression shown is not the one held; move a control again and export when it is measured');
      if (format === 'keras') {
        if (!kerasSource) throw new Error('the Keras export writes the compressed weights back into the Keras file the model came from, and this model was not opened from a .keras / .h5 file; use the TF.js or compact export');
        const { writeKerasFile, decodeArtifactsWeights } = await import('../model/keras/writeKeras');
        const files = session.tfjs.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer as ArrayBuffer }));
        const weights = decodeArtifactsWeights(toArtifacts(checkModelFiles(files, supportedLayerClasses())));
        step?.(0, 'Writing the Keras file');
        const written = await writeKerasFile(kerasSource, weights);
        step?.(1, `Keras file written (${written.bytes.length.toLocaleString('en-US')} bytes)`);
        return Comlink.transfer({ fileName: written.fileName, bytes: written.bytes }, [written.bytes.buffer]);
      }
      const files = session.tfjs.files;
      step?.(0, format === 'compact' ? 'Copying the compact file' : `Zipping ${files.length} TF.js files (${files.reduce((a, f) => a + f.bytes.length, 0).toLocaleString('en-US')} bytes, DEFLATE level 9)`);
      // The zip file by file when someone listens (the same bytes as session.tfjs.zip()).
      const bytes = format === 'compact' ? session.compact.slice() : step ? zipStepwise(files, step) : session.tfjs.zip();
      step?.(1, `${format === 'compact' ? 'model.cstu' : 'model-tfjs.zip'}: ${bytes.length.toLocaleString('en-US')} bytes`);
      return Comlink.transfer({ fileName: format === 'compact' ? 'model.cstu' : 'model-tfjs.zip', bytes }, [bytes.buffer]);
    },

    async evaluate(job: number, entry: DatasetEntry, baseUrl: string, options: EvalOptions, onProgress: (p: ProgressEvent) => void, target: EvalTarget = 'original'): Promise<EvalOutcome> {
      if (!model) throw new Error('no model is loaded');
      if (target === 'compressed' && !compressedModel) throw new Error('nothing is compressed yet');
      onProgress({ type: 'progress', job, phase: 'data', fraction: 0, message: `loading ${entry.name}` });
      const original = model;
      const current = target === 'compressed' ? (compressedModel as TfModel) : original;
      const ds = await prepared(entry, baseUrl, current);
      const isCancelled = () => cancelled.has(job) || (current !== model && current !== compressedModel);
      // A big input lowers the batch so one batch's activations fit (model/memoryBudget.ts), and says so.
      if (current instanceof tf.LayersModel) {
        const sized = evaluationBatch(options.batchSize ?? 250, layerActivations(current.layers), 'the model');
        if (sized.note) onProgress({ type: 'progress', job, phase: 'data', fraction: 0, message: sized.note });
        options = { ...options, batchSize: sized.batch };
      }
      let last = 0;
      try {
        const key = referenceKey(ds);
        let ref = target === 'compressed' && reference?.key === key ? reference.outputs : undefined;
        if (target === 'compressed' && !ref) {
          // The original's outputs on these inputs are not at hand (new data or preprocessing): compute them.
          onProgress({ type: 'progress', job, phase: 'data', fraction: 0, message: 'original model outputs' });
          const r = await evaluateModel(original, ds, { ...options, latencyRuns: 1, warmupRuns: 0, throughputBatch: 1 }, { job, isCancelled, onOutputs: (o) => { ref = o; } });
          if (r.type !== 'done') return r;
          reference = { key, outputs: ref as unknown as Float32Array };
        }
        const result = await evaluateModel(current, ds, options, {
          job,
          isCancelled,
          reference: ref,
          onOutputs: target === 'original' ? (outputs) => { reference = { key, outputs }; } : undefined,
          onProgress: (phase, fraction, message) => {
            last = Math.max(last, fraction);
            onProgress({ type: 'progress', job, phase, fraction: last, message });
          },
        });
        // The original compared with itself: full agreement, no divergence.
        if (result.type === 'done' && target === 'original') result.fidelity = { agreement: 1, meanKl: 0 };
        return result;
      } finally {
        cancelled.delete(job);
      }
    },

    async importData(job, id, name, files, target, onProgress) {
      try {
        const data = await importDataFiles(id, name, files, target, {
          isCancelled: () => cancelled.has(job),
          onProgress: (done, total) => onProgress({ type: 'progress', job, phase: 'data', fraction: done / total, message: `decoding image ${done}/${total}` }),
        });
        if (!data) return undefined;
        datasets.set(id, Promise.resolve(data.dataset));
        if (reference && JSON.parse(reference.key)[0] === id) reference = undefined;
        return { entry: data.dataset.entry, notes: data.notes, kind: data.kind };
      } finally {
        cancelled.delete(job);
      }
    },

    async sensitivity(job, entry, baseUrl, request, onProgress) {
      if (!parts || !model) throw new Error('no model is loaded');
      // The same samples, fitting and preprocessing as evaluation uses.
      const ds = await prepared(entry, baseUrl, model);
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

    async memory() {
      const params = parts ? parts.weights.reduce((a, w) => a + w.values.length, 0) : 0;
      // The model's files as opened, its decoded weights, and the compression's weights and export files.
      return memoryReport(params, checked?.shards, checked?.jsonBytes, parts?.weights, session && [session.parts.weights, session.compressed.tensors, session.tfjs.files, session.compact]);
    },

    async compressStaged(job, plan, train, onProgress) {
      if (!parts || !model) throw new Error('no model is loaded');
      latestCompressJob = job;
      // Let queued messages in first: a newer compress or a cancel makes this one moot.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const stale = () => job !== latestCompressJob || cancelled.has(job);
      if (stale()) return { type: 'cancelled', job };
      const checked = parsePlan(plan);
      let out: CompressOutput | undefined;
      if ((checked.finetune || checked.distill || usesTaylorScores(checked)) && model instanceof tf.LayersModel) {
        // Backprop at a big input can exceed a tab's memory: refused with the numbers (model/memoryBudget.ts).
        checkTrainingBatch(trainingBatchSize(tf.getBackend()), layerActivations(model.layers), 'the model', checked.finetune ? 'fine-tuning' : checked.distill ? 'distillation' : 'Taylor scoring');
      } else if (needsCalibrationData(checked) && model instanceof tf.LayersModel) {
        checkCaptureBatch(CALIBRATION_BATCH, layerActivations(model.layers), 'the model');
      }
      if (needsTrainData(checked)) {
        // Recovery trains on the chosen data, fitted and preprocessed as the model consumes it; fine-tuning needs its labels.
        const source = train ? await prepared(train.entry, train.baseUrl, model) : undefined;
        if (checked.finetune && source) requireLabels(source);
        let last = 0;
        let sum = { loss: 0, agree: 0, n: 0 };
        out = await compressWithRecovery(parts, checked, source, {
          isCancelled: stale,
          onProgress: async (done, total, message, metrics) => {
            if (metrics) sum = { loss: sum.loss + metrics.loss, agree: sum.agree + metrics.agreement, n: sum.n + 1 };
            // A training step takes tens of ms: every few, report (with the mean figures since the last report) and let a cancel or a newer move in.
            if (done % 4 !== 0 && done !== total) return;
            const fraction = Math.max(last, done / total);
            const training = metrics && sum.n ? { stage: metrics.stage, step: done, steps: total, loss: sum.loss / sum.n, agreement: sum.agree / sum.n } : undefined;
            if (fraction - last >= 0.01 || done === total || training) {
              last = fraction;
              onProgress?.({ type: 'progress', job, phase: 'training', fraction, message, ...(training ? { training } : {}) });
              sum = { loss: 0, agree: 0, n: 0 };
            }
            await new Promise((resolve) => setTimeout(resolve, 0));
          },
        }, tuneCache);
        if (!out || stale()) {
          cancelled.delete(job);
          return { type: 'cancelled', job };
        }
      }
      // Step progress (per layer, per tensor written), then building the model from its export: about 85 % / 15 % on a 20 M-parameter model.
      const step = stepEvents(onProgress, job, 'compressing');
      const next = compressUnmeasured(parts, checked, out, within(step, 0, 0.85));
      step?.(0.85, 'Building the compressed model from its TF.js files');
      // The DEFLATE lengths take another core while this one loads and evaluates the model.
      sizing?.cancel();
      const measuring = measureSizesOffThread(next, deflatedLengthsOffThread);
      sizing = { job, ...measuring };
      const built = await loadExported(next);
      // Cancelled or superseded while it was built: it must not become the compression held.
      if (stale()) {
        built.dispose();
        measuring.cancel();
        cancelled.delete(job);
        return { type: 'cancelled', job };
      }
      dropCompression();
      session = next;
      sessionJob = job;
      compressedModel = built;
      step?.(1, 'Compressed');
      return { type: 'done', job, summary: next.summary };
    },

    async compressedSizes(job: number): Promise<CompressedSizes | undefined> {
      if (sizing?.job !== job) return undefined;
      const sizes = await sizing.promise;
      if (!sizes || job !== sessionJob || !session) return undefined;
      session.summary.sizes = sizes;
      return sizes;
    },

    async stages(job, plan, entry, baseUrl, options, onProgress) {
      if (!parts || !model) throw new Error('no model is loaded');
      const held = session;
      const final = compressedModel;
      if (!held || !final || JSON.stringify(parsePlan(plan)) !== JSON.stringify(held.summary.plan)) {
        throw new Error('the stage view shows the compression held, and it is not this plan\'s yet: wait until the plan is measured, then show the stages again');
      }
      const ds = await prepared(entry, baseUrl, model);
      try {
        return await measureStages(parts, held.summary.plan, { ...held, exportedBytes: held.compact.length }, { original: model, final }, ds, options.limit, {
          isCancelled: () => cancelled.has(job) || held !== session || final !== compressedModel,
          onProgress: (done, total, message) => onProgress({ type: 'progress', job, phase: 'accuracy', fraction: done / total, message }),
        });
      } finally {
        cancelled.delete(job);
      }
    },
  };
  return api;
}
