/** Turns a data set's uint8 samples into model input tensors (worker / Node side). */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from './dataset';

/** Samples [start, start+count) as a float32 tensor [count, H, W, C] with value = byte · scale. */
export function imagesToTensor(ds: Dataset, start: number, count: number): tf.Tensor4D {
  const [h, w, c] = ds.entry.shape;
  const size = h * w * c;
  const out = new Float32Array(count * size);
  const src = ds.images.subarray(start * size, (start + count) * size);
  const scale = ds.entry.scale;
  for (let i = 0; i < src.length; i++) out[i] = src[i] * scale;
  return tf.tensor4d(out, [count, h, w, c]);
}

/** The samples at `indices` (any order) as a float32 tensor [n, H, W, C], value = byte · scale. */
export function imagesAtToTensor(ds: Dataset, indices: readonly number[]): tf.Tensor4D {
  const [h, w, c] = ds.entry.shape;
  const size = h * w * c;
  const out = new Float32Array(indices.length * size);
  const scale = ds.entry.scale;
  indices.forEach((src, n) => {
    const from = ds.images.subarray(src * size, (src + 1) * size);
    for (let i = 0; i < size; i++) out[n * size + i] = from[i] * scale;
  });
  return tf.tensor4d(out, [indices.length, h, w, c]);
}
