/**
 * The studio store's shape, slice by slice (model & data, plan & compression, sweep & sensitivity,
 * preferences & status), and what the store needs from outside (the worker, the page's URL). Types
 * only: the slices import this file and nothing here imports a slice, so src/state has no cycle.
 */
import type { CatalogModel } from '../model/catalog';
import type { DatasetEntry, Preprocessing } from '../model/dataset';
import type { CompressedSummary } from '../model/compress/session';
import type { CompressionPlan } from '../model/plan';
import type { ExportFile } from '../model/export/exportFiles';
import type { BackendChoice, BackendInfo, DataFile, EvalResult, ExportFormat, LoadedModel, ModelSource, ProgressEvent, SensitivityRequest, SensitivityResult, StudioApi } from '../runtime/protocol';
import type { AutoTarget } from './auto';
import type { ImportSummary } from './importResults';
import type { JobRunner } from './jobs';
import type { StagesSlice } from './slices/stages';

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
  /** the data set the plan's recovery (or Taylor scores) trained on, by id, when it trained */
  trainData?: string;
  /** bytes of the files the model was opened from, and of its float32 TF.js files: the references of the point's ratios (sizeReferences) */
  openedBytes?: number;
  float32Bytes?: number;
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

/** The colour theme: the system's, or light or dark whatever the system says. */
export type Theme = 'system' | 'light' | 'dark';

/** The error the banner shows: a title naming what failed, and a message saying what is wrong and what to do. */
export interface StudioError {
  title: string;
  message: string;
}

/** The user's data files as last imported, replayed into a restarted worker or for a model of another input shape. */
export interface UserData {
  id: string;
  name: string;
  files: DataFile[];
  kind: 'images' | 'file';
}

/** Model & data: what is loaded and what it is measured on. */
export interface ModelSlice {
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
  /** The model source that loaded last (dropped files are copied, not transferred): replayed into a restarted worker. */
  source?: ModelSource;
  /** A model the user opened before the worker was ready: it loads (instead of the demo) once the worker is. */
  queued?: ModelSource;
  /** the user's data sets as imported, in the order dropped (one of a folder's name replaces the earlier one) */
  userData: UserData[];

  start(): Promise<void>;
  selectModel(id: string): Promise<void>;
  /** Dropped or picked files: a model (model.json + shards) or data (images, or a catalog-format data file). */
  loadFiles(files: File[]): Promise<void>;
  /**
   * Reads images (a folder; one subfolder per class or none) or a catalog-format data file as a
   * data set and selects it; with `train`, chooses it as the data recoveries train on instead
   * (what is measured stays).
   */
  loadData(files: File[], options?: { train?: boolean }): Promise<void>;
  /** Sets how the current data set's bytes become model inputs, then measures again. */
  setPreprocessing(p: Preprocessing): Promise<void>;
  selectDataset(id: string): Promise<void>;
  setBackend(choice: BackendChoice): Promise<void>;
  /** Measures the loaded model as it is (the baseline), then runs the plan, if any. */
  evaluate(): Promise<void>;
  /** Replaces a stuck or crashed worker with a fresh one and gives it the current model and data again. */
  recoverWorker(): Promise<void>;
}

/** One report of a running recovery: optimizer step, mean loss since the last report, top-1 agreement with the original (0–1). */
export interface TrainingPoint {
  step: number;
  loss: number;
  agreement: number;
}

/** The live (or last finished) recovery's curve: which job and method, its reports in order, the steps planned. */
export interface TrainingRun {
  job: number;
  method: 'distill' | 'finetune';
  /** the training data's name */
  data: string;
  points: TrainingPoint[];
  steps: number;
  /** true once the job's compression is done (a superseded or cancelled run is dropped) */
  finished: boolean;
}

/** Plan & compression: the plan the controls describe, its measured compression, every chart point. */
export interface PlanSlice {
  /** The compression the controls describe; undefined = none (the original model). */
  plan?: CompressionPlan;
  compressed?: CompressedSummary;
  compressedEval?: EvalResult;
  points: ChartPoint[];
  /** the data a recovery trains on, as chosen (a bundled training split's id, or a user data set's); undefined: the default (trainData.ts) */
  trainDataId?: string;
  /** the running recovery's curve, or the last finished one's */
  training?: TrainingRun;

  /** Chooses the data recoveries and Taylor scores train on; a plan that trains runs again. */
  setTrainData(id: string | undefined): void;

  /** Sets the plan; compression and evaluation follow after a short debounce (stale jobs dropped). */
  setPlan(plan: CompressionPlan | undefined): void;
  /** Compresses by the current plan and evaluates the result (or drops the compression when there is no plan); a newer job supersedes it. */
  runPlan(): Promise<void>;
  /**
   * Compresses by `plan` and evaluates the compressed model as one job; returns the new chart point,
   * or undefined when a newer job superseded it. `kind` says whether it is the live plan or a sweep cell.
   */
  measurePlan(plan: CompressionPlan, kind: 'compressed' | 'sweep'): Promise<ChartPoint | undefined>;
  /**
   * Saves the held compression's export; `extra` (TF.js .zip only, e.g. metadata.json) is added to
   * the zip as its last entry, the other entries' bytes unchanged.
   */
  download(format: ExportFormat, options?: { extra?: ExportFile }): Promise<void>;
  /** Restores the settings of a chart point (its plan, or none for a baseline). */
  restorePoint(id: number): void;
  downloadReport(format: 'json' | 'csv'): void;
}

/** Sweep & sensitivity: grids of plans, per-layer sensitivity, and auto's choice. */
export interface SweepSlice {
  sweep?: SweepState;
  sensitivity?: SensitivityResult;
  /** the last "auto" choice, explained layer by layer */
  autoExplanation?: string[];

  /** Runs every prune ratio × bit width (a grid), adding a point per cell; cancellable. */
  runSweep(prune: number[], bits: (number | 'f16')[]): Promise<void>;
  cancelSweep(): void;
  runSensitivity(request: SensitivityRequest): Promise<void>;
  /** Applies per-layer settings chosen from the sensitivity table for an allowed accuracy drop (fraction) or a compact size (bytes). */
  applyAuto(target: AutoTarget): void | Promise<void>;
  /** Adds the points of a results file (CLI sweep / merge, or a report JSON) to the chart as sweep points; a bad file is reported (reportError) and gives undefined. */
  importResults(file: File): Promise<ImportSummary | undefined>;
}

/** Preferences & status: theme, chart axis, the progress bar, what the studio is busy with, the error shown. */
export interface PreferencesSlice {
  theme: Theme;
  sizeFormat: SizeFormat;
  /** the current job's progress (shown as a bar); the job runner, not this, says which job is current */
  progress?: ProgressEvent;
  busy?: string;
  error?: StudioError;

  setSizeFormat(format: SizeFormat): void;
  setTheme(theme: Theme): void;
  /** Cancels the current job; a worker that does not answer within 3 s is replaced. */
  cancel(): void;
  dismissError(): void;
  reportError(title: string, e: unknown): void;
}

/** The whole store: the slices together. */
export type StudioState = ModelSlice & PlanSlice & SweepSlice & PreferencesSlice & StagesSlice;

/** The worker's API as the page calls it: every method answers with a promise (as through Comlink). */
export type WorkerApi = { [K in keyof StudioApi]: (...args: Parameters<StudioApi[K]>) => Promise<Awaited<ReturnType<StudioApi[K]>>> };

/** What the store needs from outside: the studio worker and the page. Tests pass fakes. */
export interface StudioDeps {
  /** The worker's API (of the current worker: a restart makes a new one). */
  studio(): WorkerApi;
  /** Terminates the worker; its pending calls reject with WorkerRestartedError; the next call starts a new one. */
  restartStudio(): void;
  /** Registers who hears that the worker failed outside any call. */
  onWorkerCrash(listener: (message: string) => void): void;
  /** Marks a callback that the worker calls back (Comlink.proxy); the identity in tests. */
  proxy<T extends object>(callback: T): T;
  /** Absolute URL the bundled files are fetched from (models/, data/), with a trailing slash. */
  baseUrl: string;
  /** Reads a JSON file at `path` under baseUrl. */
  fetchJson(path: string): Promise<unknown>;
  /** The page's URL hash: read at start and kept in step with the settings (absent: no URL sync). */
  hash?: { read(): string; write(hash: string): void };
  /** Offers a file download (absent: downloads are refused). */
  saveBlob?(blob: Blob, fileName: string): void;
}

/** What every slice is made with: the outside world, and the store's own job runner. */
export interface SliceContext {
  deps: StudioDeps;
  runner: JobRunner;
}
