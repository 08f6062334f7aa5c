/**
 * Training speed on the WASM backend in Node (1 thread: Node runs tfjs-wasm's single-threaded build),
 * for the three bundled layers models, Adam + categorical cross-entropy through model.trainOnBatch:
 *   1. kernel times of one step at batch 64, previous gradient kernels beside the current ones
 *      (setFastWasmTrainingKernels(false/true), interleaved round by round; medians);
 *   2. steps/s and samples/s per batch size (32, 64, 128, 256);
 *   3. what a batch size does to recovery: LeNet-5 pruned to 7 % of its weights (global magnitude,
 *      as the studio's "Deep Compression + fine-tuning" preset), masks kept, one epoch of Adam
 *      (lr 1e-3) at each batch size from the same start: validation accuracy and wall time.
 *
 *   npx tsx scripts/bench-train.ts [--quick]
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PUBLIC, readArtifacts, readDataset, useWasm } from '../src/node/io';
import { imagesAtToTensor, imagesToTensor } from '../src/model/datasetTensor';
import { setFastWasmTrainingKernels } from '../src/model/train/wasmTrainingKernels';
import type { LabelledDataset } from '../src/model/dataset';
import { median, stepMs } from './train-bench/stepTime';

const MODELS: [id: string, train: string, val: string][] = [
  ['lenet-300-100', 'mnist-train', 'mnist-val'], ['lenet-5', 'mnist-train', 'mnist-val'], ['fashion-cnn', 'fashion-mnist-train', 'fashion-mnist-val'],
];
const BATCHES = [32, 64, 128, 256];

async function loadModel(id: string, lr = 1e-4): Promise<tf.LayersModel> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(readArtifacts(join(PUBLIC, 'models', id, 'model.json'))));
  model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy' });
  return model;
}

function batch(data: LabelledDataset, start: number, size: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = imagesToTensor(data, start, size);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(data.labels.slice(start, start + size)), 'int32'), data.entry.classes.length).toFloat());
  return { x, y };
}

/** Per-kernel time of one step (ms, summed over the step's calls of each kernel). */
async function kernelProfile(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<Map<string, number>> {
  const prof = await tf.profile(async () => { await model.trainOnBatch(x, y); });
  const by = new Map<string, number>();
  for (const k of prof.kernels) by.set(k.name, (by.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  return by;
}

async function kernelsBeforeAfter(quick: boolean) {
  const rounds = quick ? 3 : 7;
  console.log(`\n### Training step at batch 64, previous vs current gradient kernels (median of ${rounds} interleaved rounds)\n`);
  console.log('| model | step, previous | step, current | speed-up | slowest kernels, previous → current (ms per step) |');
  console.log('|---|---|---|---|---|');
  for (const [id, trainId] of MODELS) {
    const model = await loadModel(id);
    const { x, y } = batch(readDataset(trainId), 0, 64);
    const step: Record<'prev' | 'fast', number[]> = { prev: [], fast: [] };
    const kernels: Record<'prev' | 'fast', Map<string, number[]>> = { prev: new Map(), fast: new Map() };
    for (let r = 0; r < rounds; r++) {
      for (const v of ['prev', 'fast'] as const) {
        setFastWasmTrainingKernels(v === 'fast');
        step[v].push(await stepMs(model, x, y, 3));
        for (const [k, t] of await kernelProfile(model, x, y)) kernels[v].set(k, [...(kernels[v].get(k) ?? []), t]);
      }
    }
    setFastWasmTrainingKernels(true);
    const med = (v: 'prev' | 'fast', k: string) => median(kernels[v].get(k) ?? [0]);
    const top = [...kernels.prev.keys()].sort((a, b) => med('prev', b) - med('prev', a)).slice(0, 6);
    const [p, f] = [median(step.prev), median(step.fast)];
    console.log(`| ${id} | ${p.toFixed(1)} ms | ${f.toFixed(1)} ms | ${(p / f).toFixed(2)}× | ${top.map((k) => `${k} ${med('prev', k).toFixed(1)} → ${med('fast', k).toFixed(1)}`).join('; ')} |`);
    tf.dispose([x, y]);
    model.dispose();
  }
}

async function throughput(quick: boolean) {
  const steps = quick ? 4 : 10;
  console.log(`\n### Steps/s and samples/s per batch size (current kernels; median step of ${steps})\n`);
  console.log(`| model | ${BATCHES.map((b) => `batch ${b}`).join(' | ')} |`);
  console.log(`|---|${BATCHES.map(() => '---').join('|')}|`);
  for (const [id, trainId] of MODELS) {
    const model = await loadModel(id);
    const data = readDataset(trainId);
    const cells: string[] = [];
    for (const b of BATCHES) {
      const { x, y } = batch(data, 0, b);
      const ms = await stepMs(model, x, y, steps);
      cells.push(`${(1000 / ms).toFixed(1)} steps/s, ${Math.round((1000 * b) / ms)} samples/s`);
      tf.dispose([x, y]);
    }
    console.log(`| ${id} | ${cells.join(' | ')} |`);
    model.dispose();
  }
}

async function accuracy(model: tf.LayersModel, val: LabelledDataset, limit: number): Promise<number> {
  let right = 0;
  for (let start = 0; start < limit; start += 500) {
    const n = Math.min(500, limit - start);
    const pred = tf.tidy(() => (model.predict(imagesToTensor(val, start, n)) as tf.Tensor).argMax(-1));
    const p = await pred.data();
    pred.dispose();
    for (let i = 0; i < n; i++) if (p[i] === val.labels[start + i]) right++;
  }
  return right / limit;
}

/** Prunes every kernel to the global magnitude threshold that keeps `keep` of them; returns the masks. */
function pruneGlobal(model: tf.LayersModel, keep: number): Map<tf.LayerVariable, tf.Tensor> {
  const kernels = model.weights.filter((w) => w.shape.length > 1);
  const all = kernels.flatMap((w) => Array.from(w.read().dataSync(), Math.abs)).sort((a, b) => b - a);
  const threshold = all[Math.floor(all.length * keep)];
  const masks = new Map<tf.LayerVariable, tf.Tensor>();
  for (const w of kernels) {
    const mask = tf.tidy(() => tf.abs(w.read()).greater(threshold).toFloat());
    w.write(tf.tidy(() => w.read().mul(mask)));
    masks.set(w, mask);
  }
  return masks;
}

async function recovery(quick: boolean) {
  const count = quick ? 2048 : 8000;
  const train = readDataset('mnist-train');
  const val = readDataset('mnist-val');
  const valCount = quick ? 1000 : val.entry.count;
  console.log(`\n### LeNet-5 pruned to 7 % (global magnitude), one epoch of ${count} samples, Adam lr 1e-3, masks kept\n`);
  console.log('| batch | steps | wall time | samples/s | val accuracy after |');
  console.log('|---|---|---|---|---|');
  for (const b of BATCHES) {
    const model = await loadModel('lenet-5', 1e-3);
    const masks = pruneGlobal(model, 0.07);
    if (b === BATCHES[0]) console.log(`| (pruned, before) | | | | ${(100 * await accuracy(model, val, valCount)).toFixed(2)} % |`);
    // The same shuffled order for every batch size.
    let s = 7;
    const order = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) { s = (s * 1103515245 + 12345) % 2147483648; const j = s % (i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    const t0 = performance.now();
    let steps = 0;
    for (let start = 0; start < count; start += b) {
      const idx = order.slice(start, start + b);
      const x = imagesAtToTensor(train, idx);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(idx.map((i) => train.labels[i]), 'int32'), 10).toFloat());
      await model.trainOnBatch(x, y);
      for (const [w, m] of masks) w.write(tf.tidy(() => w.read().mul(m)));
      tf.dispose([x, y]);
      steps++;
    }
    const wall = performance.now() - t0;
    console.log(`| ${b} | ${steps} | ${(wall / 1000).toFixed(1)} s | ${Math.round((1000 * count) / wall)} | ${(100 * await accuracy(model, val, valCount)).toFixed(2)} % |`);
    tf.dispose([...masks.values()]);
    model.dispose();
  }
}

/** Prints the three tables (markdown) to stdout; `quick` shortens every part. */
export async function benchTrain(quick: boolean): Promise<void> {
  await useWasm();
  console.log(`\n## Training speed on WASM (Node, ${tf.getBackend()}, 1 thread)`);
  await kernelsBeforeAfter(quick);
  await throughput(quick);
  await recovery(quick);
}

if (process.argv[1]?.endsWith('bench-train.ts')) {
  benchTrain(process.argv.includes('--quick')).catch((e) => { console.error(e); process.exit(1); });
}
