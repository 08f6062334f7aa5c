/**
 * Bundled data sets: the catalog entry format (public/data/catalog.json) and turning its uint8
 * pixel and label files into what a model consumes. An entry describes one split:
 *   images: N×H×W×C uint8, row-major; labels: N uint8 class indices; pixel value = byte · scale.
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
  classes: string[];
  images: string;
  labels: string;
  scale: number;
  source?: string;
  sha256?: { images: string; labels: string };
}

/** A split's bytes in memory, checked against its entry. */
export interface Dataset {
  entry: DatasetEntry;
  images: Uint8Array;
  labels: Uint8Array;
}

/** Checks the shape of one parsed catalog entry; throws an Error naming the field that is wrong. */
export function parseDatasetEntry(value: unknown, where = 'data catalog'): DatasetEntry {
  const e = value as Partial<DatasetEntry> | null;
  const fail = (what: string): never => { throw new Error(`${where}: ${what}`); };
  if (typeof e !== 'object' || e === null) return fail('an entry is not an object');
  for (const key of ['id', 'name', 'split', 'images', 'labels'] as const) {
    if (typeof e[key] !== 'string' || e[key] === '') fail(`entry ${e.id ?? '?'} has no string "${key}"`);
  }
  if (!Number.isInteger(e.count) || (e.count as number) < 1) fail(`entry ${e.id}: "count" must be a positive integer`);
  if (!Array.isArray(e.shape) || e.shape.length !== 3 || !e.shape.every((d) => Number.isInteger(d) && d > 0)) {
    fail(`entry ${e.id}: "shape" must be [H, W, C] of positive integers`);
  }
  if (!Array.isArray(e.classes) || e.classes.length < 2 || e.classes.length > 256) fail(`entry ${e.id}: "classes" must list 2–256 names`);
  if (typeof e.scale !== 'number' || !(e.scale > 0)) fail(`entry ${e.id}: "scale" must be a positive number`);
  return { dataset: e.id as string, ...e } as DatasetEntry;
}

/** Wraps loaded bytes as a Dataset after checking their lengths and label range against the entry. */
export function makeDataset(entry: DatasetEntry, images: Uint8Array, labels: Uint8Array): Dataset {
  const [h, w, c] = entry.shape;
  if (images.length !== entry.count * h * w * c) {
    throw new Error(`${entry.images}: ${images.length} bytes, expected ${entry.count}×${h}×${w}×${c} = ${entry.count * h * w * c}`);
  }
  if (labels.length !== entry.count) throw new Error(`${entry.labels}: ${labels.length} labels, expected ${entry.count}`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= entry.classes.length) throw new Error(`${entry.labels}: label ${labels[i]} at index ${i} is not below ${entry.classes.length} classes`);
  }
  return { entry, images, labels };
}
