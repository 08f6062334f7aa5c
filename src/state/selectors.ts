/**
 * Pure reads of the studio state, shared by the slices and the components.
 */
import { preprocessingOf, type DatasetEntry, type Preprocessing } from '../model/dataset';
import { imageInputShape } from '../model/data/imageFit';
import { sizeRatio } from '../core/sizeRatio';
import type { EvalResult, LoadedModel } from '../runtime/protocol';
import type { ChartPoint, StudioState } from './types';

/** The chart's y value of an evaluation: accuracy on labelled data, else agreement with the original. */
export function scoreOf(outcome: EvalResult): Pick<ChartPoint, 'accuracy' | 'metric' | 'meanKl'> {
  if (outcome.labelled) return { accuracy: outcome.accuracy, metric: 'accuracy', meanKl: outcome.fidelity?.meanKl };
  return { accuracy: outcome.fidelity?.agreement ?? NaN, metric: 'agreement', meanKl: outcome.fidelity?.meanKl };
}

/** The data set selected now (bundled or the user's), if any. */
export const currentDataset = (s: Pick<StudioState, 'datasets' | 'datasetId'>) => s.datasets.find((d) => d.id === s.datasetId);

/** The bundled training split of `entry`'s data (what fine-tuning trains on), if there is one. */
export const trainSplitOf = (s: Pick<StudioState, 'trainSplits'>, entry: DatasetEntry | undefined) => (entry ? s.trainSplits.find((t) => t.dataset === entry.dataset) : undefined);

/** A data set's preprocessing as a comparable string (chart points record the one they were measured with). */
export const preprocessingKey = (entry: DatasetEntry) => JSON.stringify(preprocessingOf(entry));

/** Preprocessing of dropped data when there is no data set to take it from: bytes to [0, 1]. */
export const DEFAULT_PREPROCESSING: Preprocessing = { scale: 1 / 255, mean: [0], std: [1] };

/** Whether a data set id is the user's (dropped) data rather than a bundled split. */
export const isUserData = (id?: string) => Boolean(id?.startsWith('user-'));

/** [H, W, C] of a loaded model's image input; throws an Error saying why it takes no images. */
export const imageShape = (model: LoadedModel) => imageInputShape(model.inputShape);

/** The number of classes a model outputs (its output's last dimension). */
export const classesOf = (model: LoadedModel) => model.outputShape[model.outputShape.length - 1];

/** An error's message for the banner, without a leading "Error: ". */
export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^Error: /, '');

/** The next chart point id: one more than the newest (points are only ever appended). */
export const nextPointId = (points: readonly ChartPoint[]) => (points.at(-1)?.id ?? 0) + 1;

/**
 * The name an export downloads under: the model's own name (a Keras file's name without its
 * extension; a dropped model's without "(your model)"), made file-safe, then the export's file
 * name, e.g. "mnist-cnn-keras3-model.keras" or "LeNet-5-MNIST-model.cstu".
 */
export function downloadName(model: Pick<LoadedModel, 'name' | 'converted'> | undefined, fileName: string): string {
  const own = model?.converted ? model.converted.file.replace(/^.*\//, '').replace(/\.[^.]+$/, '') : (model?.name ?? 'model').replace(/\s*\(your model\)$/, '');
  const safe = own.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${safe}-${fileName}`;
}

/** The bytes a loaded model's ratios are taken against: the files it was opened from, and its float32 TF.js files. */
export const sizeReferences = (model: Pick<LoadedModel, 'opened' | 'float32'>) => ({ openedBytes: model.opened.bytes, float32Bytes: model.float32.raw });

/**
 * A point's size ratios, reference ÷ export (above 1: smaller), for both exports against the
 * files the model was opened from and against its float32 TF.js files; NaN where a reference is unknown.
 */
export function pointRatios(p: Pick<ChartPoint, 'compactBytes' | 'tfjsBytes' | 'openedBytes' | 'float32Bytes'>) {
  const opened = p.openedBytes ?? NaN, float32 = p.float32Bytes ?? NaN;
  return {
    compactVsOpened: sizeRatio(opened, p.compactBytes), tfjsVsOpened: sizeRatio(opened, p.tfjsBytes),
    compactVsFloat32: sizeRatio(float32, p.compactBytes), tfjsVsFloat32: sizeRatio(float32, p.tfjsBytes),
  };
}

/** "the file you opened" (one file) or "the files you opened" (a model.json with its shards). */
export const openedPhrase = (model: Pick<LoadedModel, 'opened'>) => (model.opened.files.length === 1 ? 'the file you opened' : 'the files you opened');
