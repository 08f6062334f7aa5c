/**
 * Data sets: the catalog entry format (public/data/catalog.json, also what a user may drop) and
 * turning its uint8 pixel and label files into what a model consumes. An entry describes one split:
 *   images: N×H×W×C uint8, row-major; labels (optional): N uint8 class indices;
 *   model input x = (byte · scale − mean[c]) / std[c]  (mean 0 and std 1 when absent).
 * A split without labels is measured by fidelity to the original model instead of accuracy.
 * No TF.js here: the page imports this module (datasetTensor.ts makes tensors in the worker).
 */
/** One split of a data set, as listed in public/data/catalog.json (paths relative to public/). */
export interface DatasetEntry {
  id: string;
  name: string;
  dataset: string;
  split: 'train' | 'val' | string;
  count: number;
  shape: [number, number, number];
  /** class names by output index; empty for a split without labels */
  classes: string[];
  images: string;
  /** the labels file; absent = unlabelled (fidelity only) */
  labels?: string;
  scale: number;
  /** per-channel (or one for all channels) mean subtracted after scaling */
  mean?: number[];
  /** per-channel (or one for all channels) standard deviation divided by after the mean */
  std?: number[];
  source?: string;
  sha256?: { images: string; labels: string };
}

/** A split's bytes in memory, checked against its entry. */
export interface Dataset {
  entry: DatasetEntry;
  images: Uint8Array;
  /** class index per sample; absent for an unlabelled split */
  labels?: Uint8Array;
}

/** A split that has labels (training and accuracy need them). */
export interface LabelledDataset extends Dataset {
  labels: Uint8Array;
}

/** How a byte becomes a model input: x = (byte · scale − mean[c]) / std[c]. */
export interface Preprocessing {
  scale: number;
  /** one value, or one per channel */
  mean: number[];
  /** one value, or one per channel; all > 0 */
  std: number[];
}

/** The entry's preprocessing with defaults filled in (mean 0, std 1). */
export function preprocessingOf(entry: DatasetEntry): Preprocessing {
  return { scale: entry.scale, mean: entry.mean ?? [0], std: entry.std ?? [1] };
}

/**
 * Checks a preprocessing for `channels` channels; throws an Error that names the field.
 * mean and std hold one value (all channels) or one per channel; scale and std must be > 0.
 */
export function checkPreprocessing(p: Preprocessing, channels: number): Preprocessing {
  if (!(p.scale > 0) || !Number.isFinite(p.scale)) throw new Error(`scale must be a positive number (e.g. 1/255 = 0.00392), got ${p.scale}`);
  for (const [name, values] of [['mean', p.mean], ['std', p.std]] as const) {
    if (values.length !== 1 && values.length !== channels) throw new Error(`${name} needs 1 value or ${channels} (one per channel), got ${values.length}`);
    if (values.some((v) => !Number.isFinite(v))) throw new Error(`${name} must be numbers, got ${values.join(', ')}`);
  }
  if (p.std.some((v) => !(v > 0))) throw new Error(`std must be positive, got ${p.std.join(', ')}`);
  return p;
}

/** Per-channel affine form of a preprocessing, x = byte · gain[c] + offset[c]. */
export function channelAffine(p: Preprocessing, channels: number): { gain: Float32Array; offset: Float32Array } {
  const gain = new Float32Array(channels);
  const offset = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const mean = p.mean.length === 1 ? p.mean[0] : p.mean[c];
    const std = p.std.length === 1 ? p.std[0] : p.std[c];
    gain[c] = p.scale / std;
    offset[c] = -mean / std;
  }
  return { gain, offset };
}

/** The labels of `ds`, or an Error saying the split has none (for training). */
export function requireLabels(ds: Dataset): LabelledDataset {
  if (!ds.labels) throw new Error(`${ds.entry.name} has no labels: training and accuracy need a labelled split`);
  return ds as LabelledDataset;
}

/** Checks the shape of one parsed catalog entry; throws an Error naming the field that is wrong. */
export function parseDatasetEntry(value: unknown, where = 'data catalog'): DatasetEntry {
  const e = value as Partial<DatasetEntry> | null;
  const fail = (what: string): never => { throw new Error(`${where}: ${what}`); };
  if (typeof e !== 'object' || e === null) return fail('an entry is not an object');
  for (const key of ['id', 'name', 'split', 'images'] as const) {
    if (typeof e[key] !== 'string' || e[key] === '') fail(`entry ${e.id ?? '?'} has no string "${key}"`);
  }
  if (e.labels !== undefined && (typeof e.labels !== 'string' || e.labels === '')) fail(`entry ${e.id}: "labels" must name the labels file (or be left out for unlabelled data)`);
  if (!Number.isInteger(e.count) || (e.count as number) < 1) fail(`entry ${e.id}: "count" must be a positive integer`);
  if (!Array.isArray(e.shape) || e.shape.length !== 3 || !e.shape.every((d) => Number.isInteger(d) && d > 0)) {
    fail(`entry ${e.id}: "shape" must be [H, W, C] of positive integers`);
  }
  if (e.labels !== undefined && (!Array.isArray(e.classes) || e.classes.length < 2 || e.classes.length > 256)) fail(`entry ${e.id}: "classes" must list 2–256 names`);
  if (e.classes !== undefined && (!Array.isArray(e.classes) || e.classes.some((c) => typeof c !== 'string'))) fail(`entry ${e.id}: "classes" must be a list of names`);
  if (typeof e.scale !== 'number' || !(e.scale > 0)) fail(`entry ${e.id}: "scale" must be a positive number`);
  for (const key of ['mean', 'std'] as const) {
    const v = e[key];
    if (v !== undefined && (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number'))) fail(`entry ${e.id}: "${key}" must be a list of numbers (one, or one per channel)`);
  }
  const entry = { dataset: e.id as string, ...e, classes: e.classes ?? [] } as DatasetEntry;
  try {
    checkPreprocessing(preprocessingOf(entry), entry.shape[2]);
  } catch (err) {
    fail(`entry ${e.id}: ${(err as Error).message}`);
  }
  return entry;
}

/** Wraps loaded bytes as a Dataset after checking their lengths and label range against the entry. */
export function makeDataset(entry: DatasetEntry, images: Uint8Array, labels: Uint8Array): LabelledDataset;
export function makeDataset(entry: DatasetEntry, images: Uint8Array, labels?: Uint8Array): Dataset;
export function makeDataset(entry: DatasetEntry, images: Uint8Array, labels?: Uint8Array): Dataset {
  const [h, w, c] = entry.shape;
  if (images.length !== entry.count * h * w * c) {
    throw new Error(`${entry.images}: ${images.length} bytes, expected ${entry.count}×${h}×${w}×${c} = ${entry.count * h * w * c}`);
  }
  if (!labels) return { entry, images };
  const file = entry.labels ?? 'labels';
  if (labels.length !== entry.count) throw new Error(`${file}: ${labels.length} labels, expected ${entry.count}`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= entry.classes.length) throw new Error(`${file}: label ${labels[i]} at index ${i} is not below ${entry.classes.length} classes`);
  }
  return { entry, images, labels };
}
