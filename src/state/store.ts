/**
 * The studio's one store: what is loaded, what runs, what was measured. Components read it and
 * call its actions; only these actions talk to the worker (through runtime/client).
 */
import { create } from 'zustand';
import { parseModelCatalog, type CatalogModel } from '../model/catalog';
import { parseDatasetEntry, type DatasetEntry } from '../model/dataset';
import type { CompressedSummary } from '../model/compress/session';
import type { CompressionPlan } from '../model/plan';
import type { ModelFile } from '../model/modelFiles';
import { onWorkerCrash, proxy, restartStudio, studio } from '../runtime/client';
import type { BackendChoice, BackendInfo, EvalOptions, EvalResult, ExportFormat, LoadedModel, ModelSource, ProgressEvent } from '../runtime/protocol';
import { readUrlSettings, writeUrlSettings } from './urlState';

/**
 * One evaluated model on the chart. Sizes in bytes of the export files (compact file and TF.js
 * files), latency in ms, accuracy in [0, 1]. Baselines are the loaded models as they are.
 */
export interface ChartPoint {
  id: number;
  kind: 'baseline' | 'compressed';
  label: string;
  modelName: string;
  accuracy: number;
  compactBytes: number;
  tfjsBytes: number;
  gzipBytes: number;
  latencyMs: number;
  backend: string;
  dataset: string;
  plan?: CompressionPlan;
}

/** Which export's bytes the chart's size axis shows. */
export type SizeFormat = 'compact' | 'tfjs';

export interface StudioError {
  title: string;
  message: string;
}

export interface StudioState {
  phase: 'starting' | 'ready';
  catalog: CatalogModel[];
  datasets: DatasetEntry[];
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
  points: ChartPoint[];
  progress?: ProgressEvent;
  busy?: string;
  error?: StudioError;

  start(): Promise<void>;
  selectModel(id: string): Promise<void>;
  loadFiles(files: File[]): Promise<void>;
  selectDataset(id: string): Promise<void>;
  setBackend(choice: BackendChoice): Promise<void>;
  evaluate(): Promise<void>;
  /** Sets the plan; compression and evaluation follow after a short debounce (stale jobs dropped). */
  setPlan(plan: CompressionPlan | undefined): void;
  setSizeFormat(format: SizeFormat): void;
  download(format: ExportFormat): Promise<void>;
  cancel(): void;
  dismissError(): void;
  reportError(title: string, e: unknown): void;
}

const BASE = new URL(import.meta.env.BASE_URL, globalThis.location?.href ?? 'http://localhost/').href;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^Error: /, '');
let jobCounter = 0;
let planTimer: ReturnType<typeof setTimeout> | undefined;

/** A short human description of a plan, e.g. "prune 90 % · 32 clusters". */
export function describePlan(plan: CompressionPlan): string {
  const parts: string[] = [];
  if (plan.prune) parts.push(plan.prune.pattern === 'n:m' ? `${plan.prune.n ?? 2}:${plan.prune.m ?? 4} sparse` : `prune ${Math.round(plan.prune.ratio * 100)} %${plan.prune.scope === 'layer' ? ' per layer' : ''}`);
  if (plan.channels) parts.push(`channels −${Math.round(plan.channels.ratio * 100)} %`);
  if (plan.lowRank) parts.push(`low-rank ${plan.lowRank.by} ${plan.lowRank.value}`);
  if (plan.cluster) parts.push(`${plan.cluster.k} clusters`);
  else if (plan.quantize === 'float16') parts.push('float16');
  else if (plan.quantize) parts.push(`${plan.quantize.bits}-bit${plan.quantize.granularity === 'channel' ? ' per channel' : ''}`);
  return parts.join(' · ') || 'no compression';
}
let pointCounter = 0;
/** The last model source that loaded (dropped files are copied, not transferred), replayed if the worker has to be restarted. */
let lastSource: ModelSource | undefined;

async function fetchJson(path: string): Promise<unknown> {
  const res = await fetch(new URL(path, BASE));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

export const useStudio = create<StudioState>((set, get) => {
  /** Replaces a stuck or crashed worker with a fresh one and reloads the current model into it. */
  const recoverWorker = async () => {
    restartStudio();
    set({ progress: undefined, busy: 'Restarting the TF.js worker…' });
    try {
      set({ backend: await studio().init(get().backendChoice) });
      if (lastSource) await studio().loadModel(lastSource);
      else set({ model: undefined, modelId: undefined, evaluation: undefined });
    } catch (e) {
      get().reportError('The TF.js worker had to be restarted and failed', e);
    } finally {
      set({ busy: undefined });
    }
  };
  onWorkerCrash((m) => {
    get().reportError('The TF.js worker failed and was restarted', m);
    void recoverWorker();
  });
  const syncUrl = () => {
    const { modelId, datasetId, backendChoice, plan } = get();
    const hash = writeUrlSettings({ model: modelId === 'user' ? undefined : modelId, dataset: datasetId, backend: backendChoice, plan });
    if (globalThis.location && globalThis.location.hash !== hash) history.replaceState(null, '', hash);
  };

  /** Loads a model in the worker; on failure the error shows and the previous model stays. */
  const load = async (source: ModelSource, modelId: string, datasetId: string | undefined) => {
    set({ busy: `Loading ${source.name}…` });
    try {
      const info = await studio().loadModel(source);
      lastSource = source;
      set({ model: info, modelId, datasetId: datasetId ?? get().datasetId, evaluation: undefined, compressed: undefined, compressedEval: undefined, error: undefined });
      syncUrl();
      return true;
    } catch (e) {
      set({ error: { title: `Could not load ${source.name}`, message: message(e) } });
      return false;
    } finally {
      set({ busy: undefined });
    }
  };

  /** Compresses by the current plan, then evaluates the compressed model; a newer plan supersedes. */
  const runPlan = async () => {
    const { plan, model, datasets, datasetId } = get();
    const entry = datasets.find((d) => d.id === datasetId);
    if (!model || !entry) return;
    if (!plan) {
      void studio().clearCompression();
      set({ compressed: undefined, compressedEval: undefined });
      return;
    }
    const job = ++jobCounter;
    set({ progress: { type: 'progress', job, phase: 'data', fraction: 0, message: 'compressing' } });
    try {
      const done = await studio().compress(job, plan);
      if (done.type !== 'done' || get().progress?.job !== job) return;
      set({ compressed: done.summary });
      const outcome = await studio().evaluate(job, entry, BASE, {}, proxy((p: ProgressEvent) => {
        if (get().progress?.job === p.job) set({ progress: p });
      }), 'compressed');
      if (outcome.type !== 'done' || get().progress?.job !== job) return;
      const point: ChartPoint = {
        id: ++pointCounter, kind: 'compressed', label: describePlan(plan), modelName: model.name, accuracy: outcome.accuracy,
        compactBytes: done.summary.sizes.compact.raw, tfjsBytes: done.summary.sizes.tfjs.raw, gzipBytes: done.summary.sizes.tfjs.gzip,
        latencyMs: outcome.latency.medianMs, backend: outcome.backend, dataset: entry.id, plan,
      };
      set({ compressedEval: outcome, points: [...get().points, point] });
    } catch (e) {
      if (get().progress?.job === job) get().reportError('Compression failed', e);
    } finally {
      if (get().progress?.job === job) set({ progress: undefined });
    }
  };

  return {
    phase: 'starting',
    sizeFormat: 'compact',
    catalog: [],
    datasets: [],
    backendChoice: 'auto',
    points: [],

    async start() {
      const url = readUrlSettings(globalThis.location?.hash ?? '');
      try {
        const [models, data] = await Promise.all([fetchJson('models/catalog.json'), fetchJson('data/catalog.json')]);
        const datasets = (data as unknown[]).map((d) => parseDatasetEntry(d)).filter((d) => d.split !== 'train');
        set({ catalog: parseModelCatalog(models), datasets });
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
      if (await load({ kind: 'url', url: new URL(first.model, BASE).href, name: first.name }, first.id, url.dataset ?? first.dataset)) {
        await get().evaluate();
      }
    },

    async selectModel(id) {
      const entry = get().catalog.find((m) => m.id === id);
      if (!entry) return;
      if (await load({ kind: 'url', url: new URL(entry.model, BASE).href, name: entry.name }, entry.id, entry.dataset)) await get().evaluate();
    },

    async loadFiles(files) {
      let modelFiles: ModelFile[];
      try {
        modelFiles = await Promise.all(files.map(async (f) => ({ name: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, bytes: await f.arrayBuffer() })));
      } catch (e) {
        get().reportError('Could not read the dropped files', e);
        return;
      }
      const json = modelFiles.find((f) => f.name.endsWith('model.json')) ?? modelFiles.find((f) => f.name.endsWith('.json'));
      const folder = json?.name.includes('/') ? json.name.split('/').slice(-2, -1)[0] : undefined;
      const name = folder ? `${folder} (your model)` : 'your model';
      if (await load({ kind: 'files', files: modelFiles, name }, 'user', get().datasetId)) await get().evaluate();
    },

    async selectDataset(id) {
      set({ datasetId: id });
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
      const { model, datasets, datasetId } = get();
      const entry = datasets.find((d) => d.id === datasetId);
      if (!model || !entry) return;
      const job = ++jobCounter;
      const options: EvalOptions = {};
      set({ progress: { type: 'progress', job, phase: 'data', fraction: 0, message: 'starting' } });
      try {
        const outcome = await studio().evaluate(job, entry, BASE, options, proxy((p: ProgressEvent) => {
          if (get().progress?.job === p.job) set({ progress: p });
        }));
        if (outcome.type !== 'done' || get().progress?.job !== job) return;
        const point: ChartPoint = {
          id: ++pointCounter, kind: 'baseline', label: `${model.name} · ${outcome.backend}`, modelName: model.name,
          accuracy: outcome.accuracy, compactBytes: model.compact.raw, tfjsBytes: model.size.raw, gzipBytes: model.size.gzip,
          latencyMs: outcome.latency.medianMs, backend: outcome.backend, dataset: entry.id,
        };
        set({ evaluation: outcome, points: [...get().points, point] });
        if (get().plan) await runPlan();
      } catch (e) {
        if (get().progress?.job === job) get().reportError(`Evaluation of ${model.name} failed`, e);
      } finally {
        if (get().progress?.job === job) set({ progress: undefined });
      }
    },

    setPlan(plan) {
      set({ plan });
      syncUrl();
      clearTimeout(planTimer);
      planTimer = setTimeout(() => void runPlan(), 250);
    },

    setSizeFormat: (sizeFormat) => set({ sizeFormat }),

    async download(format) {
      try {
        const { fileName, bytes } = await studio().exportModel(format);
        const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: format === 'compact' ? 'application/octet-stream' : 'application/zip' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `${(get().model?.name ?? 'model').replace(/[^\w.-]+/g, '-').replace(/-+$/, '')}-${fileName}`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (e) {
        get().reportError('Export failed', e);
      }
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
    reportError: (title, e) => set({ error: { title, message: message(e) } }),
  };
});
