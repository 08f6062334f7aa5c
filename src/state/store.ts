/**
 * The studio's one store: what is loaded, what runs, what was measured. Components read it and
 * call its actions; only these actions talk to the worker (through runtime/client).
 */
import { create } from 'zustand';
import { parseModelCatalog, type CatalogModel } from '../model/catalog';
import { checkPreprocessing, parseDatasetEntry, preprocessingOf, type DatasetEntry, type Preprocessing } from '../model/dataset';
import { isDataDrop } from '../model/data/userData';
import { imageInputShape } from '../model/data/imageFit';
import type { CompressedSummary } from '../model/compress/session';
import type { CompressionPlan } from '../model/plan';
import type { ModelFile } from '../model/modelFiles';
import { onWorkerCrash, proxy, restartStudio, studio, WorkerRestartedError } from '../runtime/client';
import type { BackendChoice, BackendInfo, DataFile, EvalOptions, EvalResult, ExportFormat, LoadedModel, ModelSource, ProgressEvent, SensitivityRequest, SensitivityResult } from '../runtime/protocol';
import { autoPlan, type AutoTarget } from './auto';
import { reportCsv, reportJson } from './report';
import { saveBlob } from './saveBlob';
import { sweepGrid } from './pareto';
import { readUrlSettings, writeUrlSettings } from './urlState';
import { describePlan } from '../model/describePlan';

/**
 * One evaluated model on the chart. Sizes in bytes of the export files (compact file and TF.js
 * files), latency in ms, accuracy in [0, 1]. Baselines are the loaded models as they are.
 */
export interface ChartPoint {
  id: number;
  kind: 'baseline' | 'compressed' | 'sweep';
  label: string;
  modelName: string;
  /** top-1 accuracy, or (metric 'agreement', unlabelled data) top-1 agreement with the original */
  accuracy: number;
  metric: 'accuracy' | 'agreement';
  /** mean KL(original ‖ this) in nats on the same inputs, when measured */
  meanKl?: number;
  compactBytes: number;
  tfjsBytes: number;
  gzipBytes: number;
  latencyMs: number;
  backend: string;
  dataset: string;
  /** the data's preprocessing when measured (preprocessingKey): points of other preprocessing are not compared */
  preprocessing?: string;
  plan?: CompressionPlan;
}

/** Which export's bytes the chart's size axis shows. */
export type SizeFormat = 'compact' | 'tfjs';

/** A running or finished sweep: cells done of total, and when it started (ms since epoch). */
export interface SweepState {
  done: number;
  total: number;
  startedAt: number;
  running: boolean;
  message: string;
  /** estimated seconds left, from the mean time per finished cell */
  secondsLeft?: number;
}

export type Theme = 'system' | 'light' | 'dark';

export interface StudioError {
  title: string;
  message: string;
}

export interface StudioState {
  phase: 'starting' | 'ready';
  catalog: CatalogModel[];
  /** bundled validation splits (with any preprocessing edits), then the user's data set, if dropped */
  datasets: DatasetEntry[];
  /** bundled training splits (fine-tuning trains on the one of the current data set) */
  trainSplits: DatasetEntry[];
  /** what the last data import assumed or skipped (shown under the data set) */
  dataNotes?: string[];
  backendChoice: BackendChoice;
  backend?: BackendInfo;
  /** Bundled catalog id, or "user" for a dropped model. */
  modelId?: string;
  model?: LoadedModel;
  datasetId?: string;
  evaluation?: EvalResult;
  /** The compression the controls describe; undefined = none (the original model). */
  plan?: CompressionPlan;
  compressed?: CompressedSummary;
  compressedEval?: EvalResult;
  sizeFormat: SizeFormat;
  sweep?: SweepState;
  sensitivity?: SensitivityResult;
  /** the last "auto" choice, explained layer by layer */
  autoExplanation?: string[];
  theme: Theme;
  points: ChartPoint[];
  progress?: ProgressEvent;
  busy?: string;
  error?: StudioError;

  start(): Promise<void>;
  selectModel(id: string): Promise<void>;
  /** Dropped or picked files: a model (model.json + shards) or data (images, or a catalog-format data file). */
  loadFiles(files: File[]): Promise<void>;
  /** Reads images (a folder; one subfolder per class or none) or a catalog-format data file as a data set and selects it. */
  loadData(files: File[]): Promise<void>;
  /** Sets how the current data set's bytes become model inputs, then measures again. */
  setPreprocessing(p: Preprocessing): Promise<void>;
  selectDataset(id: string): Promise<void>;
  setBackend(choice: BackendChoice): Promise<void>;
  evaluate(): Promise<void>;
  /** Sets the plan; compression and evaluation follow after a short debounce (stale jobs dropped). */
  setPlan(plan: CompressionPlan | undefined): void;
  setSizeFormat(format: SizeFormat): void;
  download(format: ExportFormat): Promise<void>;
  /** Runs every prune ratio × bit width (a grid), adding a point per cell; cancellable. */
  runSweep(prune: number[], bits: (number | 'f16')[]): Promise<void>;
  cancelSweep(): void;
  runSensitivity(request: SensitivityRequest): Promise<void>;
  /** Applies per-layer settings chosen from the sensitivity table for an allowed accuracy drop (fraction) or a compact size (bytes). */
  applyAuto(target: AutoTarget): void;
  /** Restores the settings of a chart point (its plan, or none for a baseline). */
  restorePoint(id: number): void;
  downloadReport(format: 'json' | 'csv'): void;
  setTheme(theme: Theme): void;
  cancel(): void;
  dismissError(): void;
  reportError(title: string, e: unknown): void;
}

const BASE = new URL(import.meta.env.BASE_URL, globalThis.location?.href ?? 'http://localhost/').href;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^Error: /, '');
let jobCounter = 0;
let planTimer: ReturnType<typeof setTimeout> | undefined;
/** The baseline evaluation in flight, if any: plan jobs wait for it rather than superseding it. */
let baselineJob: number | undefined;
/** The job whose compression the worker holds (exports must come from it). */
let compressedJob: number | undefined;

let pointCounter = 0;
/** The last model source that loaded (dropped files are copied, not transferred), replayed if the worker has to be restarted. */
let lastSource: ModelSource | undefined;
/** The user's data files as last imported, replayed into a restarted worker. */
let lastData: { id: string; name: string; files: DataFile[]; kind: 'images' | 'file' } | undefined;
/** True while a restarted worker is being given its model again: plan jobs wait for the re-measure. */
let recovering = false;
let dataCounter = 0;
/** The bundled data entries as the catalog has them (preprocessing edits are made on copies). */
let bundledDatasets: DatasetEntry[] = [];
const isUserData = (id?: string) => Boolean(id?.startsWith('user-'));
const pathOf = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;

/** The chart's y value of an evaluation: accuracy on labelled data, else agreement with the original. */
export function scoreOf(outcome: EvalResult): Pick<ChartPoint, 'accuracy' | 'metric' | 'meanKl'> {
  if (outcome.labelled) return { accuracy: outcome.accuracy, metric: 'accuracy', meanKl: outcome.fidelity?.meanKl };
  return { accuracy: outcome.fidelity?.agreement ?? NaN, metric: 'agreement', meanKl: outcome.fidelity?.meanKl };
}

/** Preprocessing of dropped data when there is no data set to take it from: bytes to [0, 1]. */
const DEFAULT_PREPROCESSING: Preprocessing = { scale: 1 / 255, mean: [0], std: [1] };

/** The data set selected now (bundled or the user's), if any. */
export const currentDataset = (s: Pick<StudioState, 'datasets' | 'datasetId'>) => s.datasets.find((d) => d.id === s.datasetId);

/** The bundled training split of `entry`'s data (what fine-tuning trains on), if there is one. */
export const trainSplitOf = (s: Pick<StudioState, 'trainSplits'>, entry: DatasetEntry | undefined) => (entry ? s.trainSplits.find((t) => t.dataset === entry.dataset) : undefined);

/** A data set's preprocessing as a comparable string (chart points record the one they were measured with). */
export const preprocessingKey = (entry: DatasetEntry) => JSON.stringify(preprocessingOf(entry));

/** [H, W, C] of a loaded model's image input, or an Error saying why it takes no images. */
const imageShape = (model: LoadedModel) => imageInputShape(model.inputShape);
const classesOf = (model: LoadedModel) => model.outputShape[model.outputShape.length - 1];

async function fetchJson(path: string): Promise<unknown> {
  const res = await fetch(new URL(path, BASE));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

export const useStudio = create<StudioState>((set, get) => {
  /**
   * Starts a job that supersedes the running one: the worker is told to cancel the old job (its
   * result would be ignored anyway), and the progress bar follows the new one.
   */
  const startJob = (message: string): number => {
    const old = get().progress?.job;
    if (old !== undefined) void studio().cancel(old);
    if (old === baselineJob) baselineJob = undefined;
    const job = ++jobCounter;
    set({ progress: { type: 'progress', job, phase: 'data', fraction: 0, message } });
    return job;
  };

  /**
   * Imports the user's last data files into the worker again for `model` (its input shape and
   * classes), keeping the preprocessing set on the data set; replaces its entry and notes.
   */
  const reimportData = async (job: number, model: LoadedModel): Promise<DatasetEntry | undefined> => {
    const data = lastData;
    if (!data) return undefined;
    const entry = get().datasets.find((d) => d.id === data.id);
    const preprocessing = entry ? preprocessingOf(entry) : DEFAULT_PREPROCESSING;
    const again = await studio().importData(job, data.id, data.name, data.files, { shape: imageShape(model), classes: classesOf(model), preprocessing }, proxy(() => {}));
    if (!again) return undefined;
    const refit: DatasetEntry = { ...again.entry, scale: preprocessing.scale, mean: preprocessing.mean, std: preprocessing.std };
    set({ datasets: get().datasets.map((d) => (d.id === refit.id ? refit : d)), dataNotes: again.notes });
    return refit;
  };

  /** Replaces a stuck or crashed worker with a fresh one and reloads the current model into it. */
  const recoverWorker = async () => {
    recovering = true;
    restartStudio();
    baselineJob = undefined;
    compressedJob = undefined;
    set({ progress: undefined, busy: 'Restarting the TF.js worker…', compressed: undefined, compressedEval: undefined });
    let reloaded = false;
    try {
      set({ backend: await studio().init(get().backendChoice) });
      if (lastSource) {
        await reimportData(0, await studio().loadModel(lastSource));
        reloaded = true;
      } else set({ model: undefined, modelId: undefined, evaluation: undefined });
    } catch (e) {
      get().reportError('The TF.js worker had to be restarted and failed', e);
    } finally {
      set({ busy: undefined });
      recovering = false;
    }
    // The new worker holds no compression and no figures: measure again (the plan follows).
    if (reloaded) await get().evaluate();
  };
  onWorkerCrash((m) => {
    get().reportError('The TF.js worker failed and was restarted', m);
    void recoverWorker();
  });
  const syncUrl = () => {
    const { modelId, datasetId, backendChoice, plan } = get();
    const hash = writeUrlSettings({ model: modelId === 'user' ? undefined : modelId, dataset: isUserData(datasetId) ? undefined : datasetId, backend: backendChoice, plan });
    if (globalThis.location && globalThis.location.hash !== hash) history.replaceState(null, '', hash);
  };

  /** Loads a model in the worker; on failure the error shows and the previous model stays. */
  const load = async (source: ModelSource, modelId: string, datasetId: string | undefined) => {
    set({ busy: `Loading ${source.name}…` });
    try {
      const info = await studio().loadModel(source);
      lastSource = source;
      set({ model: info, modelId, datasetId: datasetId ?? get().datasetId, evaluation: undefined, compressed: undefined, compressedEval: undefined, sensitivity: undefined, autoExplanation: undefined, error: undefined });
      syncUrl();
      return true;
    } catch (e) {
      set({ error: { title: `Could not load ${source.name}`, message: message(e) } });
      return false;
    } finally {
      set({ busy: undefined });
    }
  };

  /**
   * Compresses by `plan` and evaluates the compressed model as one job; returns the new chart point,
   * or undefined when a newer job superseded it. `kind` says whether it is the live plan or a sweep cell.
   */
  const measurePlan = async (plan: CompressionPlan, kind: 'compressed' | 'sweep'): Promise<ChartPoint | undefined> => {
    const { model } = get();
    const entry = currentDataset(get());
    if (!model || !entry) return undefined;
    const job = startJob('compressing');
    let shownAt = 0;
    const onProgress = proxy((p: ProgressEvent) => {
      // A tick per latency run would render the bar ~50 times a move: phase changes at once, else ≤ 10 a second.
      const shown = get().progress;
      if (shown?.job !== p.job || (shown.phase === p.phase && performance.now() - shownAt < 100)) return;
      shownAt = performance.now();
      set({ progress: p });
    });
    // Fine-tuning trains on the bundled training split of the same data, preprocessed as the validation split is.
    const trainEntry = trainSplitOf(get(), entry);
    const train = plan.finetune && trainEntry ? { entry: { ...trainEntry, scale: entry.scale, mean: entry.mean, std: entry.std }, baseUrl: BASE } : undefined;
    try {
      const done = await studio().compressStaged(job, plan, train, onProgress);
      if (done.type !== 'done' || get().progress?.job !== job) return undefined;
      compressedJob = job;
      // New sizes with old accuracy would mix two plans: show "…" until this one is evaluated.
      // The gzip and zip lengths (NaN until then) are measured on another thread meanwhile.
      set({ compressed: done.summary, compressedEval: undefined });
      const sized = studio().compressedSizes(job).then((sizes) => {
        if (sizes && get().progress?.job === job) set({ compressed: { ...done.summary, sizes } });
        return sizes;
      });
      const [outcome, sizes] = await Promise.all([studio().evaluate(job, entry, BASE, {}, onProgress, 'compressed'), sized]);
      if (outcome.type !== 'done' || !sizes || get().progress?.job !== job) return undefined;
      const point: ChartPoint = {
        id: ++pointCounter, kind, label: describePlan(plan), modelName: model.name, ...scoreOf(outcome),
        compactBytes: done.summary.sizes.compact.raw, tfjsBytes: done.summary.sizes.tfjs.raw, gzipBytes: sizes.tfjs.gzip,
        latencyMs: outcome.latency.medianMs, backend: outcome.backend, dataset: entry.id, preprocessing: preprocessingKey(entry), plan,
      };
      set({ compressedEval: outcome, points: [...get().points, point] });
      return point;
    } finally {
      if (get().progress?.job === job) set({ progress: undefined });
    }
  };

  /** Compresses by the current plan, then evaluates the compressed model; a newer plan supersedes. */
  const runPlan = async () => {
    const { plan, model } = get();
    // During a baseline evaluation the plan waits: evaluate() runs it when the baseline is in.
    if (!model || get().sweep?.running || baselineJob !== undefined || recovering) return;
    if (!plan) {
      if (get().progress) { startJob('reset'); set({ progress: undefined }); }
      compressedJob = undefined;
      void studio().clearCompression();
      set({ compressed: undefined, compressedEval: undefined });
      return;
    }
    try {
      await measurePlan(plan, 'compressed');
    } catch (e) {
      get().reportError('Compression failed', e);
    }
  };

  return {
    phase: 'starting',
    sizeFormat: 'compact',
    theme: 'system',
    catalog: [],
    datasets: [],
    trainSplits: [],
    backendChoice: 'auto',
    points: [],

    async start() {
      const url = readUrlSettings(globalThis.location?.hash ?? '');
      try {
        const [models, data] = await Promise.all([fetchJson('models/catalog.json'), fetchJson('data/catalog.json')]);
        const all = (data as unknown[]).map((d) => parseDatasetEntry(d));
        const datasets = all.filter((d) => d.split !== 'train');
        bundledDatasets = datasets;
        set({ catalog: parseModelCatalog(models), datasets, trainSplits: all.filter((d) => d.split === 'train' && d.labels) });
      } catch (e) {
        get().reportError('Could not read the bundled catalogs', e);
        return;
      }
      const choice = url.backend ?? 'auto';
      set({ backendChoice: choice, plan: url.plan, busy: 'Starting the TF.js worker…' });
      try {
        set({ backend: await studio().init(choice) });
      } catch (e) {
        get().reportError('No TF.js backend could start', e);
        return;
      } finally {
        set({ busy: undefined, phase: 'ready' });
      }
      const { catalog } = get();
      const first = catalog.find((m) => m.id === url.model) ?? catalog[0];
      if (!first) return;
      if (url.model && url.model !== first.id) get().reportError('Unknown model in the link', `"${url.model}" is not a bundled model; opened ${first.name} instead`);
      const dataset = url.dataset && get().datasets.some((d) => d.id === url.dataset) ? url.dataset : first.dataset;
      if (url.dataset && url.dataset !== dataset) get().reportError('Unknown data set in the link', `"${url.dataset}" is not a bundled data set; using ${dataset}`);
      if (await load({ kind: 'url', url: new URL(first.model, BASE).href, name: first.name }, first.id, dataset)) {
        await get().evaluate();
      }
    },

    async selectModel(id) {
      const entry = get().catalog.find((m) => m.id === id);
      if (!entry) return;
      if (await load({ kind: 'url', url: new URL(entry.model, BASE).href, name: entry.name }, entry.id, entry.dataset)) await get().evaluate();
    },

    async loadFiles(files) {
      if (isDataDrop(files.map(pathOf))) return get().loadData(files);
      let modelFiles: ModelFile[];
      try {
        modelFiles = await Promise.all(files.map(async (f) => ({ name: pathOf(f), bytes: await f.arrayBuffer() })));
      } catch (e) {
        get().reportError('Could not read the dropped files', e);
        return;
      }
      const json = modelFiles.find((f) => f.name.endsWith('model.json')) ?? modelFiles.find((f) => f.name.endsWith('.json'));
      const folder = json?.name.includes('/') ? json.name.split('/').slice(-2, -1)[0] : undefined;
      const name = folder ? `${folder} (your model)` : 'your model';
      if (await load({ kind: 'files', files: modelFiles, name }, 'user', get().datasetId)) await get().evaluate();
    },

    async loadData(files) {
      const { model } = get();
      if (!model) {
        get().reportError('Load a model before its data', 'data is fitted to the model\'s input: open or pick a model first, then drop the images or data file');
        return;
      }
      const paths = files.map(pathOf);
      const folder = paths.every((p) => p.includes('/') && p.split('/')[0] === paths[0].split('/')[0]) ? paths[0].split('/')[0] : undefined;
      const name = `${folder ?? 'dropped files'} (your data)`;
      const id = `user-${++dataCounter}`;
      const current = currentDataset(get());
      // Start from the preprocessing of the data set the model was measured on: most models expect the same.
      const preprocessing = current ? preprocessingOf(current) : DEFAULT_PREPROCESSING;
      const dataFiles: DataFile[] = files.map((f, i) => ({ name: paths[i], blob: f }));
      const job = startJob(`reading ${name}`);
      try {
        let target;
        try {
          target = { shape: imageShape(model), classes: classesOf(model), preprocessing };
        } catch (e) {
          throw new Error(`${model.name}: ${message(e)}`, { cause: e });
        }
        const imported = await studio().importData(job, id, name, dataFiles, target, proxy((p: ProgressEvent) => {
          if (get().progress?.job === p.job) set({ progress: p });
        }));
        if (!imported || get().progress?.job !== job) return;
        lastData = { id, name, files: dataFiles, kind: imported.kind };
        const datasets = [...get().datasets.filter((d) => !isUserData(d.id)), imported.entry];
        set({ datasets, dataNotes: imported.notes, progress: undefined, error: undefined });
      } catch (e) {
        if (get().progress?.job === job) set({ progress: undefined });
        get().reportError(`Could not read ${folder ?? 'the dropped data'}`, e);
        return;
      }
      await get().selectDataset(id);
    },

    async setPreprocessing(p) {
      const { datasets, datasetId } = get();
      const entry = datasets.find((d) => d.id === datasetId);
      if (!entry) return;
      try {
        // The worker feeds the model its own channel count (the data is converted to it).
        let channels = entry.shape[2];
        try { channels = imageShape(get().model as LoadedModel)[2]; } catch { /* no image input: the data's own channels */ }
        checkPreprocessing(p, channels);
      } catch (e) {
        get().reportError('Preprocessing not applied', e);
        return;
      }
      set({ datasets: datasets.map((d) => (d.id === datasetId ? { ...d, scale: p.scale, mean: p.mean, std: p.std } : d)), evaluation: undefined, compressedEval: undefined, sensitivity: undefined, autoExplanation: undefined });
      await get().evaluate();
    },

    async selectDataset(id) {
      set({ datasetId: id, evaluation: undefined, compressedEval: undefined, sensitivity: undefined, autoExplanation: undefined });
      syncUrl();
      await get().evaluate();
    },

    async setBackend(choice) {
      set({ backendChoice: choice, busy: `Switching to ${choice}…` });
      try {
        set({ backend: await studio().setBackend(choice) });
      } catch (e) {
        get().reportError(`Could not switch to ${choice}`, e);
      } finally {
        set({ busy: undefined });
      }
      syncUrl();
      if (get().model) await get().evaluate();
    },

    async evaluate() {
      const { model, datasetId } = get();
      let entry = currentDataset(get());
      if (!model) return;
      // Images were decoded at the input size of the model they were dropped on: decode them again for another one.
      if (entry && lastData?.kind === 'images' && lastData.id === entry.id) {
        let shape: [number, number, number] | undefined;
        try { shape = imageShape(model); } catch { shape = undefined; }
        if (shape && shape.join() !== entry.shape.join()) {
          const job = startJob(`decoding ${entry.name} again for ${model.name}`);
          try {
            const refit = await reimportData(job, model);
            if (!refit || get().progress?.job !== job) return;
            set({ progress: undefined });
            entry = refit;
          } catch (e) {
            if (get().progress?.job === job) set({ progress: undefined });
            get().reportError(`${entry.name} does not fit ${model.name}`, e);
            return;
          }
        }
      }
      if (!entry) {
        get().reportError('No validation data', `data set "${datasetId}" is not among the bundled ones (${bundledDatasets.map((d) => d.id).join(', ')}); pick one in the Data set menu or drop your own images`);
        return;
      }
      const job = startJob('starting');
      baselineJob = job;
      const options: EvalOptions = {};
      try {
        const outcome = await studio().evaluate(job, entry, BASE, options, proxy((p: ProgressEvent) => {
          if (get().progress?.job === p.job) set({ progress: p });
        }));
        if (outcome.type !== 'done' || get().progress?.job !== job) return;
        const point: ChartPoint = {
          id: ++pointCounter, kind: 'baseline', label: `${model.name} · ${outcome.backend}`, modelName: model.name,
          ...scoreOf(outcome), compactBytes: model.compact.raw, tfjsBytes: model.size.raw, gzipBytes: model.size.gzip,
          latencyMs: outcome.latency.medianMs, backend: outcome.backend, dataset: entry.id, preprocessing: preprocessingKey(entry),
        };
        set({ evaluation: outcome, points: [...get().points, point] });
      } catch (e) {
        if (get().progress?.job === job) get().reportError(`Evaluation of ${model.name} failed`, e);
        // Cut short by a worker restart: the recovery measures again, plan included.
        if (e instanceof WorkerRestartedError) return;
      } finally {
        if (baselineJob === job) baselineJob = undefined;
        if (get().progress?.job === job) set({ progress: undefined });
      }
      if (get().progress === undefined) await runPlan();
    },

    setPlan(plan) {
      set({ plan });
      syncUrl();
      // Debounced with a leading edge: a move after a pause (none in the last 250 ms) runs at once;
      // in a burst of moves (a drag, a held key) the last one runs 250 ms after the burst, and
      // supersedes the first one's job if it is still running.
      const leading = planTimer === undefined;
      clearTimeout(planTimer);
      planTimer = setTimeout(() => {
        planTimer = undefined;
        if (!leading) void runPlan();
      }, 250);
      if (leading) void runPlan();
    },

    setSizeFormat: (sizeFormat) => set({ sizeFormat }),

    async download(format) {
      try {
        if (compressedJob === undefined || get().progress) throw new Error('the compression is still being measured; export when it is done');
        const { fileName, bytes } = await studio().exportModel(format, compressedJob);
        saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: format === 'compact' ? 'application/octet-stream' : 'application/zip' }),
          `${(get().model?.name ?? 'model').replace(/[^\w.-]+/g, '-').replace(/-+$/, '')}-${fileName}`);
      } catch (e) {
        get().reportError('Export failed', e);
      }
    },

    async runSweep(prune, bits) {
      if (!get().model || get().sweep?.running) return;
      const cells = sweepGrid(prune, bits);
      const livePlan = get().plan;
      set({ sweep: { done: 0, total: cells.length, startedAt: Date.now(), running: true, message: '' } });
      try {
        for (const [i, cell] of cells.entries()) {
          if (!get().sweep?.running) break;
          const plan: CompressionPlan = { version: 1 };
          if (cell.prune > 0) plan.prune = { ratio: cell.prune, scope: 'global' };
          if (cell.bits === 'f16') plan.quantize = 'float16';
          else if (cell.bits < 32) plan.quantize = { bits: cell.bits };
          set({ sweep: { ...(get().sweep as SweepState), message: describePlan(plan) } });
          await measurePlan(plan, 'sweep');
          const now = get().sweep as SweepState;
          set({ sweep: { ...now, done: i + 1, secondsLeft: Math.round(((Date.now() - now.startedAt) / 1000 / (i + 1)) * (cells.length - i - 1)) } });
        }
      } catch (e) {
        get().reportError('The sweep stopped', e);
      } finally {
        set({ sweep: { ...(get().sweep as SweepState), running: false } });
        // The live plan's compression is what exports and the numbers show again.
        set({ plan: livePlan });
        if (livePlan) await runPlan();
        else { void studio().clearCompression(); set({ compressed: undefined, compressedEval: undefined }); }
      }
    },

    cancelSweep() {
      const sweep = get().sweep;
      if (sweep?.running) set({ sweep: { ...sweep, running: false, message: 'cancelled' } });
    },

    async runSensitivity(request) {
      const { model } = get();
      const entry = currentDataset(get());
      if (!model || !entry || get().sweep?.running) return;
      const job = startJob('sensitivity');
      try {
        const limit = request.limit ?? Math.min(entry.count, 2000);
        const result = await studio().sensitivity(job, entry, BASE, { ...request, limit }, proxy((p: ProgressEvent) => {
          if (get().progress?.job === p.job) set({ progress: p });
        }));
        if (!result || get().progress?.job !== job) return;
        set({ sensitivity: result, autoExplanation: undefined });
      } catch (e) {
        if (get().progress?.job === job) get().reportError('Sensitivity analysis failed', e);
      } finally {
        if (get().progress?.job === job) set({ progress: undefined });
      }
    },

    applyAuto(target) {
      const s = get().sensitivity;
      if (!s) return;
      const { plan, explanation } = autoPlan(s, target);
      set({ autoExplanation: explanation });
      get().setPlan(Object.keys(plan.layers ?? {}).length ? plan : undefined);
    },

    restorePoint(id) {
      const point = get().points.find((p) => p.id === id);
      if (!point || get().sweep?.running) return;
      get().setPlan(point.plan ? structuredClone(point.plan) : undefined);
    },

    downloadReport(format) {
      const { points, model, datasetId, backend } = get();
      const text = format === 'json' ? reportJson(points, { model: model?.name, dataset: datasetId, backend: backend?.detail, date: new Date().toISOString() }) : reportCsv(points);
      saveBlob(new Blob([text], { type: format === 'json' ? 'application/json' : 'text/csv' }), `compression-report.${format}`);
    },

    setTheme(theme) {
      set({ theme });
      document.documentElement.dataset.theme = theme;
    },

    cancel() {
      const job = get().progress?.job;
      if (job === undefined) return;
      set({ progress: undefined });
      // A job that does not stop within 3 s means a stuck worker: replace it and reload the model.
      const watchdog = setTimeout(() => void recoverWorker(), 3000);
      void studio().cancel(job).then(() => clearTimeout(watchdog));
    },

    dismissError: () => set({ error: undefined }),
    reportError: (title, e) => {
      // A job cut short by a worker restart is not news: the restart says what happened.
      if (e instanceof WorkerRestartedError) return;
      set({ error: { title, message: message(e) } });
    },
  };
});
