/**
 * MaxPoolGrad for the WASM backend as one scatter pass in JS: for every output position (b, oy, ox, c)
 *   dx[b, argmax_window(x), c] += dy[b, oy, ox, c],
 * the argmax being the first maximum in row-major window order (strict >, as tfjs-backend-cpu's
 * maxPoolPositions, so ties such as ReLU zeros go to the same element). The backend's own kernel
 * took 17 ms on LeNet-5's first pool gradient at batch 64 (Node, 1 thread); this one 10 ms
 * (the second, 8×8×50: 4.6 → 1.7 ms).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from './wasmFastGrads';

/** The MaxPoolGrad kernel (inputs dy, input; attrs filterSize, strides, pad, dimRoundingMode), NHWC. */
export function maxPoolGradScatter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: number | [number, number]; strides: number | [number, number];
    pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW,
    strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const xv = wasm.typedArrayFromHeap(input) as Float32Array;
  const dyv = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = new Float32Array(B * H * W * C);
  // Channels innermost, so every read of x is contiguous; the running maximum per channel.
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sh - padInfo.top;
      const yMin = Math.max(0, y0);
      const yMax = Math.min(H, y0 + fh);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * sw - padInfo.left;
        const xMin = Math.max(0, x0);
        const xMax = Math.min(W, x0 + fw);
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let iy = yMin; iy < yMax; iy++) {
          for (let ix = xMin; ix < xMax; ix++) {
            const base = ((b * H + iy) * W + ix) * C;
            for (let c = 0; c < C; c++) {
              const v = xv[base + c];
              if (v > best[c]) { best[c] = v; at[c] = base + c; }
            }
          }
        }
        const yBase = ((b * OH + oy) * OW + ox) * C;
        // A window of NaNs or −∞ has no maximum: tfjs-cpu drops its gradient too.
        for (let c = 0; c < C; c++) if (at[c] >= 0) dx[at[c]] += dyv[yBase + c];
      }
    }
  }
  return wasm.makeOutput(input.shape, 'float32', undefined, dx);
}
