/** Turns a data set's uint8 samples into model input tensors (worker / Node side). */
import * as tf from '@tensorflow/tfjs';
import { channelAffine, preprocessingOf, type Dataset } from './dataset';

/** Samples [start, start+count) as a float32 tensor [count, H, W, C], x = (byte · scale − mean[c]) / std[c]. */
export function imagesToTensor(ds: Dataset, start: number, count: number): tf.Tensor4D {
  return imagesAtToTensor(ds, Array.from({ length: count }, (_, i) => start + i));
}

/** The samples at `indices` (any order) as a float32 tensor [n, H, W, C], preprocessed as imagesToTensor. */
export function imagesAtToTensor(ds: Dataset, indices: readonly number[]): tf.Tensor4D {
  const [h, w, c] = ds.entry.shape;
  const size = h * w * c;
  const out = new Float32Array(indices.length * size);
  const { gain, offset } = channelAffine(preprocessingOf(ds.entry), c);
  indices.forEach((src, n) => {
    const from = ds.images.subarray(src * size, (src + 1) * size);
    const base = n * size;
    for (let i = 0; i < size; i++) {
      const ch = i % c;
      out[base + i] = from[i] * gain[ch] + offset[ch];
    }
  });
  return tf.tensor4d(out, [indices.length, h, w, c]);
}
