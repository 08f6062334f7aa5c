/**
 * A fake studio worker for the store's tests: every call is recorded and waits until the test
 * answers it (`answer`, `fail`), except cancel and clearCompression, which answer at once. The
 * progress listeners a call was given can be called by the test, as the worker would.
 */
import type { DatasetEntry } from '../model/dataset';
import type { CompressedSummary } from '../model/compress/session';
import type { EvalResult, LoadedModel, ProgressEvent, StudioApi, TrainingMetrics } from '../runtime/protocol';
import type { StudioDeps, WorkerApi } from './types';

/** One call to the fake worker, waiting for its answer. */
export interface FakeCall {
  method: keyof StudioApi;
  args: unknown[];
  settled: boolean;
  answer(value?: unknown): void;
  fail(error: Error): void;
}

/** Calls the fake answers at once, as the real worker does at once for these (a test may take one out to play a stuck worker). */
const IMMEDIATE = ['cancel', 'clearCompression'] as const;

/** The fake worker (a new "worker" after each restart, as the client does) and deps for createStudioStore. */
export class FakeStudio {
  calls: FakeCall[] = [];
  restarts = 0;
  crash?: (message: string) => void;
  hash = '';
  hashWrites: string[] = [];
  saved: string[] = [];
  /** methods answered at once */
  immediate = new Set<keyof StudioApi>(IMMEDIATE);
  readonly api: WorkerApi;

  constructor() {
    this.api = new Proxy({} as WorkerApi, {
      get: (_, method: keyof StudioApi) => (...args: unknown[]) => new Promise((resolve, reject) => {
        const call: FakeCall = {
          method, args, settled: false,
          answer: (v) => { call.settled = true; resolve(v); },
          fail: (e) => { call.settled = true; reject(e); },
        };
        this.calls.push(call);
        if (this.immediate.has(method)) call.answer();
      }),
    });
  }

  /** The oldest unanswered call of `method`; throws when there is none (the store did not make it). */
  pending(method: keyof StudioApi): FakeCall {
    const call = this.calls.find((c) => c.method === method && !c.settled);
    if (!call) throw new Error(`no unanswered ${method} call; calls so far: ${this.calls.map((c) => c.method).join(', ')}`);
    return call;
  }

  /** Every call of `method`, answered or not. */
  made(method: keyof StudioApi): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  deps(): StudioDeps {
    return {
      studio: () => this.api,
      restartStudio: () => { this.restarts++; },
      onWorkerCrash: (listener) => { this.crash = listener; },
      proxy: (callback) => callback,
      baseUrl: 'http://studio.test/',
      fetchJson: async (path) => (path === 'models/catalog.json' ? MODEL_CATALOG : DATA_CATALOG),
      hash: { read: () => this.hash, write: (h) => { this.hash = h; this.hashWrites.push(h); } },
      saveBlob: (_blob, name) => { this.saved.push(name); },
    };
  }
}

/** Lets every promise chain that can move on do so (answers travel through several awaits). */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A models/catalog.json with two bundled models. */
export const MODEL_CATALOG = [
  { id: 'lenet-300-100', name: 'LeNet-300-100 (MNIST)', model: 'models/lenet-300-100/model.json', dataset: 'mnist-val', accuracy: 0.976 },
  { id: 'lenet-5', name: 'LeNet-5 (MNIST)', model: 'models/lenet-5/model.json', dataset: 'mnist-val', accuracy: 0.9895 },
];

const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** A data/catalog.json with MNIST's validation and training splits. */
export const DATA_CATALOG: DatasetEntry[] = [
  { id: 'mnist-val', name: 'MNIST (validation)', dataset: 'mnist', split: 'val', count: 2000, shape: [28, 28, 1], classes: digits, images: 'data/mnist/val-images.u8', labels: 'data/mnist/val-labels.u8', scale: 1 / 255 },
  { id: 'mnist-train', name: 'MNIST (training)', dataset: 'mnist', split: 'train', count: 8000, shape: [28, 28, 1], classes: digits, images: 'data/mnist/train-images.u8', labels: 'data/mnist/train-labels.u8', scale: 1 / 255 },
];

/** A loaded model as the worker describes it. */
export function loadedModel(name: string, inputShape = [-1, 28, 28, 1]): LoadedModel {
  return { name, params: 1000, inputShape, outputShape: [-1, 10], layers: [], size: { raw: 4000, gzip: 3000, files: [] }, compact: { raw: 3500, gzip: 3400 },
    opened: { kind: 'tfjs', bytes: 4000, files: [] }, float32: { raw: 4000, gzip: 3000 } };
}

/** A finished evaluation of `job` with top-1 `accuracy`. */
export function evalResult(job: number, accuracy: number): EvalResult {
  return {
    type: 'done', job, backend: 'wasm', dataset: 'mnist-val', count: 2000, labelled: true, accuracy, loss: 0.1, confusion: [],
    latency: { medianMs: 0.3, p90Ms: 0.5, runs: 30 }, throughput: { batch: 64, imagesPerSec: 1000 }, samples: [], elapsedMs: 100,
  };
}

/** A compression summary with exact sizes (gzip and zip NaN until measured, as compressStaged gives it). */
export function summary(compact: number): CompressedSummary {
  const sizes = { compact: { raw: compact, gzip: NaN }, tfjs: { raw: compact * 4, gzip: NaN, zip: NaN } };
  return { sizes, fallbacks: [] } as unknown as CompressedSummary;
}

/** A progress event of `job`. */
export const progressOf = (job: number, phase: ProgressEvent['phase'], fraction: number): ProgressEvent => ({ type: 'progress', job, phase, fraction, message: phase });

/**
 * A training progress event of `job`, as the worker sends while a recovery runs: step `step` of
 * `steps` (fraction step/steps, message "distilling: step …"), with the mean loss and the top-1
 * agreement with the original over the steps since the last report.
 */
export function trainingOf(job: number, step: number, steps: number, loss: number, agreement: number, stage: TrainingMetrics['stage'] = 'masked'): ProgressEvent {
  return { type: 'progress', job, phase: 'training', fraction: step / steps, message: `step ${step}/${steps}`, training: { stage, step, steps, loss, agreement } };
}

/** A data set the user dropped, as importData describes it (labelled: class folders). */
export function userEntry(id: string, count: number, labelled: boolean): DatasetEntry {
  return { id, name: `shots (your data)`, dataset: id, split: 'val', count, shape: [28, 28, 1], classes: labelled ? digits : [], images: 'shots/', ...(labelled ? { labels: 'shots/ class folders' } : {}), scale: 1 / 255 };
}
