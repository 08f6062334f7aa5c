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
