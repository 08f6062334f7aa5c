/**
 * Model & data: the catalogs, the worker's start, the loaded model and the data it is measured on,
 * the baseline evaluation, and recovery when the worker has to be replaced.
 */
import type { StateCreator } from 'zustand';
import { parseModelCatalog } from '../../model/catalog';
import { checkPreprocessing, parseDatasetEntry, preprocessingOf, type DatasetEntry } from '../../model/dataset';
import { isDataDrop } from '../../model/data/userData';
import type { ModelFile } from '../../model/modelFiles';
import { isKerasFileName } from '../../model/kerasFileName';
import { WorkerRestartedError } from '../../runtime/client';
import type { DataFile, LoadedModel, ModelSource } from '../../runtime/protocol';
import { needsTrainData } from '../trainData';
import { busyProgress } from '../stepBusy';
import { readUrlSettings } from '../urlState';
import { classesOf, currentDataset, DEFAULT_PREPROCESSING, errorText, imageShape, isUserData, nextPointId, preprocessingKey, scoreOf, sizeReferences } from '../selectors';
import type { ChartPoint, ModelSlice, SliceContext, StudioState, UserData } from '../types';

const pathOf = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;

const baseName = (path: string) => path.split('/').pop() ?? path;

/** What a model source is called while it waits: the Keras file or model.json the user opened, or the bundled model's name. */
const waitingName = (source: ModelSource) => (source.kind === 'files'
  ? (source.files.find((f) => isKerasFileName(f.name)) ?? source.files.find((f) => f.name.endsWith('.json')))?.name ?? source.name
  : source.name);

/** The name a user's model goes by: a Keras file's own name, else the dropped folder's, with "(your model)". */
function userModelName(files: readonly ModelFile[]): string {
  const keras = files.filter((f) => isKerasFileName(f.name));
  if (keras.length === 1) return `${baseName(keras[0].name)} (your model)`;
  const json = files.find((f) => f.name.endsWith('model.json')) ?? files.find((f) => f.name.endsWith('.json'));
  const folder = json?.name.includes('/') ? json.name.split('/').slice(-2, -1)[0] : undefined;
  return folder ? `${folder} (your model)` : 'your model';
}
/** The busy text while the worker starts and `queued` waits for it. */
const startingText = (queued?: ModelSource) => (queued ? `Starting the TF.js worker… then loading ${waitingName(queued)}` : 'Starting the TF.js worker…');

/** What a loaded model resets: its figures, its compression, its sensitivity. */
const FRESH_MODEL = { evaluation: undefined, compressed: undefined, compressedEval: undefined, sensitivity: undefined, autoExplanation: undefined, training: undefined } as const;

/** The model & data slice of a studio store made with `ctx` (zustand slices pattern). */
export const createModelSlice = ({ deps, runner }: SliceContext): StateCreator<StudioState, [], [], ModelSlice> => (set, get) => {
  const studio = () => deps.studio();
  const urlOf = (path: string) => new URL(path, deps.baseUrl).href;

  /**
   * Imports one of the user's data sets into the worker again for `model` (its input shape and
   * classes), keeping the preprocessing set on the data set; replaces its entry and notes.
   */
  const reimportData = async (job: number, model: LoadedModel, data: UserData): Promise<DatasetEntry | undefined> => {
    const entry = get().datasets.find((d) => d.id === data.id);
    const preprocessing = entry ? preprocessingOf(entry) : DEFAULT_PREPROCESSING;
    const again = await studio().importData(job, data.id, data.name, data.files, { shape: imageShape(model), classes: classesOf(model), preprocessing }, deps.proxy(() => {}));
    if (!again) return undefined;
    const refit: DatasetEntry = { ...again.entry, scale: preprocessing.scale, mean: preprocessing.mean, std: preprocessing.std };
    set({ datasets: get().datasets.map((d) => (d.id === refit.id ? refit : d)), dataNotes: again.notes });
    return refit;
  };

  /** Loads a model in the worker; on failure the error shows and the previous model stays. */
  const loadNow = async (source: ModelSource, modelId: string, datasetId: string | undefined) => {
    set({ busy: `Loading ${source.name}…` });
    const steps = busyProgress((busy) => set({ busy }), `Loading ${source.name}`);
    try {
      const info = await studio().loadModel(source, deps.proxy(steps.onProgress));
      runner.held = undefined; // the worker dropped the previous model's compression
      set({ ...FRESH_MODEL, model: info, modelId, source, datasetId: datasetId ?? get().datasetId, error: undefined });
      return true;
    } catch (e) {
      set({ error: { title: `Could not load ${source.name}`, message: errorText(e) } });
      return false;
    } finally {
      steps.end();
      set({ busy: undefined });
    }
  };

  /** Loads run one after another (the worker must end up holding the model the page shows). */
  let loads: Promise<unknown> = Promise.resolve();
  let loadsRequested = 0;
  /**
   * Loads `source` after any load still running. True when it loaded and no newer load was asked
   * for meanwhile (then the caller measures it; otherwise the newer model is the one wanted, e.g.
   * files dropped while the demo was loading).
   */
  const load = (source: ModelSource, modelId: string, datasetId: string | undefined): Promise<boolean> => {
    const mine = ++loadsRequested;
    const run = loads.then(() => loadNow(source, modelId, datasetId)).then((ok) => ok && mine === loadsRequested);
    loads = run.catch(() => {});
    return run;
  };

  /** Images decoded for another model's input size are decoded again for `model`; returns the entry to measure, or undefined when that failed or was superseded. */
  const refitImages = async (model: LoadedModel, entry: DatasetEntry): Promise<DatasetEntry | undefined> => {
    const data = get().userData.find((d) => d.id === entry.id);
    if (data?.kind !== 'images') return entry;
    let shape: [number, number, number] | undefined;
    try { shape = imageShape(model); } catch { shape = undefined; }
    if (!shape || shape.join() === entry.shape.join()) return entry;
    const job = runner.start(`decoding ${entry.name} again for ${model.name}`);
    try {
      const refit = await reimportData(job, model, data);
      return refit && runner.isCurrent(job) ? refit : undefined;
    } catch (e) {
      if (runner.isCurrent(job)) get().reportError(`${entry.name} does not fit ${model.name}`, e);
      return undefined;
    } finally {
      runner.end(job);
    }
  };

  return {
    phase: 'starting',
    catalog: [],
    datasets: [],
    trainSplits: [],
    userData: [],
    backendChoice: 'auto',

    async start() {
      const url = readUrlSettings(deps.hash?.read() ?? '');
      try {
        const [models, data] = await Promise.all([deps.fetchJson('models/catalog.json'), deps.fetchJson('data/catalog.json')]);
        const all = (data as unknown[]).map((d) => parseDatasetEntry(d));
        set({ catalog: parseModelCatalog(models), datasets: all.filter((d) => d.split !== 'train'), trainSplits: all.filter((d) => d.split === 'train' && d.labels) });
      } catch (e) {
        set({ queued: undefined, busy: undefined });
        get().reportError('Could not read the bundled catalogs', e);
        return;
      }
      const choice = url.backend ?? 'auto';
      set({ backendChoice: choice, plan: url.plan, trainDataId: url.trainData, busy: startingText(get().queued) });
      try {
        set({ backend: await studio().init(choice) });
      } catch (e) {
        set({ queued: undefined });
        get().reportError('No TF.js backend could start', e);
        return;
      } finally {
        set({ busy: undefined, phase: 'ready' });
      }
      const { catalog } = get();
      const first = catalog.find((m) => m.id === url.model) ?? catalog[0];
      const dataset = url.dataset && get().datasets.some((d) => d.id === url.dataset) ? url.dataset : first?.dataset;
      // A model the user opened while the worker started is what they want: it loads instead of the demo.
      const queued = get().queued;
      if (queued) {
        set({ queued: undefined });
        if (await load(queued, 'user', dataset)) await get().evaluate();
        return;
      }
      if (!first) return;
      if (url.model && url.model !== first.id) get().reportError('Unknown model in the link', `"${url.model}" is not a bundled model; opened ${first.name} instead`);
      if (url.dataset && url.dataset !== dataset) get().reportError('Unknown data set in the link', `"${url.dataset}" is not a bundled data set; using ${dataset}`);
      if (await load({ kind: 'url', url: urlOf(first.model), name: first.name }, first.id, dataset)) await get().evaluate();
    },

    async selectModel(id) {
      const entry = get().catalog.find((m) => m.id === id);
      if (!entry) return;
      if (await load({ kind: 'url', url: urlOf(entry.model), name: entry.name }, entry.id, entry.dataset)) await get().evaluate();
    },

    async loadFiles(files) {
      const paths = files.map(pathOf);
      // A Keras file is a model even among images (a folder holding model.keras and sample digits).
      if (!paths.some(isKerasFileName) && isDataDrop(paths)) return get().loadData(files);
      let modelFiles: ModelFile[];
      try {
        modelFiles = await Promise.all(files.map(async (f) => ({ name: pathOf(f), bytes: await f.arrayBuffer() })));
      } catch (e) {
        get().reportError('Could not read the dropped files', e);
        return;
      }
      const source: ModelSource = { kind: 'files', files: modelFiles, name: userModelName(modelFiles) };
      if (get().phase !== 'ready') {
        // The worker is still starting (a model loaded now would find no backend): start() loads it when it is ready.
        set({ queued: source, busy: startingText(source) });
        return;
      }
      if (await load(source, 'user', get().datasetId)) await get().evaluate();
    },

    async loadData(files, { train = false } = {}) {
      const { model } = get();
      if (!model) {
        get().reportError('Load a model before its data', 'data is fitted to the model\'s input: open or pick a model first, then drop the images or data file');
        return;
      }
      const paths = files.map(pathOf);
      const folder = paths.every((p) => p.includes('/') && p.split('/')[0] === paths[0].split('/')[0]) ? paths[0].split('/')[0] : undefined;
      const name = `${folder ?? 'dropped files'} (your data)`;
      const current = currentDataset(get());
      // Start from the preprocessing of the data set the model was measured on: most models expect the same.
      const preprocessing = current ? preprocessingOf(current) : DEFAULT_PREPROCESSING;
      const dataFiles: DataFile[] = files.map((f, i) => ({ name: paths[i], blob: f }));
      const interrupted = runner.current !== undefined;
      const job = runner.start(`reading ${name}`);
      const id = `user-${job}`;
      try {
        let target;
        try {
          target = { shape: imageShape(model), classes: classesOf(model), preprocessing };
        } catch (e) {
          throw new Error(`${model.name}: ${errorText(e)}`, { cause: e });
        }
        const imported = await studio().importData(job, id, name, dataFiles, target, deps.proxy(runner.progress(job)));
        if (!imported || !runner.isCurrent(job)) return;
        // Every data set dropped stays (one to train on, another to measure on); a folder dropped again replaces its earlier copy.
        const replaced = new Set(get().userData.filter((d) => d.name === name).map((d) => d.id));
        const datasets = [...get().datasets.filter((d) => !replaced.has(d.id)), imported.entry];
        const userData = [...get().userData.filter((d) => !replaced.has(d.id)), { id, name, files: dataFiles, kind: imported.kind }];
        set({ userData, datasets, dataNotes: imported.notes, error: undefined, ...(replaced.has(get().trainDataId ?? '') ? { trainDataId: id } : {}) });
      } catch (e) {
        get().reportError(`Could not read ${folder ?? 'the dropped data'}`, e);
        return;
      } finally {
        runner.end(job);
      }
      if (!train) {
        await get().selectDataset(id);
        return;
      }
      // Data to train on: the plan runs again if it trains (on this now) or if the import cut its measurement short.
      set({ trainDataId: id });
      if (interrupted || needsTrainData(get().plan)) get().setPlan(get().plan);
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
      if (get().model) await get().evaluate();
    },

    async evaluate() {
      const { model, datasetId } = get();
      const selected = currentDataset(get());
      if (!model) return;
      if (!selected) {
        const bundled = get().datasets.filter((d) => !isUserData(d.id)).map((d) => d.id);
        get().reportError('No validation data', `data set "${datasetId}" is not among the bundled ones (${bundled.join(', ')}); pick one in the Data set menu or drop your own images`);
        return;
      }
      const entry = await refitImages(model, selected);
      if (!entry) return;
      const job = runner.start('starting', { baseline: true });
      try {
        const outcome = await studio().evaluate(job, entry, deps.baseUrl, {}, deps.proxy(runner.progress(job)));
        if (outcome.type !== 'done' || !runner.isCurrent(job)) return;
        const point: ChartPoint = {
          id: nextPointId(get().points), kind: 'baseline', label: `${model.name} · ${outcome.backend}`, modelName: model.name,
          ...scoreOf(outcome), compactBytes: model.compact.raw, tfjsBytes: model.size.raw, gzipBytes: model.size.gzip, ...sizeReferences(model),
          latencyMs: outcome.latency.medianMs, backend: outcome.backend, dataset: entry.id, preprocessing: preprocessingKey(entry),
        };
        set({ evaluation: outcome, points: [...get().points, point] });
      } catch (e) {
        if (runner.isCurrent(job)) get().reportError(`Evaluation of ${model.name} failed`, e);
        // Cut short by a worker restart: the recovery measures again, plan included.
        if (e instanceof WorkerRestartedError) return;
      } finally {
        runner.end(job);
      }
      // No newer job took over meanwhile: the plan, which waited for the baseline, runs now.
      if (runner.current === undefined) await get().runPlan();
    },

    async recoverWorker() {
      runner.restarting = true;
      deps.restartStudio();
      runner.reset();
      set({ busy: 'Restarting the TF.js worker…', compressed: undefined, compressedEval: undefined });
      let reloaded = false;
      try {
        set({ backend: await studio().init(get().backendChoice) });
        const { source } = get();
        if (source) {
          const model = await studio().loadModel(source);
          for (const data of get().userData) await reimportData(0, model, data);
          reloaded = true;
        } else set({ model: undefined, modelId: undefined, evaluation: undefined });
      } catch (e) {
        get().reportError('The TF.js worker had to be restarted and failed', e);
      } finally {
        set({ busy: undefined });
        runner.restarting = false;
      }
      // The new worker holds no compression and no figures: measure again (the plan follows).
      if (reloaded) await get().evaluate();
    },
  };
};
