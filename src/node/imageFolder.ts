/**
 * A folder of PNG / JPEG images as a data set, in Node (the CLI's `--train <folder>`): labelled by
 * folder exactly as the page labels dropped images (userData.labelImages: one subfolder per class,
 * class names in sorted order or output indices "0" … "9"; no subfolders = unlabelled), decoded with
 * pngjs / jpeg-js to RGBA, stretched to the model's H×W by imageFit.resizeBilinear and converted to
 * its channel count by imageFit.convertChannels (alpha composited over black, RGB → gray by Rec. 601
 * luma) — the page's order: resize first, then channels. The page resizes with the browser's
 * createImageBitmap ('high' quality), so a folder whose images are not already at the model's size
 * may differ from the page's import in the last bits of some pixels.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { convertChannels, resizeBilinear } from '../model/data/imageFit';
import { IMAGE_FILE, labelImages } from '../model/data/userData';
import { makeDataset, type Dataset, type DatasetEntry, type Preprocessing } from '../model/dataset';
import { MAX_IMAGE_BYTES } from '../runtime/importData';
import { readRegularFile } from './files';

/** Largest image file read (64 MiB). */
export const MAX_IMAGE_FILE_BYTES = 64 * 2 ** 20;

/** What the images are fitted to: the model's input [H, W, C], its class count and the preprocessing recorded in the entry. */
export interface FolderTarget {
  shape: readonly [number, number, number];
  classes: number;
  preprocessing: Preprocessing;
}

/** RGBA pixels of one decoded image. */
export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major */
  data: Uint8Array;
}

const DECODABLE = /\.(png|jpe?g)$/i;

/**
 * Decodes PNG or JPEG bytes (chosen by the file's signature, not its name) to RGBA. Throws an Error
 * beginning with `name` when the bytes are neither or are damaged.
 */
export function decodeImage(bytes: Uint8Array, name: string): Rgba {
  const png = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpg) throw new Error(`${name}: is neither a PNG nor a JPEG file (no PNG or JPEG signature); remove it or convert it`);
  try {
    if (png) {
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: img.width, height: img.height, data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new Error(`${name}: cannot be decoded as ${png ? 'PNG' : 'JPEG'} (${(e as Error).message}); remove it or re-save it`, { cause: e });
  }
}

/** One RGBA image stretched to H×W (bilinear, half-pixel centres) and converted to C channels. */
export function fitImage(img: Rgba, [h, w, c]: readonly [number, number, number]): Uint8Array {
  const resized = resizeBilinear(img.data, [img.height, img.width, 4], h, w);
  return convertChannels(resized, h * w, 4, c);
}

/** Every file below `dir` (symbolic links to files included, to folders not), as paths relative to `dir` with '/' separators; dot files skipped. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() || (e.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile())) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/**
 * Reads the image folder `dir` as a data set fitted to `target` (file comment): its entry records
 * the target's preprocessing, x = (byte · scale − mean) / std. Returns it with notes for the user
 * (labelling, files ignored). Throws an Error naming the folder or file: no such folder, no PNG /
 * JPEG images, an image of another format (GIF, BMP, WebP, AVIF) or one that does not decode,
 * class folders that do not match the model's classes, more images than fit in memory.
 */
export function readImageFolder(dir: string, target: FolderTarget, what = dir): { dataset: Dataset; notes: string[] } {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new Error(`${what}: no such folder`);
  if (!st.isDirectory()) throw new Error(`${what}: is not a folder`);
  const name = basename(resolve(dir));
  const files = listFiles(dir);
  const other = files.filter((f) => IMAGE_FILE.test(f) && !DECODABLE.test(f));
  if (other.length) throw new Error(`${what}: ${other[0]} is an image format the CLI does not decode (PNG and JPEG only)${other.length > 1 ? ` (and ${other.length - 1} more)` : ''}; convert them to PNG`);
  const images = files.filter((f) => DECODABLE.test(f));
  if (images.length === 0) throw new Error(`${what}: no PNG or JPEG images in the folder or its subfolders`);
  // Prefixed by the folder's own name, so labelImages strips exactly it (not a lone class folder).
  let labelling;
  try {
    labelling = labelImages(images.map((f) => `${name}/${f}`), target.classes);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message.replace('drop a flat folder', 'give a folder without class subfolders')}`, { cause: e });
  }
  const [h, w, c] = target.shape;
  const size = h * w * c;
  if (labelling.paths.length * size > MAX_IMAGE_BYTES) {
    throw new Error(`${what}: ${labelling.paths.length} images at the model's ${h}×${w}×${c} input would take ${Math.round((labelling.paths.length * size) / 2 ** 20)} MiB; use at most ${Math.floor(MAX_IMAGE_BYTES / size)} images`);
  }
  const pixels = new Uint8Array(labelling.paths.length * size);
  labelling.paths.forEach((p, i) => {
    const rel = p.slice(name.length + 1);
    const bytes = new Uint8Array(readRegularFile(join(dir, rel), MAX_IMAGE_FILE_BYTES, join(what, rel)));
    pixels.set(fitImage(decodeImage(bytes, join(what, rel)), target.shape), i * size);
  });
  const labels = labelling.labels;
  const { scale, mean, std } = target.preprocessing;
  const entry: DatasetEntry = {
    id: `folder:${name}`, name: `${name}/ (${labelling.paths.length} images)`, dataset: 'user', split: 'train', count: labelling.paths.length,
    shape: [h, w, c], classes: labelling.classes, images: `${name}/`, ...(labels ? { labels: `${name}/ class folders` } : {}), scale, mean, std,
    source: 'an image folder, decoded by the CLI',
  };
  const ignored = files.length - images.length;
  const notes = [
    `${labelling.paths.length} images from ${what}, stretched to ${h}×${w} ${c === 1 ? 'gray (Rec. 601 luma)' : 'RGB'}`,
    ...labelling.notes,
    ...(ignored ? [`${ignored} other file${ignored > 1 ? 's' : ''} ignored (not PNG or JPEG)`] : []),
  ];
  return { dataset: makeDataset(entry, pixels, labels), notes };
}
