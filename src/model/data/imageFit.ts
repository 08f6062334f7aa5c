/**
 * Fitting images to a model's input: bilinear resizing of uint8 H×W×C images (half-pixel
 * centres, as OpenCV's INTER_LINEAR and tf.image.resizeBilinear with halfPixelCenters) and
 * channel conversion (RGB → gray by Rec. 601 luma, gray → RGB by copying, alpha composited
 * over black). Pure functions on typed arrays; no DOM and no TF.js.
 */
import type { Dataset } from '../dataset';

/** Rec. 601 luma weights, as PIL's convert('L') and most MNIST-style tools use. */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Resizes one row-major H×W×C uint8 image to outH×outW×C. Output pixel (y, x) samples the input at
 * ((y + 0.5)·H/outH − 0.5, (x + 0.5)·W/outW − 0.5), clamped to the edges, bilinearly; rounded to nearest.
 */
export function resizeBilinear(src: Uint8Array, [h, w, c]: readonly [number, number, number], outH: number, outW: number): Uint8Array {
  if (src.length !== h * w * c) throw new Error(`resizeBilinear: ${src.length} bytes is not ${h}×${w}×${c}`);
  if (!(outH > 0 && outW > 0)) throw new Error(`resizeBilinear: output size ${outH}×${outW} must be positive`);
  if (outH === h && outW === w) return src.slice();
  const out = new Uint8Array(outH * outW * c);
  const axis = (n: number, size: number, outSize: number) => {
    const lo = new Int32Array(outSize);
    const hi = new Int32Array(outSize);
    const t = new Float32Array(outSize);
    for (let i = 0; i < outSize; i++) {
      const pos = Math.min(Math.max((i + 0.5) * (size / outSize) - 0.5, 0), size - 1);
      lo[i] = Math.floor(pos);
      hi[i] = Math.min(lo[i] + 1, size - 1);
      t[i] = pos - lo[i];
    }
    return { lo, hi, t, n };
  };
  const ys = axis(0, h, outH);
  const xs = axis(1, w, outW);
  for (let y = 0; y < outH; y++) {
    const r0 = ys.lo[y] * w;
    const r1 = ys.hi[y] * w;
    const ty = ys.t[y];
    for (let x = 0; x < outW; x++) {
      const tx = xs.t[x];
      for (let ch = 0; ch < c; ch++) {
        const a = src[(r0 + xs.lo[x]) * c + ch];
        const b = src[(r0 + xs.hi[x]) * c + ch];
        const d = src[(r1 + xs.lo[x]) * c + ch];
        const e = src[(r1 + xs.hi[x]) * c + ch];
        const top = a + (b - a) * tx;
        const bottom = d + (e - d) * tx;
        out[(y * outW + x) * c + ch] = Math.round(top + (bottom - top) * ty);
      }
    }
  }
  return out;
}

/**
 * Converts `pixels` images of `from` channels to `to` channels (1, 3 or 4 → 1 or 3). A 4th channel
 * is alpha: colours are composited over black first. Gray → RGB copies; RGB → gray is luma.
 */
export function convertChannels(src: Uint8Array | Uint8ClampedArray, pixels: number, from: number, to: number): Uint8Array {
  if (src.length !== pixels * from) throw new Error(`convertChannels: ${src.length} bytes is not ${pixels} pixels × ${from} channels`);
  if (![1, 3, 4].includes(from)) throw new Error(`images with ${from} channels are not supported (1, 3 or 4)`);
  if (to !== 1 && to !== 3) throw new Error(`the model takes ${to} channels per pixel; the studio feeds 1 (gray) or 3 (RGB)`);
  if (from === to) return Uint8Array.from(src);
  const out = new Uint8Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    const alpha = from === 4 ? src[p * 4 + 3] / 255 : 1;
    const r = src[p * from] * alpha;
    const g = (from === 1 ? src[p] : src[p * from + 1]) * alpha;
    const b = (from === 1 ? src[p] : src[p * from + 2]) * alpha;
    if (to === 1) out[p] = Math.round(LUMA[0] * r + LUMA[1] * g + LUMA[2] * b);
    else { out[p * 3] = Math.round(r); out[p * 3 + 1] = Math.round(g); out[p * 3 + 2] = Math.round(b); }
  }
  return out;
}

/** Resizes and converts every image of `ds` to `shape` (H, W, C); returns `ds` itself when it already fits. */
export function fitDataset(ds: Dataset, shape: readonly [number, number, number]): Dataset {
  const [h, w, c] = ds.entry.shape;
  const [outH, outW, outC] = shape;
  if (h === outH && w === outW && c === outC) return ds;
  const inSize = h * w * c;
  const outSize = outH * outW * outC;
  const images = new Uint8Array(ds.entry.count * outSize);
  for (let n = 0; n < ds.entry.count; n++) {
    const resized = resizeBilinear(ds.images.subarray(n * inSize, (n + 1) * inSize), [h, w, c], outH, outW);
    images.set(convertChannels(resized, outH * outW, c, outC), n * outSize);
  }
  // A per-channel mean/std written for the old channel count cannot carry over to a new one.
  const perChannel = (v?: number[]) => (v && v.length > 1 && c !== outC ? undefined : v);
  return { ...ds, images, entry: { ...ds.entry, shape: [outH, outW, outC], mean: perChannel(ds.entry.mean), std: perChannel(ds.entry.std) } };
}

/**
 * [H, W, C] of a model's image input (batch dimension dropped), or an Error saying why it has none.
 * A grayscale input without a channel axis, [N, H, W] (many Keras MNIST models), is [H, W, 1]:
 * such images are fitted with one channel and reshaped to the model's rank (fitSampleShape).
 */
export function imageInputShape(inputShape: readonly number[]): [number, number, number] {
  const dims = inputShape.slice(1);
  if (dims.length === 3 && dims.every((d) => d > 0)) return dims as [number, number, number];
  if (dims.length === 2 && dims.every((d) => d > 0)) return [dims[0], dims[1], 1];
  throw new Error(`the model's input is [${inputShape.join(', ')}], not an image batch [N, H, W, C] of known size, so images cannot be fitted to it`);
}
