/**
 * The training batch size for a TF.js backend: the one that gave the most samples per second on
 * the bundled models without costing recovery accuracy per epoch (Adam, fixed learning rate).
 *
 * Measured on the 2-core development machine with other jobs running (load 4–7, so ±30 %),
 * current WASM kernels, model.trainOnBatch alone (samples/s):
 *
 * | model, where                      | batch 32 | batch 64 | batch 128 | batch 256 |
 * |-----------------------------------|----------|----------|-----------|-----------|
 * | LeNet-300-100, Node 1 thread      |     2718 |     3250 |      7933 |      8238 |
 * | LeNet-5, Node 1 thread            |      366 |      346 |       322 |       349 |
 * | fashion-cnn, Node 1 thread        |      329 |      412 |       403 |       402 |
 * | LeNet-300-100, Chromium 1 thread  |     3980 |     5745 |     10729 |     10265 |
 * | LeNet-5, Chromium 1 thread        |      225 |      380 |       311 |       468 |
 * | fashion-cnn, Chromium 1 thread    |      446 |      444 |       421 |       272 |
 *
 * (`npx tsx scripts/bench-train.ts`, `npx tsx scripts/browser.ts train`.) The convolutional nets
 * — what recovery trains most — run at about the same samples/s from 32 to 256: their time is
 * per sample (convolutions, pooling, batch norm), not per step; the MLP gains up to 2.5× from
 * bigger batches but trains in seconds anyway. Per epoch, a bigger batch means fewer Adam steps:
 * LeNet-5 pruned to 7 % (81.4 %) and retrained one epoch (8000 samples, lr 1e-3, masks
 * re-applied each step, Node) reached 98.05 / 97.95 / 97.40 / 96.75 % at batch 32 / 64 / 128 / 256,
 * at 548 / 618 / 693 / 703 samples/s (the loop's per-step work makes big batches a little faster).
 * So on WASM and CPU the batch is 64: 13 % faster than 32 for −0.1 point after an epoch, while
 * 128 and 256 lose 0.65–1.3 points per epoch for 12–14 % more speed. WebGPU pays a dispatch per
 * kernel per step, so its samples/s grows with the batch until the GPU is busy: 256 (not measured
 * here — this machine's only WebGPU adapter is SwiftShader).
 */

/** Batch sizes by backend name (tf.getBackend()); others get `DEFAULT_BATCH`. */
const BY_BACKEND = new Map<string, number>([['wasm', 64], ['cpu', 64], ['webgpu', 256], ['webgl', 256]]);
const DEFAULT_BATCH = 64;

/** The training batch size (samples per step) for a TF.js backend name such as 'wasm' or 'webgpu'. */
export function trainingBatchSize(backend: string): number {
  return BY_BACKEND.get(backend.toLowerCase()) ?? DEFAULT_BATCH;
}
