/**
 * `npm run bench`: reproduces Deep Compression's LeNet table on the bundled models, stage by stage,
 * side by side with the paper, and measures the latency of structural transforms on WASM.
 * `--part ptq` (issue 12, also in `all`): the post-training ladder — nearest → MSE range → bias correction → output-MSE on calibration data → equalization → AdaRound (bench-ptq.ts).
 * `--part keras` (only when asked): opening the real Keras files and the reader's bundle size (bench-keras.ts).
 * Issue 11's parts (each also runs in `all`):
 *   dc-distill  (also in dc) the best studio plans with distillation on the LeNets (bench-dc-distill.ts)
 *   taylor      magnitude / L1 vs Taylor scores at equal sparsity (bench-taylor.ts)
 *   train       training speed: WASM kernels, steps/s per batch size (bench-train.ts)
 *   recover     label-free recovery: none vs label fine-tuning vs distillation without labels (bench-recover.ts)
 *   hinton      Hinton et al. 2015's small student, labels vs distilled (bench-hinton.ts)
 *   preset-time wall time of the "Deep Compression + fine-tuning" preset on LeNet-5 (bench-recover.ts)
 *
 *   npx tsx scripts/bench.ts [--no-retrain] [--quick] [--part dc|dc-distill|latency|taylor|train|recover|hinton|preset-time|ptq|mixed|keras]
 *
 * Sizes are exact bytes of the compact file the studio writes (header with the topology included),
 * accuracies are top-1 on the bundled validation split with stock TF.js on the WASM backend.
 * Two recipes per net:
 *   post-training — no retraining: the largest global pruning ratio (grid) whose accuracy after
 *     pruning + weight sharing stays within 0.5 points of the baseline;
 *   with retraining — the paper's recipe: the paper's per-layer pruning rates, masked fine-tuning,
 *     weight sharing (paper's bits), fine-tuning of the shared values, Huffman coding.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodedTensorBytes, type RecordOptions } from '../src/core';
import { readArtifacts, readDataset, ROOT, useWasm } from '../src/node/io';
import type { Dataset } from '../src/model/dataset';
import { compactBytes } from '../src/model/export';
import { compressModel, compressWeights, isKernel } from '../src/model/compress';
import { imagesToTensor } from '../src/model/datasetTensor';
import type { CompressionPlan } from '../src/model/plan';
import { fineTune, type WeightConstraint } from '../src/model/train/finetune';
import { fineTuneSharedValues, partsFromModel } from '../src/model/train/recover';
import { modelFromParts, partsFromArtifacts, type CompressedModel, type ModelParts } from '../src/model/weights';
import { evaluateModel } from '../src/runtime/evaluate';
import { benchKeras } from './bench-keras';
import { benchPtq } from './bench-ptq';
import { benchMixed } from './bench-mixed';
import { benchDcDistill } from './bench-dc-distill';
import { benchHinton } from './bench-hinton';
import { benchPresetTime, benchRecover } from './bench-recover';
import { benchTaylor } from './bench-taylor';
import { benchTrain } from './bench-train';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const part = args.includes('--part') ? args[args.indexOf('--part') + 1] : 'all';

interface Paper { name: string; bytes: number; compressedBytes: number; errorBefore: number; errorAfter: number; keep: Record<string, number>; bits: Record<string, number> }
const PAPER: Record<string, Paper> = {
  'lenet-300-100': { name: 'LeNet-300-100', bytes: 1070e3, compressedBytes: 27e3, errorBefore: 1.64, errorAfter: 1.58,
    keep: { fc1: 0.08, fc2: 0.09, fc3: 0.26 }, bits: { fc1: 6, fc2: 6, fc3: 6 } },
  'lenet-5': { name: 'LeNet-5', bytes: 1720e3, compressedBytes: 44e3, errorBefore: 0.80, errorAfter: 0.74,
    keep: { conv1: 0.66, conv2: 0.12, ip1: 0.08, ip2: 0.19 }, bits: { conv1: 8, conv2: 8, ip1: 5, ip2: 5 } },
};

/** Exact compact-file bytes with the given record options (header and checksum included). */
function compactSize(model: CompressedModel, record: RecordOptions): number {
  const base = compactBytes(model);
  return base.header + 4 + model.tensors.reduce((a, t) => a + encodedTensorBytes(t.payload, record), 0);
}

async function accuracy(parts: ModelParts, val: Dataset): Promise<number> {
  const model = await modelFromParts(parts);
  const r = await evaluateModel(model, val, { latencyRuns: 1, warmupRuns: 0, throughputBatch: 1, limit: quick ? 500 : undefined }, { job: 0, yieldNow: async () => {} });
  model.dispose();
  if (r.type !== 'done') throw new Error('cancelled');
  return r.accuracy;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const kb = (b: number) => `${(b / 1000).toFixed(1)} KB`;

function row(cells: (string | number)[], widths: number[]) {
  console.log(cells.map((c, i) => String(c).padEnd(widths[i])).join(' '));
}

const asParts = (m: CompressedModel): ModelParts => ({ topology: m.topology, weights: m.tensors });
const clusterPlan = (p: Paper): CompressionPlan => ({
  version: 1, cluster: { k: 2 }, layers: Object.fromEntries(Object.entries(p.bits).map(([l, b]) => [l, { clusters: 2 ** b }])),
});

async function deepCompression(id: string) {
  const paper = PAPER[id];
  const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
  const val = readDataset('mnist', 'val');
  // The baseline is the bytes of the bundled float32 TF.js files (model.json + weights.bin), as the studio shows.
  const dir = join(ROOT, 'public', 'models', id);
  const float32Bytes = statSync(join(dir, 'model.json')).size + statSync(join(dir, 'weights.bin')).size;
  const base = await accuracy(parts, val);
  const widths = [52, 12, 8, 10, 26];
  console.log(`\n${paper.name}: float32 TF.js files ${kb(float32Bytes)}, validation top-1 ${pct(base)} (paper: ${kb(paper.bytes)}, error ${paper.errorBefore} %)`);
  row(['stage', 'bytes', 'ratio', 'top-1', 'paper'], widths);
  const line = (stage: string, bytes: number, acc: number, paperCell = '') => row([stage, kb(bytes), `${(float32Bytes / bytes).toFixed(1)}×`, pct(acc), paperCell], widths);
  line('float32 baseline', float32Bytes, base, `${kb(paper.bytes)}, 1×, ${(100 - paper.errorBefore).toFixed(2)} %`);

  // Post-training: largest global ratio within 0.5 points after pruning + sharing.
  const grid = quick ? [0.5, 0.7, 0.8, 0.9] : [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.95];
  let best: { ratio: number; model: CompressedModel; acc: number } | undefined;
  for (const ratio of grid) {
    const plan: CompressionPlan = { ...clusterPlan(paper), prune: { ratio, scope: 'global' } };
    const { tensors } = compressWeights(parts, plan);
    const model = { topology: parts.topology, tensors };
    const acc = await accuracy(asParts(model), val);
    console.log(`  grid: global pruning ${pct(ratio)} + sharing → ${pct(acc)}`);
    if (base - acc <= 0.005) best = { ratio, model, acc };
  }
  if (best) {
    const pruned = compressWeights(parts, { version: 1, prune: { ratio: best.ratio, scope: 'global' } });
    const prunedModel = { topology: parts.topology, tensors: pruned.tensors };
    console.log(`post-training (no retraining): global pruning ${pct(best.ratio)}, shared weights at the paper's bits`);
    line(`  pruned ${pct(best.ratio)} (sparse index + float32)`, compactSize(prunedModel, { entropy: 'fixed' }), await accuracy(asParts(prunedModel), val));
    line('  + weight sharing (fixed-width codes)', compactSize(best.model, { entropy: 'fixed' }), best.acc);
    line('  + Huffman', compactSize(best.model, {}), best.acc);
  } else {
    console.log('post-training: no grid point stays within 0.5 points');
  }
  if (args.includes('--no-retrain')) return;

  // With retraining: the paper's per-layer rates and bits.
  const train = readDataset('mnist', 'train');
  // Iterative pruning (Han et al. 2015): S steps, layer l keeping keep_l^(s/S) after step s, each
  // followed by masked fine-tuning; magnitude pruning counts existing zeros, so masks only grow.
  const steps = quick ? 1 : 3;
  const epochs = quick ? 1 : id === 'lenet-5' ? 6 : 15;
  let retrained = parts;
  for (let step = 1; step <= steps; step++) {
    const layers = Object.fromEntries(Object.entries(paper.keep).map(([l, k]) => [l, { prune: 1 - k ** (step / steps) }]));
    const pruned = compressWeights(retrained, { version: 1, layers });
    const model = await modelFromParts(asParts({ topology: parts.topology, tensors: pruned.tensors }));
    const masks = new Map<string, WeightConstraint>(pruned.tensors.filter((t) => isKernel(t.name))
      .map((t) => [t.name, { kind: 'mask', mask: Uint8Array.from(t.values, (v) => (v === 0 ? 0 : 1)) }]));
    await fineTune(model, train, masks, { epochs: Math.max(1, Math.round(epochs / steps)), learningRate: 1e-3, seed: step });
    retrained = partsFromModel(model, parts);
    model.dispose();
  }
  const prunedAgain = compressWeights(retrained, { version: 1 });
  const sparseModel = { topology: parts.topology, tensors: prunedAgain.tensors };
  const keepText = Object.entries(paper.keep).map(([l, k]) => `${l} ${Math.round(k * 100)} %`).join(', ');
  console.log(`with retraining (paper's recipe): keep ${keepText}; pruned in ${steps} steps with ${epochs} epochs of masked fine-tuning in all, then sharing + ${Math.max(1, Math.round(epochs / 3))} epochs fine-tuning of the shared values`);
  line('  pruned + retrained (sparse index + float32)', compactSize(sparseModel, { entropy: 'fixed' }), await accuracy(asParts(sparseModel), val));
  const shared = compressWeights(retrained, clusterPlan(paper));
  // The fine-tuned shared values become the new codebooks (assignments unchanged).
  const final = await fineTuneSharedValues({ topology: parts.topology, tensors: shared.tensors }, train, { epochs: Math.max(1, Math.round(epochs / 3)), learningRate: 1e-4 });
  if (!final) throw new Error('shared-value fine-tuning was cancelled');
  const finalAcc = await accuracy(asParts(final), val);
  line('  + weight sharing, fine-tuned (fixed-width codes)', compactSize(final, { entropy: 'fixed' }), finalAcc);
  const total = compactSize(final, {});
  line('  + Huffman', total, finalAcc, `${kb(paper.compressedBytes)}, ${(paper.bytes / paper.compressedBytes).toFixed(0)}×, ${(100 - paper.errorAfter).toFixed(2)} %`);
}

/** Median batch-1 latency (ms) of several models, measured round-robin so load drifts hit all alike. */
async function interleavedLatency(models: tf.LayersModel[], input: tf.Tensor, rounds: number, runs: number): Promise<number[]> {
  const times: number[][] = models.map(() => []);
  for (const m of models) for (let i = 0; i < 10; i++) (m.predict(input) as tf.Tensor).dispose();
  for (let r = 0; r < rounds; r++) {
    models.forEach((m, i) => {
      for (let k = 0; k < runs; k++) {
        const t0 = performance.now();
        const y = m.predict(input) as tf.Tensor;
        y.dataSync();
        times[i].push(performance.now() - t0);
        y.dispose();
      }
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

async function structuralLatency() {
  console.log('\n== Structural transforms: batch-1 latency on the tfjs WASM backend (Node, one process, interleaved) ==');
  const variants: [string, CompressionPlan][] = [
    ['original', { version: 1 }],
    ['channels −50 %', { version: 1, channels: { ratio: 0.5 } }],
    ['low-rank 25 % of full rank', { version: 1, lowRank: { by: 'fraction', value: 0.25 } }],
    ['channels −50 % + low-rank 25 %', { version: 1, channels: { ratio: 0.5 }, lowRank: { by: 'fraction', value: 0.25 } }],
    ['unstructured 90 % + 8-bit (for contrast)', { version: 1, prune: { ratio: 0.9 }, quantize: { bits: 8 } }],
  ];
  const widths = [16, 42, 12, 14, 10, 10];
  row(['model', 'variant', 'params', 'FLOPs', 'top-1', 'latency'], widths);
  for (const [id, dataset] of [['lenet-300-100', 'mnist'], ['lenet-5', 'mnist'], ['fashion-cnn', 'fashion-mnist']]) {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
    const val = readDataset(dataset, 'val');
    const outs = variants.map(([, plan]) => compressModel(parts, plan));
    const models = await Promise.all(outs.map((o) => modelFromParts(o.parts)));
    const input = imagesToTensor(val, 0, 1);
    const lat = await interleavedLatency(models, input, quick ? 2 : 5, quick ? 20 : 60);
    input.dispose();
    for (let i = 0; i < variants.length; i++) {
      const acc = await accuracy(outs[i].parts, val);
      const ratio = lat[0] / lat[i];
      row([i === 0 ? id : '', variants[i][0], outs[i].structural.after.params, outs[i].structural.after.flops, pct(acc),
        `${lat[i].toFixed(3)} ms${i ? ` (${ratio.toFixed(2)}× faster)` : ''}`], widths);
    }
    models.forEach((m) => m.dispose());
  }
}

async function main() {
  await useWasm();
  console.log(`npm run bench — Node ${process.version}, tfjs wasm backend${quick ? ' (quick: 500 validation images)' : ''}`);
  if (part === 'all' || part === 'dc') {
    console.log('\n== Deep Compression (Han et al. 2016) on the bundled LeNets ==');
    for (const id of ['lenet-300-100', 'lenet-5']) await deepCompression(id);
  }
  if (part === 'all' || part === 'dc' || part === 'dc-distill') await benchDcDistill(quick);
  if (part === 'all' || part === 'latency') await structuralLatency();
  if (part === 'all' || part === 'taylor') await benchTaylor(quick);
  if (part === 'all' || part === 'train') await benchTrain(quick);
  if (part === 'all' || part === 'recover') await benchRecover(quick);
  if (part === 'all' || part === 'hinton') await benchHinton(quick);
  if (part === 'all' || part === 'preset-time') await benchPresetTime(quick);
  if (part === 'all' || part === 'ptq') await benchPtq(quick);
  if (part === 'all' || part === 'mixed') await benchMixed(quick);
  if (part === 'keras') await benchKeras({ quick });
}

main().catch((e) => { console.error(e); process.exit(1); });
