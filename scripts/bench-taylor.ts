/**
 * `--part taylor` of the benchmark: what gradient-based (Taylor) pruning scores buy over magnitude /
 * L1 at equal sparsity on the bundled LeNets, before any recovery and after one epoch of masked
 * fine-tuning (fineTune, train/finetune.ts).
 *   scores:   Σ over 20 batches of 64 MNIST training images (targets = one-hot labels) of |w·∂L/∂w|
 *             per weight and (Σ_{i∈c} wᵢ·∂L/∂wᵢ)² per unit / filter (accumulateTaylorScores), on the
 *             original model;
 *   variants: global unstructured pruning 90 % and 95 % (|w| vs |w·g|), channel pruning 50 % (L1 vs
 *             Taylor);
 *   top-1:    on mnist-val with stock TF.js on the WASM backend; times are wall-clock seconds.
 *
 *   npx tsx scripts/bench-taylor.ts [--quick]     (quick: 5 score batches, 500 val images, 2000 train images)
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/core';
import { readArtifacts, readDataset, ROOT, useWasm } from '../src/node/io';
import { fitSampleShape } from '../src/model/classifier';
import { compressModel, isKernel, type PruneScores } from '../src/model/compress';
import type { LabelledDataset } from '../src/model/dataset';
import { imagesAtToTensor } from '../src/model/datasetTensor';
import type { CompressionPlan } from '../src/model/plan';
import { fineTune, type WeightConstraint } from '../src/model/train/finetune';
import { accumulateTaylorScores } from '../src/model/train/taylor';
import { modelFromParts, partsFromArtifacts, type ModelParts } from '../src/model/weights';
import { evaluateModel } from '../src/runtime/evaluate';

/** The studio's fine-tuning learning rate (recover.ts FINETUNE_LEARNING_RATE). */
const LEARNING_RATE = 5e-4;

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const row = (cells: (string | number)[], widths: number[]) => console.log(cells.map((c, i) => String(c).padEnd(widths[i])).join(' '));

async function accuracy(model: tf.LayersModel, val: LabelledDataset, limit: number | undefined): Promise<number> {
  const r = await evaluateModel(model, val, { latencyRuns: 1, warmupRuns: 0, throughputBatch: 1, limit }, { job: 0, yieldNow: async () => {} });
  if (r.type !== 'done') throw new Error('cancelled');
  return r.accuracy;
}

/** `count` batches of `size` random training images (seeded) with one-hot targets; the caller disposes them. */
function calibrationBatches(model: tf.LayersModel, train: LabelledDataset, count: number, size: number): { x: tf.Tensor; target: tf.Tensor }[] {
  const rng = createRng(2024);
  const classes = train.entry.classes.length;
  const shape = model.inputs[0].shape.map((d) => d ?? -1);
  return Array.from({ length: count }, () => tf.tidy(() => {
    const idx = Array.from({ length: size }, () => Math.floor(rng.next() * train.entry.count));
    return {
      x: fitSampleShape(imagesAtToTensor(train, idx), shape),
      target: tf.oneHot(tf.tensor1d(idx.map((i) => train.labels[i]), 'int32'), classes).toFloat(),
    };
  }));
}

/** Share of exact zeros over all kernels. */
function kernelSparsity(parts: ModelParts): number {
  let zeros = 0;
  let n = 0;
  for (const w of parts.weights.filter((t) => isKernel(t.name))) {
    n += w.values.length;
    for (const v of w.values) if (v === 0) zeros++;
  }
  return zeros / n;
}

const VARIANTS: [string, (taylor: boolean) => CompressionPlan][] = [
  ['unstructured 90 %', (taylor) => ({ version: 1, prune: { ratio: 0.9, scope: 'global', score: taylor ? 'taylor' : 'magnitude' } })],
  ['unstructured 95 %', (taylor) => ({ version: 1, prune: { ratio: 0.95, scope: 'global', score: taylor ? 'taylor' : 'magnitude' } })],
  ['channels 50 %', (taylor) => ({ version: 1, channels: { ratio: 0.5, norm: taylor ? 'taylor' : 'l1' } })],
];

/** Compares magnitude / L1 with Taylor scores at equal sparsity, before and after one epoch of masked fine-tuning; prints a table. */
export async function benchTaylor(quick: boolean): Promise<void> {
  if (tf.getBackend() !== 'wasm') await useWasm();
  const val = readDataset('mnist', 'val');
  const train = readDataset('mnist', 'train');
  const valLimit = quick ? 500 : undefined;
  const trainLimit = quick ? 2000 : undefined;
  const scoreBatches = quick ? 5 : 20;
  console.log(`\n== Taylor vs magnitude pruning scores (${scoreBatches} batches × 64 of mnist-train for the scores; recovery = 1 epoch of masked fine-tuning on ${trainLimit ?? train.entry.count} images, lr ${LEARNING_RATE}; top-1 on ${valLimit ?? val.entry.count} mnist-val images) ==`);
  const widths = [15, 19, 10, 16, 10, 10, 10, 10];
  row(['model', 'variant', 'score', 'kept', 'top-1', '+ FT', 'compress', 'FT time'], widths);
  for (const id of ['lenet-300-100', 'lenet-5']) {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
    const original = await modelFromParts(parts);
    const base = await accuracy(original, val, valLimit);
    const batches = calibrationBatches(original, train, scoreBatches, 64);
    const t0 = performance.now();
    const scores = (await accumulateTaylorScores(original, batches, { channels: true })) as PruneScores;
    const scoreMs = performance.now() - t0;
    tf.dispose(batches.flatMap((b) => [b.x, b.target]));
    original.dispose();
    row([id, 'original', '', `${parts.weights.reduce((a, w) => a + w.values.length, 0)} params`, pct(base), '', `scores ${sec(scoreMs)}`, ''], widths);
    for (const [name, plan] of VARIANTS) {
      for (const taylor of [false, true]) {
        const p = plan(taylor);
        const c0 = performance.now();
        const out = compressModel(parts, p, taylor ? scores : undefined);
        const compressMs = performance.now() - c0;
        const kept = p.channels ? `${out.structural.after.params} params` : `${pct(1 - kernelSparsity(out.parts))} weights`;
        const model = await modelFromParts(out.parts);
        const before = await accuracy(model, val, valLimit);
        const masks = new Map<string, WeightConstraint>(out.parts.weights.filter((t) => isKernel(t.name))
          .map((t) => [t.name, { kind: 'mask', mask: Uint8Array.from(t.values, (v) => (v === 0 ? 0 : 1)) }]));
        const f0 = performance.now();
        await fineTune(model, train, masks, { epochs: 1, learningRate: LEARNING_RATE, limit: trainLimit, seed: 1 });
        const ftMs = performance.now() - f0;
        const after = await accuracy(model, val, valLimit);
        model.dispose();
        const score = p.channels ? (taylor ? 'Taylor' : 'L1') : taylor ? 'Taylor' : 'magnitude';
        row(['', taylor ? '' : name, score, kept, pct(before), pct(after), `${compressMs.toFixed(0)} ms`, sec(ftMs)], widths);
      }
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchTaylor(process.argv.includes('--quick')).catch((e) => { console.error(e); process.exit(1); });
}
