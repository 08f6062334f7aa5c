/**
 * Trains a bundled model in Node on the tfjs wasm backend and writes it to public/models/<id>/.
 *
 *   npx tsx scripts/train.ts <lenet-300-100|lenet-5|fashion-cnn> [--epochs N] [--limit N] [--shift N] [--flip] [--out DIR]
 *
 * Adam (lr 1e-3, ×0.1 for the last quarter of the epochs), batch 64, random shifts of up to
 * ±shift pixels (default 2) and, with --flip, random horizontal mirroring (for clothes, not digits),
 * shuffling by a seeded PRNG; the model of the last epoch is kept (the validation split is only
 * reported, never used to choose). Then run `npm run catalog` to measure and record accuracy.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { LabelledDataset } from '../src/model/dataset';
import { imagesToTensor } from '../src/model/datasetTensor';
import { PUBLIC, readDataset, saveModel, useWasm } from '../src/node/io';
import { ZOO, type ZooId } from './zoo';

/** mulberry32, as in build-data.mjs; kept (not core's sfc32) so the committed models retrain bit for bit. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A batch of images shifted by up to ±maxShift pixels (zero fill), with one-hot labels. */
function augmentedBatch(ds: LabelledDataset, indices: number[], rand: () => number, maxShift: number, flip: boolean) {
  const [h, w, c] = ds.entry.shape;
  const size = h * w * c;
  const x = new Float32Array(indices.length * size);
  const y = new Float32Array(indices.length * ds.entry.classes.length);
  indices.forEach((src, n) => {
    const dy = Math.floor(rand() * (2 * maxShift + 1)) - maxShift;
    const dx = Math.floor(rand() * (2 * maxShift + 1)) - maxShift;
    const mirror = flip && rand() < 0.5;
    for (let r = 0; r < h; r++) {
      const sr = r - dy;
      if (sr < 0 || sr >= h) continue;
      for (let col = 0; col < w; col++) {
        const sc = (mirror ? w - 1 - col : col) - dx;
        if (sc < 0 || sc >= w) continue;
        for (let ch = 0; ch < c; ch++) x[n * size + (r * w + col) * c + ch] = ds.images[src * size + (sr * w + sc) * c + ch] * ds.entry.scale;
      }
    }
    y[n * ds.entry.classes.length + ds.labels[src]] = 1;
  });
  return { x: tf.tensor4d(x, [indices.length, h, w, c]), y: tf.tensor2d(y, [indices.length, ds.entry.classes.length]) };
}

function accuracy(model: tf.LayersModel, ds: LabelledDataset): number {
  let correct = 0;
  for (let start = 0; start < ds.entry.count; start += 500) {
    const n = Math.min(500, ds.entry.count - start);
    const pred = tf.tidy(() => (model.predict(imagesToTensor(ds, start, n)) as tf.Tensor).argMax(-1).dataSync());
    for (let i = 0; i < n; i++) if (pred[i] === ds.labels[start + i]) correct++;
  }
  return correct / ds.entry.count;
}

async function main() {
  const id = process.argv[2] as ZooId;
  if (!(id in ZOO)) throw new Error(`usage: tsx scripts/train.ts <${Object.keys(ZOO).join('|')}> [--epochs N] [--limit N]`);
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const epochs = arg('--epochs', 20);
  await useWasm();
  const spec = ZOO[id];
  const train = readDataset(spec.dataset, 'train');
  const val = readDataset(spec.dataset, 'val');
  const limit = Math.min(arg('--limit', train.entry.count), train.entry.count);
  const model = spec.build();
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.summary();
  const rand = mulberry32(42);
  const batch = Number(process.env.BATCH ?? 64);
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (epoch === Math.floor(epochs * 0.75)) (optimizer as unknown as { learningRate: number }).learningRate = 1e-4;
    const order = Array.from({ length: limit }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const t0 = Date.now();
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < limit; start += batch) {
      const { x, y } = augmentedBatch(train, order.slice(start, start + batch), rand, arg('--shift', 2), process.argv.includes('--flip'));
      const out = await model.trainOnBatch(x, y);
      lossSum += (Array.isArray(out) ? out[0] : out) as number;
      batches++;
      tf.dispose([x, y]);
    }
    const secs = (Date.now() - t0) / 1000;
    console.log(`${id} epoch ${epoch + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, val acc ${(accuracy(model, val) * 100).toFixed(2)} %, ${secs.toFixed(1)} s`);
  }
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] : join(PUBLIC, 'models', id);
  await saveModel(model, out);
  console.log(`saved ${out}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
