/**
 * Evaluation of a classifier on a split: its outputs on every sample, from which top-1 accuracy,
 * cross-entropy loss and a confusion matrix (labelled splits) and fidelity to a reference model
 * (when one is given) are computed (metrics.ts); then batch-1 latency (median and p90 after
 * warm-up) and throughput at a larger batch, all on the active tfjs backend. Cancellable between batches.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../model/dataset';
import { imagesToTensor } from '../model/datasetTensor';
import { toClassifier, type Classifier } from '../model/classifier';
import type { TfModel } from '../model/weights';
import { accuracyStats, argmaxRow, fidelity, probabilitiesRow } from './metrics';
import type { EvalOptions, EvalOutcome, EvalPhase, SamplePrediction } from './protocol';

export interface EvalHooks {
  job: number;
  onProgress?: (phase: EvalPhase, fraction: number, message: string) => void;
  isCancelled?: () => boolean;
  /** yields to the event loop so cancel messages can arrive (default: a macrotask). */
  yieldNow?: () => Promise<void>;
  /** the original model's outputs on the same samples: fidelity is measured against them */
  reference?: Float32Array;
  /** receives this model's outputs (count × classes) once they are all in */
  onOutputs?: (outputs: Float32Array) => void;
}

const defaultYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** p-th percentile (0–100) by linear interpolation between closest ranks of sorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

// Progress is split across phases so that it only ever grows: accuracy 0–0.75, latency to 0.95.
const SPAN: Record<EvalPhase, [number, number]> = { data: [0, 0], training: [0, 0], accuracy: [0, 0.75], latency: [0.75, 0.95], throughput: [0.95, 1] };

/** Evaluates a LayersModel, a GraphModel or any Classifier on `ds` (see the file comment). */
export async function evaluateModel(target: TfModel | Classifier, ds: Dataset, options: EvalOptions, hooks: EvalHooks): Promise<EvalOutcome> {
  const model: Classifier = 'classes' in target ? target : toClassifier(target);
  const started = performance.now();
  const count = Math.min(options.limit ?? ds.entry.count, ds.entry.count);
  const batchSize = options.batchSize ?? 250;
  const yieldNow = hooks.yieldNow ?? defaultYield;
  const report = (phase: EvalPhase, within: number, message: string) => {
    const [a, b] = SPAN[phase];
    hooks.onProgress?.(phase, a + (b - a) * within, message);
  };
  const cancelled = () => hooks.isCancelled?.() ?? false;
  const outClasses = model.classes;
  const classes = ds.entry.classes.length;
  if (ds.labels && outClasses !== classes) {
    throw new Error(`the model outputs ${outClasses} classes but ${ds.entry.name} has ${classes}: pick a data set with the same classes`);
  }

  const labels = ds.labels;
  const size = ds.entry.shape[0] * ds.entry.shape[1] * ds.entry.shape[2];
  const outputs = new Float32Array(count * outClasses);
  for (let start = 0; start < count; start += batchSize) {
    if (cancelled()) return { type: 'cancelled', job: hooks.job };
    const n = Math.min(batchSize, count - start);
    const probs = tf.tidy(() => model.predict(imagesToTensor(ds, start, n)) as tf.Tensor);
    const p = (await probs.data()) as Float32Array;
    probs.dispose();
    if (p.length !== n * outClasses) throw new Error(`the model returned ${p.length / n} values per image, expected ${outClasses}`);
    outputs.set(p, start * outClasses);
    report('accuracy', (start + n) / count, `${labels ? 'accuracy' : 'outputs'} ${start + n}/${count}`);
    await yieldNow();
  }
  if (cancelled()) return { type: 'cancelled', job: hooks.job };
  hooks.onOutputs?.(outputs);
  const stats = labels ? accuracyStats(outputs, labels, count, outClasses) : { accuracy: NaN, loss: NaN, confusion: [] };
  const fid = hooks.reference ? fidelity(hooks.reference, outputs, count, outClasses) : undefined;
  const samples: SamplePrediction[] = [];
  for (let i = 0; i < Math.min(options.sampleCount ?? 8, count); i++) {
    samples.push({ index: i, label: labels ? labels[i] : -1, predicted: argmaxRow(outputs, i, outClasses),
      probabilities: Array.from(probabilitiesRow(outputs, i, outClasses)),
      pixels: ds.images.slice(i * size, (i + 1) * size), shape: ds.entry.shape });
  }

  const latencyRuns = Math.max(options.latencyRuns ?? 30, 1);
  const warmup = options.warmupRuns ?? 5;
  const one = imagesToTensor(ds, 0, 1);
  const times: number[] = [];
  try {
    for (let r = 0; r < warmup + latencyRuns; r++) {
      if (cancelled()) return { type: 'cancelled', job: hooks.job };
      const t0 = performance.now();
      const y = model.predict(one) as tf.Tensor;
      await y.data();
      const t1 = performance.now();
      y.dispose();
      if (r >= warmup) times.push(t1 - t0);
      report('latency', (r + 1) / (warmup + latencyRuns), `latency run ${r + 1}/${warmup + latencyRuns}`);
      if (r % 5 === 4) await yieldNow();
    }
  } finally {
    one.dispose();
  }

  const tBatch = Math.min(options.throughputBatch ?? 64, count);
  const big = imagesToTensor(ds, 0, tBatch);
  let imagesPerSec: number;
  try {
    const runs = 3;
    let best = Infinity;
    for (let r = 0; r <= runs; r++) {
      if (cancelled()) return { type: 'cancelled', job: hooks.job };
      const t0 = performance.now();
      const y = model.predict(big) as tf.Tensor;
      await y.data();
      const dt = performance.now() - t0;
      y.dispose();
      if (r > 0) best = Math.min(best, dt); // run 0 is warm-up for the larger shape
      report('throughput', (r + 1) / (runs + 1), `throughput run ${r + 1}/${runs + 1}`);
      await yieldNow();
    }
    imagesPerSec = (tBatch / best) * 1000;
  } finally {
    big.dispose();
  }

  return {
    type: 'done',
    job: hooks.job,
    backend: tf.getBackend() as EvalOutcome extends { backend: infer B } ? B : never,
    dataset: ds.entry.id,
    count,
    labelled: Boolean(labels),
    ...stats,
    ...(fid ? { fidelity: fid } : {}),
    latency: { medianMs: percentile(times, 50), p90Ms: percentile(times, 90), runs: times.length },
    throughput: { batch: tBatch, imagesPerSec },
    samples,
    elapsedMs: performance.now() - started,
  };
}
