/**
 * The training batch size for a TF.js backend: the one that gave the most samples per second on
 * the bundled models without costing recovery accuracy per epoch (Adam, fixed learning rate).
 *
 * Measured on the 2-core development machine, current WASM kernels, model.trainOnBatch alone
 * (samples/s; Node at load ≈ 2, Chromium's worker on the quiet machine, load < 1):
 *
 * | model, where                      | batch 32 | batch 64 | batch 128 | batch 256 |
 * |-----------------------------------|----------|----------|-----------|-----------|
 * | LeNet-300-100, Node 1 thread      |     4954 |     7577 |     10528 |     13213 |
 * | LeNet-5, Node 1 thread            |      634 |      694 |       741 |       758 |
 * | fashion-cnn, Node 1 thread        |      489 |      498 |       500 |       478 |
 * | LeNet-300-100, Chromium 2 threads |     3825 |     7014 |     14504 |     17576 |
 * | LeNet-5, Chromium 2 threads       |      660 |      893 |      1016 |      1008 |
 * | fashion-cnn, Chromium 2 threads   |      534 |      553 |       528 |       513 |
 *
 * (`npx tsx scripts/bench-train.ts`, `npx tsx scripts/browser.ts train`.) The convolutional nets
 * — what recovery trains most — run within 15 % of the same samples/s from 64 to 256: their time
 * is per sample (convolutions, pooling, batch norm), not per step; the MLP gains up to 2.5× from
 * bigger batches but trains in seconds anyway. Per epoch, a bigger batch means fewer Adam steps:
 * LeNet-5 pruned to 7 % (81.4 %) and retrained one epoch (8000 samples, lr 1e-3, masks
 * re-applied each step, Node) reached 98.05 / 97.95 / 97.40 / 96.75 % at batch 32 / 64 / 128 / 256,
 * at 613 / 707 / 768 / 721 samples/s (the loop's per-step work makes big batches a little faster).
 * So on WASM and CPU the batch is 64: 15 % faster than 32 for −0.1 point after an epoch, while
 * 128 and 256 lose 0.55–1.2 points per epoch for at most 9 % more speed (14 % in Chromium). WebGPU pays a dispatch per
 * kernel per step, so on a real GPU samples/s should grow with the batch — but that is not measured
 * (this machine's only WebGPU adapter is SwiftShader), and a bigger batch changes the result of an
 * epoch (above): until a GPU measurement says what it buys, WebGPU trains at 64 too, so a plan
 * recovers to the same accuracy on every backend.
 */

/** Batch sizes by backend name (tf.getBackend()); others get `DEFAULT_BATCH`. */
const BY_BACKEND = new Map<string, number>([['wasm', 64], ['cpu', 64], ['webgpu', 64], ['webgl', 64]]);
const DEFAULT_BATCH = 64;

/** The training batch size (samples per step) for a TF.js backend name such as 'wasm' or 'webgpu'. */
export function trainingBatchSize(backend: string): number {
  return BY_BACKEND.get(backend.toLowerCase()) ?? DEFAULT_BATCH;
}
