/**
 * Reading a user's own data: which dropped files are data rather than a model, how a folder of
 * images is labelled (one subfolder per class, as Keras' image_dataset_from_directory reads it),
 * and finding a data file in the catalog's format (entry JSON + images .u8 [+ labels .u8]).
 * Pure functions on names and bytes; image decoding happens in the worker (decodeImages.ts).
 */
import { parseDatasetEntry, type DatasetEntry } from '../dataset';

/** Image files a browser decodes (createImageBitmap). */
export const IMAGE_FILE = /\.(png|jpe?g|gif|bmp|webp|avif)$/i;

/** True when dropped names are data (images or .u8 files) and no model (no .bin shard, no model.json). */
export function isDataDrop(names: readonly string[]): boolean {
  const base = (n: string) => n.split('/').pop() ?? n;
  if (names.some((n) => /\.bin$/i.test(n) || base(n) === 'model.json')) return false;
  return names.some((n) => IMAGE_FILE.test(n) || /\.u8$/i.test(n));
}

/** How a set of image paths is labelled. */
export interface ImageLabelling {
  /** the dropped folder's name, when all paths share one */
  root?: string;
  /** paths of the images used, in order (sorted) */
  paths: string[];
  /** class names by output index; empty when unlabelled */
  classes: string[];
  /** class index per path; absent when unlabelled (no class folders) */
  labels?: Uint8Array;
  /** what was assumed or left out, for the user */
  notes: string[];
}

const numeric = (s: string) => /^\d+$/.test(s);

/**
 * Labels image paths by folder. A common top folder (the one dropped or picked) is stripped; then
 * the next folder of each path is its class. Images with no class folder make the set unlabelled
 * when none has one (a flat folder: fidelity only); mixed with class folders, they are left out.
 * Class folder names that are all integers below `modelClasses` are output indices ("0" … "9");
 * otherwise there must be exactly `modelClasses` folders, taken in sorted order (as Keras does).
 * Throws an Error that says how to arrange the folders when the classes cannot match the model.
 */
export function labelImages(imagePaths: readonly string[], modelClasses: number): ImageLabelling {
  const paths = [...imagePaths].sort();
  if (paths.length === 0) throw new Error('no image files (.png, .jpg, .gif, .bmp, .webp) among the dropped files');
  let parts = paths.map((p) => p.split('/').filter(Boolean));
  let root: string | undefined;
  const first = parts[0][0];
  if (parts.every((p) => p.length >= 2 && p[0] === first)) {
    root = first;
    parts = parts.map((p) => p.slice(1));
  }
  const notes: string[] = [];
  const inFolder = parts.map((p) => p.length >= 2);
  if (!inFolder.some(Boolean)) return { root, paths, classes: [], notes: [`${paths.length} images with no class folders: unlabelled, measured by fidelity to the original model`] };
  if (modelClasses > 256) throw new Error(`the model outputs ${modelClasses} classes; labels are stored as bytes, so accuracy works for up to 256 classes: drop a flat folder (no class subfolders) to measure fidelity instead`);
  const loose = paths.filter((_, i) => !inFolder[i]);
  if (loose.length) notes.push(`${loose.length} image${loose.length > 1 ? 's' : ''} outside any class folder left out (${loose.slice(0, 3).join(', ')}${loose.length > 3 ? ', …' : ''})`);
  const kept = paths.filter((_, i) => inFolder[i]);
  const folderOf = parts.filter((_, i) => inFolder[i]).map((p) => p[0]);
  const folders = [...new Set(folderOf)].sort();
  let classes: string[];
  let index: (folder: string) => number;
  if (folders.every(numeric) && folders.every((f) => Number(f) < modelClasses)) {
    classes = Array.from({ length: modelClasses }, (_, i) => String(i));
    index = Number;
    notes.push(`class folders ${folders.join(', ')} read as output indices`);
  } else if (folders.length === modelClasses) {
    classes = folders;
    index = (f) => folders.indexOf(f);
    notes.push(`class folders in sorted order: ${folders.map((f, i) => `${i} = ${f}`).join(', ')}`);
  } else {
    throw new Error(`found ${folders.length} class folder${folders.length > 1 ? 's' : ''} (${folders.slice(0, 6).join(', ')}${folders.length > 6 ? ', …' : ''}) but the model outputs ${modelClasses} classes: name the folders by output index (0 … ${modelClasses - 1}), give exactly ${modelClasses} folders (taken in sorted order), or drop a flat folder to measure fidelity without labels`);
  }
  return { root, paths: kept, classes, labels: Uint8Array.from(folderOf.map(index)), notes };
}

/** A data set in the catalog's format found among dropped files: its entry and where its bytes are. */
export interface CatalogData {
  entry: DatasetEntry;
  /** the dropped file names holding the images and (if any) the labels */
  imagesFile: string;
  labelsFile?: string;
}

/**
 * Finds a catalog-format data set among dropped files: a .json holding one entry (or a list,
 * whose first "val" split with its images present is taken) whose "images" (and "labels", if
 * given) name dropped files, matched by file name. `readJson` returns a dropped JSON file's text.
 * Returns undefined when no JSON file is there; throws an Error naming the file and fault otherwise.
 */
export function findCatalogData(names: readonly string[], jsonText: (name: string) => string): CatalogData | undefined {
  const jsons = names.filter((n) => /\.json$/i.test(n));
  if (jsons.length === 0) return undefined;
  const byBase = new Map(names.map((n) => [n.split('/').pop() as string, n]));
  const problems: string[] = [];
  for (const file of jsons) {
    let value: unknown;
    try {
      value = JSON.parse(jsonText(file));
    } catch (e) {
      problems.push(`${file} is not valid JSON (${(e as Error).message})`);
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    const entries = list.map((v) => parseDatasetEntry(v, file));
    const present = entries.filter((e) => byBase.has(e.images.split('/').pop() as string));
    const entry = present.find((e) => e.split === 'val') ?? present[0];
    if (!entry) {
      problems.push(`${file}: its images file${entries.length > 1 ? 's' : ''} (${entries.map((e) => e.images).join(', ')}) ${entries.length > 1 ? 'were' : 'was'} not dropped with it`);
      continue;
    }
    const imagesFile = byBase.get(entry.images.split('/').pop() as string) as string;
    if (!entry.labels) return { entry, imagesFile };
    const labelsFile = byBase.get(entry.labels.split('/').pop() as string);
    if (!labelsFile) throw new Error(`${file} names the labels file ${entry.labels}, which was not dropped: drop it too, or remove "labels" from the entry to measure fidelity without labels`);
    return { entry, imagesFile, labelsFile };
  }
  throw new Error(problems.join('; '));
}
