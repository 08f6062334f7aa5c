/**
 * `--part recover` and `--part preset-time` of the benchmark (scripts/bench.ts), plus the helpers the
 * distillation benchmarks share (bench-dc-distill.ts, bench-hinton.ts).
 *   recover:     label-free recovery. A model with half its channels removed and 4-bit weights
 *                (affine, per tensor), (a) as it is, (b) fine-tuned with labels, (c) distilled from
 *                the original on the training images with their labels removed (α = 0, T = 4), equal
 *                epochs, through compressWithRecovery (src/model/train/recover.ts). LeNet-5 on MNIST
 *                (all 8 000 training images), fashion-cnn on Fashion-MNIST (the first 10 000 of 60 000).
 *   preset-time: wall time of the studio's "Deep Compression + fine-tuning" preset on LeNet-5.
 * Figures: top-1 on the full validation split and agreement (share of validation images whose top
 * class equals the original's), both from the compressed weights as exported; compact ratio =
 * float32 TF.js bytes (model.json + weights.bin) ÷ compact file bytes; wall time in seconds.
 */
import { PRESETS } from '../src/model/presets';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { readArtifacts, readDataset, ROOT } from '../src/node/io';
import type { Dataset, LabelledDataset } from '../src/model/dataset';
import { compactBytes } from '../src/model/export';
import type { CompressionPlan } from '../src/model/plan';
import { argmaxRows } from '../src/model/train/finetune';
import { teacherLogits, withLogitHead } from '../src/model/train/distill';
import { compressWithRecovery, type RecoveryCache } from '../src/model/train/recover';
import { modelFromParts, partsFromArtifacts, type ModelParts } from '../src/model/weights';

export const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
export const row = (cells: (string | number)[], widths: number[]) => console.log(cells.map((c, i) => String(c).padEnd(widths[i])).join(' '));

/** A bundled model: its parts and the bytes of its float32 TF.js files. */
export interface Bundled { id: string; parts: ModelParts; float32Bytes: number }

/** Reads public/models/<id> (parts, and model.json + weights.bin bytes: the ratios' numerator). */
export function bundled(id: string): Bundled {
  const dir = join(ROOT, 'public', 'models', id);
  const parts = partsFromArtifacts(readArtifacts(join(dir, 'model.json')));
  return { id, parts, float32Bytes: statSync(join(dir, 'model.json')).size + statSync(join(dir, 'weights.bin')).size };
}

/** Top-1 class of a layers model on the first `count` samples (default all) of `data`. */
export async function topClassesOf(model: tf.LayersModel, data: Dataset, count = data.entry.count): Promise<Int32Array> {
  const z = await teacherLogits(model, data, count);
  if (!z) throw new Error('cancelled');
  return argmaxRows(z, z.length / count);
}

/** Top-1 class of the model of `parts` on every sample of `data`. */
export async function topClasses(parts: ModelParts, data: Dataset): Promise<Int32Array> {
  const model = await modelFromParts(withLogitHead(parts).parts);
  try { return await topClassesOf(model, data); } finally { model.dispose(); }
}

/** Share of `a` equal to `b` (accuracy when b are labels, agreement when b are the original's classes). */
export function share(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** One compressed-and-recovered model's figures. */
export interface Measured { accuracy: number; agreement: number; bytes: number; ratio: number; seconds: number }

/**
 * Applies `plan` to the bundled model through compressWithRecovery, training on `train`, and
 * measures it on `val` against the original's classes `reference`.
 */
export async function measurePlan(model: Bundled, plan: CompressionPlan, train: Dataset | undefined, val: LabelledDataset,
  reference: Int32Array, cache: RecoveryCache = {}): Promise<Measured> {
  const t0 = performance.now();
  const out = await compressWithRecovery(model.parts, plan, train, {}, cache);
  const seconds = (performance.now() - t0) / 1000;
  if (!out) throw new Error('cancelled');
  const bytes = compactBytes(out.compressed).total;
  const top = await topClasses(out.parts, val);
  return { accuracy: share(top, val.labels), agreement: share(top, reference), bytes, ratio: model.float32Bytes / bytes, seconds };
}

/** Prints the measured table row of one variant. */
function line(label: string, m: Measured) {
  row([label, pct(m.accuracy), pct(m.agreement), `${(m.bytes / 1000).toFixed(1)} KB`, `${m.ratio.toFixed(1)}×`, `${m.seconds.toFixed(1)} s`], [44, 10, 10, 10, 8, 8]);
}

/** `--part recover` (file comment). Quick: 1 epoch on 1 000 training images. */
export async function benchRecover(quick: boolean) {
  const epochs = quick ? 1 : 3;
  const cases: [string, string, number][] = [['lenet-5', 'mnist', quick ? 1000 : 8000], ['fashion-cnn', 'fashion-mnist', quick ? 1000 : 10000]];
  console.log(`\n== Label-free recovery: channels −50 % + 4-bit weights, ${epochs} epoch(s) masked + ${Math.max(1, Math.round(epochs / 3))} on the grid ==`);
  for (const [id, dataset, limit] of cases) {
    const model = bundled(id);
    const train = readDataset(dataset, 'train');
    const unlabelled: Dataset = { ...train, labels: undefined };
    const val = readDataset(dataset, 'val');
    const reference = await topClasses(model.parts, val);
    console.log(`\n${id} on ${dataset}: original ${pct(share(reference, val.labels))} on ${val.entry.count} validation images; training on the first ${limit} of ${train.entry.count} training images`);
    row(['variant', 'top-1', 'agrees', 'compact', 'ratio', 'time'], [44, 10, 10, 10, 8, 8]);
    const base: CompressionPlan = { version: 1, channels: { ratio: 0.5 }, quantize: { bits: 4 } };
    line('(a) no recovery', await measurePlan(model, base, undefined, val, reference));
    line('(b) fine-tuning with labels', await measurePlan(model, { ...base, finetune: { epochs, limit } }, train, val, reference));
    line('(c) distillation, images without labels', await measurePlan(model, { ...base, distill: { epochs, limit, temperature: 4, alpha: 0 } }, unlabelled, val, reference));
  }
}

/** The studio preset "Deep Compression + fine-tuning" (src/model/presets.ts). */
export const DC_FINETUNE_PRESET: CompressionPlan = PRESETS['Deep Compression + fine-tuning'];

/** `--part preset-time`: the preset's wall time through compressWithRecovery on LeNet-5 (quick: 1 000 training images). */
export async function benchPresetTime(quick: boolean) {
  const model = bundled('lenet-5');
  const train = readDataset('mnist', 'train');
  const val = readDataset('mnist', 'val');
  const reference = await topClasses(model.parts, val);
  const plan: CompressionPlan = quick ? { ...DC_FINETUNE_PRESET, finetune: { epochs: 4, learningRate: 0.001, limit: 1000 } } : DC_FINETUNE_PRESET;
  console.log(`\n== Time of the preset "Deep Compression + fine-tuning" on LeNet-5 (Node, WASM), plan ${JSON.stringify(plan)} ==`);
  row(['variant', 'top-1', 'agrees', 'compact', 'ratio', 'time'], [44, 10, 10, 10, 8, 8]);
  line('preset', await measurePlan(model, plan, train, val, reference));
}
