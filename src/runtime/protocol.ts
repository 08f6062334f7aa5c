/**
 * Messages between the studio worker and the page: progress and results as unions keyed on
 * `type`. Units: bytes, milliseconds, images per second; accuracy and fractions in [0, 1].
 */
import type { CompressedSummary } from '../model/compress/session';
import type { ModelInfo } from '../model/modelInfo';
import type { CompressionPlan } from '../model/plan';
import type { ModelFile } from '../model/modelFiles';
import type { DatasetEntry } from '../model/dataset';

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

export type ModelSource =
  | { kind: 'url'; url: string; name: string }
  | { kind: 'files'; files: ModelFile[]; name: string };

export type EvalPhase = 'data' | 'accuracy' | 'latency' | 'throughput';

/** Progress of one job; `fraction` (0–1) never decreases within a job and ends at 1. */
export interface ProgressEvent {
  type: 'progress';
  job: number;
  phase: EvalPhase;
  fraction: number;
  message: string;
}

/** A validation image's prediction, for the sample strip and for cross-backend checks. */
export interface SamplePrediction {
  index: number;
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
  /** top-1 accuracy in [0, 1]. */
  accuracy: number;
  /** mean categorical cross-entropy, −ln p(label), with p clipped to ≥ 1e-7. */
  loss: number;
  /** confusion[label][predicted] = count. */
  confusion: number[][];
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
}

export type CompressOutcome = { type: 'done'; job: number; summary: CompressedSummary } | { type: 'cancelled'; job: number };

/** Which model an evaluation measures: the loaded one, or the current compression of it. */
export type EvalTarget = 'original' | 'compressed';

export type ExportFormat = 'tfjs-zip' | 'compact';

/** A sensitivity analysis: which technique, at which levels (prune ratios, or bits), on how many samples. */
export interface SensitivityRequest {
  technique: 'prune' | 'quantize';
  levels: number[];
  limit?: number;
}

/** accuracy[i][j] = top-1 with only layers[i] compressed at levels[j], on `count` validation samples. */
export interface SensitivityResult {
  technique: SensitivityRequest['technique'];
  levels: number[];
  layers: string[];
  accuracy: number[][];
  /** top-1 of the uncompressed model on the same samples */
  baseline: number;
  count: number;
}

/** The worker's typed interface (Comlink). The page never runs TF.js itself. */
export interface StudioApi {
  init(choice: BackendChoice): Promise<BackendInfo>;
  setBackend(choice: BackendChoice): Promise<BackendInfo>;
  /** Loads and validates a model; on failure the previously loaded model stays current. */
  loadModel(source: ModelSource): Promise<LoadedModel>;
  /** Compresses the loaded model by `plan` (replacing any earlier compression) and measures its exports. */
  compress(job: number, plan: CompressionPlan): Promise<CompressOutcome>;
  /** Drops the current compression; evaluations measure the original again. */
  clearCompression(): void;
  evaluate(job: number, dataset: DatasetEntry, baseUrl: string, options: EvalOptions, onProgress: (p: ProgressEvent) => void, target?: EvalTarget): Promise<EvalOutcome>;
  /** The bytes of the current compression's export (exactly the measured file), for download. */
  exportModel(format: ExportFormat, job: number): Promise<{ fileName: string; bytes: Uint8Array }>;
  /** Per-layer sensitivity of the loaded model; undefined when cancelled. */
  sensitivity(job: number, dataset: DatasetEntry, baseUrl: string, request: SensitivityRequest, onProgress: (p: ProgressEvent) => void): Promise<SensitivityResult | undefined>;
  cancel(job: number): void;
}
