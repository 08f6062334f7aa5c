/**
 * The data sets a CLI command reads: `--dataset` for eval (a catalog id or an entry JSON, labelled)
 * and `--train` for a recovery or Taylor scores — a catalog id, an entry JSON (labels optional) or
 * a folder of PNG / JPEG images (node/imageFolder.ts). The training data is prepared as the studio's
 * worker prepares a TrainSource (studio.ts `prepared`): fitted to the model's input shape
 * (imageFit.fitDataset) and preprocessed as
 *   - `--dataset`'s entry, when given (x = (byte · scale − mean) / std);
 *   - else a bundled split as its data set's validation split (the studio's trainChoices does so),
 *     an entry JSON as it says, and an image folder by scale 1/255 (mean 0, std 1).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fitDataset, imageInputShape } from '../model/data/imageFit';
import { checkPreprocessing, makeDataset, parseDatasetEntry, preprocessingOf, type Dataset, type DatasetEntry, type Preprocessing } from '../model/dataset';
import type { CompressionPlan } from '../model/plan';
import { MAX_IMAGE_BYTES } from '../runtime/importData';
import { readRegularFile, resolveInside } from '../node/files';
import { readImageFolder } from '../node/imageFolder';
import { datasetCatalog, readDataset } from '../node/io';
import { UsageError } from './args';
import { readJsonFlag } from './planFlags';

/** Preprocessing of an image folder when no --dataset says otherwise: bytes / 255. */
export const FOLDER_PREPROCESSING: Preprocessing = { scale: 1 / 255, mean: [0], std: [1] };

/** The catalog entry named by `spec` (a catalog id or an entry JSON file), without reading its bytes. */
function entryOf(spec: string, flag: string): DatasetEntry {
  if (spec.endsWith('.json')) return parseDatasetEntry(readJsonFlag(flag, spec), spec);
  const entry = datasetCatalog().find((e) => e.id === spec);
  if (!entry) throw new UsageError(`--${flag} ${spec}: not in the catalog (${datasetCatalog().map((e) => e.id).join(', ')}) and not a .json entry file`);
  return entry;
}

/**
 * A data set from a catalog id or an entry JSON whose image (and label) files sit beside it, each
 * read no larger than the entry declares. `labelled`: refuse an entry without labels (eval).
 */
export function datasetFrom(spec: string, flag = 'dataset', labelled = true): Dataset {
  const entry = entryOf(spec, flag);
  if (!spec.endsWith('.json')) return readDataset(spec);
  const dir = dirname(spec);
  if (labelled && !entry.labels) throw new UsageError(`--${flag} ${spec}: the entry has no "labels" file; eval measures accuracy and needs labels`);
  const read = (rel: string, bytes: number) => {
    const real = resolveInside(dir, rel, `--${flag} ${spec}`);
    if (!real) throw new Error(`--${flag} ${spec}: the entry names "${rel}", which is not in ${dir}`);
    return new Uint8Array(readRegularFile(real, bytes, `${rel} (named by ${spec})`));
  };
  const sample = entry.shape.reduce((a, b) => a * b, 1);
  return makeDataset(entry, read(entry.images, entry.count * sample), entry.labels ? read(entry.labels, entry.count) : undefined);
}

/** What the training data is fitted to: the model's input shape (batch first, −1 unknown) and class count. */
export interface TrainTarget {
  inputShape: number[];
  classes: number;
}

/**
 * `--train spec` prepared for `plan` on a model of `target` (file comment); `preprocessAs` is
 * `--dataset`. Returns the data and notes for stderr. Throws naming the flag: an unknown spec, a
 * fine-tuning (or α > 0) on data without labels (`flag`: the flag named in errors, --train or --calibrate), labels whose class count is not the model's.
 */
export function trainDataFrom(spec: string, plan: CompressionPlan, target: TrainTarget, preprocessAs?: string, flag: 'train' | 'calibrate' = 'train'): { data: Dataset; notes: string[] } {
  let shape: [number, number, number];
  let flat = false;
  try {
    shape = imageInputShape(target.inputShape);
  } catch (e) {
    // A flat input ([N, 784]) takes a catalog split of as many values per sample as it is (the trainer reshapes it); images cannot be fitted to it.
    flat = true;
    shape = [1, 1, 1];
    if (existsSync(spec) && statSync(spec).isDirectory()) throw new Error(`--${flag} ${spec}: ${(e as Error).message}`, { cause: e });
  }
  const given = preprocessAs ? preprocessingOf(entryOf(preprocessAs, 'dataset')) : undefined;
  const isFolder = existsSync(spec) && statSync(spec).isDirectory();
  let source: Dataset;
  let notes: string[] = [];
  let preprocessing: Preprocessing;
  if (isFolder) {
    preprocessing = given ?? FOLDER_PREPROCESSING;
    ({ dataset: source, notes } = readImageFolder(spec, { shape, classes: target.classes, preprocessing }, `--${flag} ${spec}`));
  } else {
    if (!spec.endsWith('.json') && !datasetCatalog().some((e) => e.id === spec)) {
      throw new UsageError(`--${flag} ${spec}: not in the catalog (${datasetCatalog().map((e) => e.id).join(', ')}), not a .json entry file and not a folder`);
    }
    source = datasetFrom(spec, 'train', false);
    const val = spec.endsWith('.json') ? undefined : datasetCatalog().find((e) => e.dataset === source.entry.dataset && e.split === 'val');
    preprocessing = given ?? preprocessingOf(val ?? source.entry);
    if (flat) {
      const size = source.entry.shape.reduce((a, b) => a * b, 1);
      const wants = target.inputShape.slice(1).reduce((a, b) => a * b, 1);
      if (size !== wants) throw new Error(`--${flag} ${spec}: its samples hold ${size} values (${source.entry.shape.join('×')}) but the model's input [${target.inputShape.join(', ')}] takes ${wants}; use data of the model's input size`);
      shape = source.entry.shape;
    }
    const bytes = source.entry.count * shape[0] * shape[1] * shape[2];
    if (bytes > MAX_IMAGE_BYTES) throw new Error(`--${flag} ${spec}: ${source.entry.count} samples at the model's ${shape.join('×')} input would take ${Math.round(bytes / 2 ** 20)} MiB; use a smaller data set`);
    source = fitDataset(source, shape);
  }
  checkPreprocessing(preprocessing, shape[2]);
  const data: Dataset = { ...source, entry: { ...source.entry, scale: preprocessing.scale, mean: preprocessing.mean, std: preprocessing.std } };
  const usesLabels = Boolean(plan.finetune) || (plan.distill?.alpha ?? 0) > 0;
  if (usesLabels && !data.labels) {
    throw new UsageError(plan.finetune
      ? `--${flag} ${spec}: has no labels${isFolder ? ' (no class subfolders)' : ''}, and fine-tuning needs them; use --distill <epochs> instead (it learns from the original model's outputs)`
      : `--${flag} ${spec}: has no labels${isFolder ? ' (no class subfolders)' : ''}, and --alpha > 0 weighs a label loss; use --alpha 0`);
  }
  if (usesLabels && data.entry.classes.length !== target.classes) {
    throw new Error(`--${flag} ${spec}: its labels name ${data.entry.classes.length} classes but the model outputs ${target.classes}; use data with the model's classes`);
  }
  if (plan.distill && data.labels && !usesLabels) notes.push(`the labels of --train ${spec} are ignored: distillation with α = 0 learns from the original's outputs only (--alpha > 0 weighs them in)`);
  return { data, notes };
}
