/**
 * Decodes dropped image files in the worker (createImageBitmap + OffscreenCanvas; no DOM, so it
 * runs off the main thread) straight to the model's input size, stretched as Keras'
 * image_dataset_from_directory does, then to its channel count (imageFit.convertChannels).
 */
import { convertChannels } from '../model/data/imageFit';

export interface DecodedImages {
  /** count × H × W × C bytes, in the order of the files that decoded */
  images: Uint8Array;
  /** indices (into the given files) that decoded */
  decoded: number[];
  /** "name: why" for each file the browser could not decode */
  failed: string[];
}

/**
 * Decodes `files` to `shape` (H, W, C). `onProgress(done, total)` follows; `isCancelled` stops it
 * (returns undefined). Files that do not decode are listed in `failed`, not fatal.
 */
export async function decodeImages(files: readonly { name: string; blob: Blob }[], [h, w, c]: readonly [number, number, number],
  hooks: { onProgress?: (done: number, total: number) => void; isCancelled?: () => boolean } = {}): Promise<DecodedImages | undefined> {
  const size = h * w * c;
  const out = new Uint8Array(files.length * size);
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser cannot draw images in a worker (no OffscreenCanvas 2D context)');
  const decoded: number[] = [];
  const failed: string[] = [];
  for (const [i, file] of files.entries()) {
    if (hooks.isCancelled?.()) return undefined;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file.blob, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
    } catch {
      failed.push(`${file.name}: not an image this browser can decode`);
      continue;
    }
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0, w, h);
    bitmap.close();
    out.set(convertChannels(ctx.getImageData(0, 0, w, h).data, w * h, 4, c), decoded.length * size);
    decoded.push(i);
    if (i % 25 === 24 || i === files.length - 1) hooks.onProgress?.(i + 1, files.length);
  }
  return { images: out.slice(0, decoded.length * size), decoded, failed };
}
