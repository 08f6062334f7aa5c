/** Timing of training steps, shared by the Node training bench (scripts/bench-train.ts) and the browser one (bench.worker.ts). */
import type * as tf from '@tensorflow/tfjs';

/** The median of `xs` (the mean of the middle two for an even count). */
export const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Median wall time of one trainOnBatch (ms) over `steps` steps after 2 warm-up steps. */
export async function stepMs(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, steps: number): Promise<number> {
  for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    times.push(performance.now() - t0);
  }
  return median(times);
}
