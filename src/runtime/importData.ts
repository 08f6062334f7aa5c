/**
 * Turns dropped data files into a data set in the worker: a catalog-format entry (.json + .u8
 * files) is read as it is; otherwise the images are labelled by folder (userData.labelImages)
 * and decoded at the model's input size (decodeImages). Everything stays in this page.
 */
import { makeDataset, type Dataset, type DatasetEntry } from '../model/dataset';
import { findCatalogData, IMAGE_FILE, labelImages } from '../model/data/userData';
import { decodeImages } from './decodeImages';
import type { DataFile, ImportTarget } from './protocol';

/** Decoded images may take at most this many bytes (a 224×224×3 set: ~5 300 images). */
export const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Reads `files` as a data set with id `id` (see the file comment); undefined when cancelled. */
export async function importDataFiles(id: string, name: string, files: readonly DataFile[], target: ImportTarget,
  hooks: { onProgress?: (done: number, total: number) => void; isCancelled?: () => boolean } = {}): Promise<{ dataset: Dataset; notes: string[]; kind: 'images' | 'file' } | undefined> {
  const names = files.map((f) => f.name);
  const byName = new Map(files.map((f) => [f.name, f.blob]));
  const texts = new Map<string, string>();
  for (const f of files) if (/\.json$/i.test(f.name)) texts.set(f.name, await f.blob.text());
  const catalog = findCatalogData(names, (n) => texts.get(n) ?? '');
  if (catalog) {
    const bytes = async (n: string) => new Uint8Array(await (byName.get(n) as Blob).arrayBuffer());
    const entry: DatasetEntry = { ...catalog.entry, id, name: `${catalog.entry.name} (your data)`, dataset: 'user' };
    if (catalog.labelsFile && entry.classes.length !== target.classes) {
      throw new Error(`${catalog.imagesFile}: the entry lists ${entry.classes.length} classes but the model outputs ${target.classes}: use data with the model's classes, or leave out "labels" to measure fidelity`);
    }
    const images = await bytes(catalog.imagesFile);
    const ds = makeDataset(entry, images, catalog.labelsFile ? await bytes(catalog.labelsFile) : undefined);
    const [h, w, c] = entry.shape;
    const notes = [`${plural(entry.count, 'sample')} of ${h}×${w}×${c} from ${catalog.imagesFile}${ds.labels ? `, labels from ${catalog.labelsFile}` : ', no labels: measured by fidelity to the original model'}`];
    if (h !== target.shape[0] || w !== target.shape[1] || c !== target.shape[2]) notes.push(`resized to the model's ${target.shape.join('×')} input when evaluated`);
    return { dataset: ds, notes, kind: 'file' };
  }

  const imagePaths = names.filter((n) => IMAGE_FILE.test(n));
  const others = names.length - imagePaths.length;
  const labelling = labelImages(imagePaths, target.classes);
  const [h, w, c] = target.shape;
  if (labelling.paths.length * h * w * c > MAX_IMAGE_BYTES) {
    throw new Error(`${plural(labelling.paths.length, 'image')} at ${h}×${w}×${c} would take ${Math.round((labelling.paths.length * h * w * c) / 2 ** 20)} MiB; drop at most ${Math.floor(MAX_IMAGE_BYTES / (h * w * c)).toLocaleString('en-US')} images`);
  }
  const decoded = await decodeImages(labelling.paths.map((p) => ({ name: p, blob: byName.get(p) as Blob })), target.shape, hooks);
  if (!decoded) return undefined;
  const folder = labelling.root ?? 'dropped files';
  if (decoded.decoded.length === 0) throw new Error(`${folder}: none of the ${plural(labelling.paths.length, 'image')} could be decoded (${decoded.failed.slice(0, 2).join('; ')})`);
  const labels = labelling.labels ? Uint8Array.from(decoded.decoded, (i) => (labelling.labels as Uint8Array)[i]) : undefined;
  const entry: DatasetEntry = {
    id, name, dataset: 'user', split: 'val', count: decoded.decoded.length, shape: [h, w, c],
    classes: labelling.classes, images: `${folder}/ (${plural(decoded.decoded.length, 'image')})`,
    ...(labels ? { labels: `${folder}/ class folders` } : {}),
    scale: target.preprocessing.scale, mean: target.preprocessing.mean, std: target.preprocessing.std,
    source: 'your images, decoded and resized in this page (nothing leaves it)',
  };
  const notes = [
    `${plural(decoded.decoded.length, 'image')} from ${folder}${labelling.root ? '/' : ''}, stretched to ${h}×${w} ${c === 1 ? 'gray (Rec. 601 luma)' : 'RGB'}`,
    ...labelling.notes,
  ];
  if (decoded.failed.length) notes.push(`${plural(decoded.failed.length, 'file')} could not be decoded: ${decoded.failed.slice(0, 3).join('; ')}${decoded.failed.length > 3 ? '; …' : ''}`);
  if (others) notes.push(`${plural(others, 'other file')} ignored (not images)`);
  return { dataset: makeDataset(entry, decoded.images, labels), notes, kind: 'images' };
}
