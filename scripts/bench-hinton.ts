/**
 * `--part hinton` of the benchmark (scripts/bench.ts): Hinton, Vinyals & Dean 2015's small-student
 * experiment on our data. A student half the width of LeNet-300-100 — Dense 150-50-10 (ReLU, logits
 * out), same 28×28×1 input — trained from scratch with fineTune (src/model/train/finetune.ts):
 *   (a) on the labels (cross-entropy),
 *   (b) distilled from LeNet-300-100's logits (teacherLogits / withLogitHead, src/model/train/distill.ts),
 *       soft targets at temperature T with a small label weight α,
 * same initial weights (seeded Glorot), sample order, epochs, batch 64, Adam 1e-3, on the 8 000 MNIST
 * training images; test errors = misclassified images of the 2 000 in mnist-val. Hinton et al.
 * report 146 (labels) vs 74 (distilled, T = 20) errors of 10 000 for an 800-800 student of a 1200-1200
 * teacher trained on 60 000 images with jitter.
 */
import * as tf from '@tensorflow/tfjs';
import { readDataset } from '../src/node/io';
import type { Dataset } from '../src/model/dataset';
import { fineTune, type TrainLoss } from '../src/model/train/finetune';
import { withLogitHead, teacherLogits } from '../src/model/train/distill';
import { modelFromParts } from '../src/model/weights';
import { bundled, pct, row, share, topClassesOf } from './bench-recover';

/** The 150-50-10 student (logits out), its initial weights fixed by `seed`. */
export function hintonStudent(seed: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 10 + k });
  return tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: [28, 28, 1] }),
    tf.layers.dense({ units: 150, activation: 'relu', kernelInitializer: init(1) }),
    tf.layers.dense({ units: 50, activation: 'relu', kernelInitializer: init(2) }),
    tf.layers.dense({ units: 10, kernelInitializer: init(3) }),
  ] });
}

/** Trains a fresh student on `train` with `loss` and returns its top-1 on `val` and wall seconds. */
async function trainStudent(train: Dataset, val: Dataset, loss: TrainLoss, teacher: Float32Array | undefined, epochs: number, limit: number) {
  const model = hintonStudent(1);
  const t0 = performance.now();
  await fineTune(model, train, new Map(), { epochs, learningRate: 1e-3, batchSize: 64, seed: 3, limit, loss, teacher, probabilities: false });
  const seconds = (performance.now() - t0) / 1000;
  const top = await topClassesOf(model, val);
  model.dispose();
  return { top, seconds };
}

/** `--part hinton` (file comment). Quick: 2 epochs on 2 000 training images, T = 4 only. */
export async function benchHinton(quick: boolean) {
  const epochs = quick ? 2 : 20;
  const train = readDataset('mnist', 'train');
  const val = readDataset('mnist', 'val');
  const limit = quick ? 2000 : train.entry.count;
  const lenet = bundled('lenet-300-100');
  const teacherModel = await modelFromParts(withLogitHead(lenet.parts).parts);
  const logits = await teacherLogits(teacherModel, train, limit);
  const teacherTop = await topClassesOf(teacherModel, val);
  teacherModel.dispose();
  if (!logits) throw new Error('cancelled');
  const n = val.entry.count;
  const errors = (acc: number) => Math.round((1 - acc) * n);
  console.log(`\n== Hinton et al. 2015 small student: Dense 150-50-10 from scratch, ${epochs} epochs on ${limit} MNIST training images, errors of ${n} mnist-val images ==`);
  const widths = [52, 8, 10, 10, 8];
  row(['model', 'errors', 'top-1', 'agrees', 'time'], widths);
  const tAcc = share(teacherTop, val.labels);
  row(['teacher LeNet-300-100 (300-100-10, bundled)', errors(tAcc), pct(tAcc), '', ''], widths);
  const runs: [string, TrainLoss][] = [['(a) student on labels (cross-entropy)', { kind: 'labels' }]];
  for (const t of quick ? [4] : [4, 20]) runs.push([`(b) student distilled, T = ${t}, α = 0.1`, { kind: 'distill', temperature: t, alpha: 0.1, mode: 'soft' }]);
  for (const [label, loss] of runs) {
    const { top, seconds } = await trainStudent(train, val, loss, loss.kind === 'distill' ? logits : undefined, epochs, limit);
    const acc = share(top, val.labels);
    row([label, errors(acc), pct(acc), pct(share(top, teacherTop)), `${seconds.toFixed(0)} s`], widths);
  }
}
