/**
 * The workers' protocol, in one place: the studio worker's typed API (Comlink) with its progress
 * and results as unions keyed on `type`, and the DEFLATE-length worker's messages (at the end).
 * Units: bytes, milliseconds, images per second; accuracy and fractions in [0, 1].
 */
import type { CompressedSummary } from '../model/compress/session';
import type { ModelInfo } from '../model/modelInfo';
import type { CompressionPlan } from '../model/plan';
import type { ModelFile } from '../model/modelFiles';
import type { KerasFormat } from '../model/keras/readKeras';
import type { DatasetEntry, Preprocessing } from '../model/dataset';
import type { Fidelity } from './metrics';
import type { MemoryReport } from './memory';

export type { Fidelity } from './metrics';
export type { MemoryReport } from './memory';

export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

/** What really runs, as tfjs reports it after setBackend (tfjs falls back silently). */
export interface BackendInfo {
  requested: BackendChoice;
  active: BackendName;
  /** e.g. "WASM · SIMD · 4 threads" or "WebGPU · swiftshader (software fallback)". */
  detail: string;
  /** Why a backend is unavailable (absent key = available), and why auto passed one over. */
  unavailable: Partial<Record<BackendName, string>>;
  note?: string;
}

/**
 * A model to load: a TF.js model.json by URL (its shards fetched beside it), or dropped files —
 * a model.json with its .bin shards, or one Keras .keras / .h5 / .hdf5 file (with, for a
 * weights-only `*.weights.h5`, the config.json or model.json it belongs to), converted in the worker.
 */
export type ModelSource =
  | { kind: 'url'; url: string; name: string }
  | { kind: 'files'; files: ModelFile[]; name: string };

export type EvalPhase = 'data' | 'training' | 'accuracy' | 'latency' | 'throughput';
/** Step progress of big models: opening a model, compressing it (per layer), writing an export. */
export type StepPhase = 'loading' | 'compressing' | 'exporting';

/** Progress of one job; `fraction` (0–1) never decreases within a phase of a job, and an evaluation's ends at 1 (training, its own phase, comes before). */
export interface ProgressEvent {
  type: 'progress';
  job: number;
  phase: EvalPhase | StepPhase;
  fraction: number;
  message: string;
  /** during training: the latest training figures (for the live loss / agreement curve) */
  training?: TrainingMetrics;
}

/** Training figures reported while a recovery (fine-tuning or distillation) runs. */
export interface TrainingMetrics {
  /** 'masked': structure + pruning stage; 'grid': on the quantization grid / shared values */
  stage: 'masked' | 'grid';
  /** optimizer steps done and planned, over both stages */
  step: number;
  steps: number;
  /** mean training loss over the steps since the previous report */
  loss: number;
  /** share of those steps' samples on which the student's top class equals the original's, 0–1 */
  agreement: number;
}

/** A validation image's prediction, for the sample strip and for cross-backend checks. */
export interface SamplePrediction {
  index: number;
  /** the true class, or −1 in an unlabelled split */
  label: number;
  predicted: number;
  probabilities: number[];
  /** the image's bytes (H×W×C uint8), to draw it. */
  pixels: Uint8Array;
  shape: [number, number, number];
}

export interface EvalResult {
  type: 'done';
  job: number;
  backend: BackendName;
  dataset: string;
  count: number;
  /** whether the split has labels; without them accuracy and loss are NaN and confusion is empty */
  labelled: boolean;
  /** top-1 accuracy in [0, 1]. */
  accuracy: number;
  /** mean categorical cross-entropy, −ln p(label), with p clipped to ≥ 1e-7. */
  loss: number;
  /** confusion[label][predicted] = count. */
  confusion: number[][];
  /** agreement with and mean KL from the original model on the same inputs (a compressed model's evaluation; the original's own is 1 and 0) */
  fidelity?: Fidelity;
  /** batch-1 predict latency in ms after warm-up. */
  latency: { medianMs: number; p90Ms: number; runs: number };
  throughput: { batch: number; imagesPerSec: number };
  samples: SamplePrediction[];
  elapsedMs: number;
}

export interface EvalCancelled { type: 'cancelled'; job: number }
export type EvalOutcome = EvalResult | EvalCancelled;

export interface EvalOptions {
  /** evaluate at most this many samples (default: all). */
  limit?: number;
  batchSize?: number;
  latencyRuns?: number;
  warmupRuns?: number;
  throughputBatch?: number;
  sampleCount?: number;
}

/** A loaded model as the studio describes it, with its compact-file size for comparison. */
export interface LoadedModel extends ModelInfo {
  /** bytes of the same (uncompressed) model written as a compact file */
  compact: { raw: number; gzip: number };
  /** Set when the model was not TF.js files but a Keras file, converted to TF.js in the worker (sizes are then those of the converted TF.js files). */
  converted?: KerasOrigin;
  /** the files the user opened, as opened: the reference of every "vs opened" ratio (ratio = opened.bytes ÷ export bytes) */
  opened: OpenedFiles;
  /** bytes of the uncompressed model written as float32 TF.js files (model.json + shards), raw and gzip -9: the reference of every "vs float32" ratio */
  float32: { raw: number; gzip: number };
}

/**
 * The files a model was opened from and their bytes. For a TF.js model ('tfjs'): its model.json
 * and the weight shards it names. For a Keras file ('keras'): the .keras / .h5 file itself (with
 * the config.json a weights-only file came with), not the TF.js files converted from it — so a
 * Keras file holding optimizer state counts that state, as the user's disk does.
 */
export interface OpenedFiles {
  kind: 'tfjs' | 'keras';
  /** total bytes of `files` */
  bytes: number;
  files: { name: string; bytes: number }[];
}

/** The Keras file a model was converted from. */
export interface KerasOrigin {
  from: 'keras';
  /** the Keras file's name as opened */
  file: string;
  /** the Keras version that wrote the file ("3.14.0"), or "unknown" */
  kerasVersion: string;
  format: KerasFormat;
}

export type CompressOutcome = { type: 'done'; job: number; summary: CompressedSummary } | { type: 'cancelled'; job: number };

/** Which model an evaluation measures: the loaded one, or the current compression of it. */
export type EvalTarget = 'original' | 'compressed';

/** 'keras': the compressed model written back into the original Keras file's config (only for a model opened from a Keras file, and a plan that keeps its architecture). */
export type ExportFormat = 'tfjs-zip' | 'compact' | 'keras';

/**
 * A sensitivity analysis: which technique, at which levels (prune ratios, or bits), on how many
 * samples. 'joint' measures each layer at every (prune ratio, bits) pair of `joint` instead
 * (`levels` unused), quantized with the grid's scheme, granularity and calibration.
 */
export interface SensitivityRequest {
  technique: 'prune' | 'quantize' | 'joint';
  levels: number[];
  joint?: JointGrid;
  limit?: number;
}

/** One level of the joint grid: a layer pruned to `prune` (share of zeros, 0–1) and quantized to `bits`. */
export interface JointLevel {
  prune: number;
  bits: number;
}

/**
 * Calibration methods the joint search may choose among (plan quantize.calibrate): the data-free
 * 'minmax' | 'mse' | 'bias', and 'output' (layer-output range, empirical bias correction and a
 * least-squares refit of pruned kernels, on calibration data) when the studio has such data.
 */
export type JointCalibration = 'minmax' | 'mse' | 'bias' | 'output';

/**
 * The joint grid: every prune ratio × every bit width. Cells are measured from the mildest
 * (most bits, least pruning) on; a cell is skipped, never measured, when a milder cell (no more
 * pruning, at least as many bits) is already no larger (dominated), or already lost more than
 * `maxDrop` (hopeless: accuracy assumed to fall further with more compression).
 */
export interface JointGrid {
  prune: number[];
  bits: number[];
  scheme?: 'affine' | 'symmetric';
  granularity?: 'tensor' | 'channel';
  /** the calibration the grid is measured with (default 'mse'); Auto tries the others on the combined plan */
  calibrate?: JointCalibration;
  /** fraction of accuracy (default 0.05 = 5 points) past which milder cells make stronger ones hopeless */
  maxDrop?: number;
}

/**
 * accuracy[i][j] = top-1 with only layers[i] compressed at levels[j], on `count` validation
 * samples. For 'joint', levels[j] = j indexes `joint.cells`, and a skipped cell's accuracy and
 * bytes are NaN (see JointGrid).
 */
export interface SensitivityResult {
  technique: SensitivityRequest['technique'];
  /** what `accuracy` and `baseline` hold: top-1 accuracy, or (unlabelled data) top-1 agreement with the original */
  metric: 'accuracy' | 'agreement';
  levels: number[];
  layers: string[];
  accuracy: number[][];
  /** bytes[i][j] = compact-file bytes of layers[i]'s tensors compressed at levels[j] (exact record sizes) */
  bytes: number[][];
  /** compact-file bytes of each layer's tensors uncompressed */
  baseBytes: number[];
  /** compact-file bytes of the whole uncompressed model */
  totalBytes: number;
  /** top-1 of the uncompressed model on the same samples (1 for agreement) */
  baseline: number;
  count: number;
  /** 'joint' only: the grid's cells, its quantizer settings, and the calibrations that apply to this model ('bias' needs BatchNorm) */
  joint?: { cells: JointLevel[]; grid: JointGrid; calibrations: JointCalibration[]; skipped: number };
}

/** A dropped data file: its path (folder/…/name, as picked or dropped) and contents. */
export interface DataFile {
  name: string;
  blob: Blob;
}

/** What dropped images are fitted to: the loaded model's input and class count, and the preprocessing to start with. */
export interface ImportTarget {
  shape: [number, number, number];
  classes: number;
  preprocessing: Preprocessing;
}

/** A user data set the worker now holds: its entry (pass it to evaluate) and what was assumed or skipped. */
export interface ImportedData {
  entry: DatasetEntry;
  /** 'images': decoded at the target shape (import again for a model of another shape); 'file': the file's own bytes */
  kind: 'images' | 'file';
  notes: string[];
}

/** Sizes in bytes of a compression's exports (raw, gzip -9, zip; see CompressedSummary). */
export type CompressedSizes = CompressedSummary['sizes'];

/**
 * Where a plan's recovery finds its training data: a catalog split (fetched from baseUrl) or a
 * data set the user dropped (importData's id). Fine-tuning needs labels; distillation does not.
 */
export interface TrainSource {
  entry: DatasetEntry;
  baseUrl: string;
}

/** The worker's typed interface (Comlink). The page never runs TF.js itself. */
export interface StudioApi {
  init(choice: BackendChoice): Promise<BackendInfo>;
  setBackend(choice: BackendChoice): Promise<BackendInfo>;
  /** Loads and validates a model; on failure the previously loaded model stays current. `onProgress` (phase 'loading', job 0) hears of each step: files, checks, building, sizes. */
  loadModel(source: ModelSource, onProgress?: (p: ProgressEvent) => void): Promise<LoadedModel>;
  /** Compresses the loaded model by `plan` (replacing any earlier compression) and measures its exports. */
  compress(job: number, plan: CompressionPlan, train?: TrainSource, onProgress?: (p: ProgressEvent) => void): Promise<CompressOutcome>;
  /** Drops the current compression; evaluations measure the original again. */
  clearCompression(): void;
  /**
   * Reads dropped data (a folder of images, one subfolder per class or none; or a catalog-format
   * entry .json with its .u8 files) into a data set under `id`, replacing one of that id. Images
   * are decoded and resized to `target.shape` in the worker. Undefined when cancelled.
   */
  importData(job: number, id: string, name: string, files: DataFile[], target: ImportTarget, onProgress: (p: ProgressEvent) => void): Promise<ImportedData | undefined>;
  /**
   * Evaluates on `dataset` (its bytes fetched from baseUrl, or an imported set's), fitted to the
   * model's input shape and preprocessed by the entry's scale/mean/std. A compressed model's
   * result carries its fidelity to the original on the same inputs.
   */
  evaluate(job: number, dataset: DatasetEntry, baseUrl: string, options: EvalOptions, onProgress: (p: ProgressEvent) => void, target?: EvalTarget): Promise<EvalOutcome>;
  /** The bytes of the current compression's export (exactly the measured file), for download; `onProgress` (phase 'exporting') hears of the zip / Keras file being written. */
  exportModel(format: ExportFormat, job: number, onProgress?: (p: ProgressEvent) => void): Promise<{ fileName: string; bytes: Uint8Array }>;
  /** Per-layer sensitivity of the loaded model; undefined when cancelled. */
  sensitivity(job: number, dataset: DatasetEntry, baseUrl: string, request: SensitivityRequest, onProgress: (p: ProgressEvent) => void): Promise<SensitivityResult | undefined>;
  cancel(job: number): void;
  /** What the worker holds in memory now: the model's float32 weights, its arrays, TF.js tensors, its JS heap where reported (runtime/memory.ts). */
  memory(): Promise<MemoryReport>;
  /**
   * compress without waiting for the DEFLATE-based sizes: answers once the model is compressed,
   * exported and loaded from its export, with the summary's gzip and zip lengths NaN; they are
   * measured meanwhile on another thread, and compressedSizes(job) gives them. Evaluate at once.
   * A plan with `finetune` trains on `train` first (progress phase 'training'; cancellable per step).
   */
  compressStaged(job: number, plan: CompressionPlan, train?: TrainSource, onProgress?: (p: ProgressEvent) => void): Promise<CompressOutcome>;
  /** The exact sizes of `job`'s compression once measured; undefined when a newer one superseded it. */
  compressedSizes(job: number): Promise<CompressedSizes | undefined>;
  /**
   * The stage view of the compression held (it must be `plan`'s): each stage's compact-file bytes,
   * the last exactly the compact export's, and its top-1 on the first `options.limit` samples of
   * `dataset`; undefined when cancelled (see StagesResult).
   */
  stages(job: number, plan: CompressionPlan, dataset: DatasetEntry, baseUrl: string, options: { limit?: number }, onProgress: (p: ProgressEvent) => void): Promise<StagesResult | undefined>;
}

/**
 * One stage of the stage view (model/compress/stages.ts): original → structural → pruned →
 * quantized / clustered → coded. Bytes are the length of a real compact file of the stage's model
 * (before 'coded': fixed-width values with a dense or CSR index; 'coded': the exported file).
 */
export interface StageResult {
  id: 'original' | 'structural' | 'pruned' | 'quantized' | 'coded';
  /** 'original', 'structural', 'pruned', 'quantized' | 'clustered' | 'float16', 'coded' */
  name: string;
  bytes: number;
  /** the original stage's bytes ÷ these */
  ratio: number;
  /** bytes this step removed: the previous stage's bytes − these (0 for the original) */
  saved: number;
  /** what the step did, e.g. "4-bit codes; CSR index on 3 of 6 tensors (fixed width)" */
  what: string;
  /** where the stage differs from the plan beyond being cut short */
  notes: string[];
  /** whose weights: the loaded model, the final compression (recovery and calibration included), or the plan cut short here (post-training) */
  model: 'original' | 'final' | 'own';
  /** top-1 accuracy (or agreement, see StagesResult.metric) on `count` samples, 0–1 */
  accuracy: number;
}

/** The stage view of one compression, measured on the first `count` samples of `dataset` (an id). */
export interface StagesResult {
  plan: CompressionPlan;
  stages: StageResult[];
  metric: 'accuracy' | 'agreement';
  count: number;
  dataset: string;
}

/** A request to the DEFLATE-length worker (deflate.worker.ts): the level-9 DEFLATE length of each buffer (copied, not transferred). */
export interface DeflateRequest { id: number; buffers: Uint8Array[] }
/** Its answer to request `id`: the lengths in order, or what went wrong. */
export type DeflateReply = { id: number; lengths: number[] } | { id: number; error: string };
