/** Messages between the training benchmark page and its worker. */

/** What to time: thread count for tfjs-wasm, batch sizes, timed steps per cell, model ids (public/models/<id>). */
export interface TrainBenchRequest { threads: number; batches: number[]; steps: number; models: string[] }

/** One cell: median wall time of one trainOnBatch (ms) for a model, batch size and kernel set. */
export interface TrainBenchRow { model: string; batch: number; kernels: 'previous' | 'current'; msPerStep: number }

/**
 * The threads tfjs-wasm really started with (getThreadsCount), its SIMD support, the cells, and two
 * pure XNNPACK ops alone (median ms: LeNet-5's conv2 forward at batch 256, a 512×800·800×500 MatMul),
 * which show what threads give where nothing else runs between the kernels.
 */
export interface TrainBenchResult {
  threads: number; simd: boolean; crossOriginIsolated: boolean; rows: TrainBenchRow[];
  opsMs: { conv: number; matMul: number };
}

/** Worker → page. */
export type TrainBenchMessage =
  | { type: 'progress'; text: string }
  | { type: 'done'; result: TrainBenchResult }
  | { type: 'error'; message: string };
