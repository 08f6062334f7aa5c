import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../../node/io';
import * as tf from '@tensorflow/tfjs';
import { compressModel, type CompressOutput } from '../compress';
import type { LabelledDataset } from '../dataset';
import { imagesToTensor } from '../datasetTensor';
import { toClassifier } from '../classifier';
import { parsePlan, type CompressionPlan } from '../plan';
import { tfModelFromParts, partsFromArtifacts, type ModelParts } from '../weights';
import { CALIBRATE_WITH_RECOVERY, compressWithRecovery, EQUALIZE_WITH_RECOVERY, pruningStage, weightStage, type RecoveryMetrics } from './recover';

const modelParts = (id: string) => partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));

async function accuracy(parts: ModelParts, val: LabelledDataset): Promise<number> {
  const model = await tfModelFromParts(parts);
  try {
    const predicted = tf.tidy(() => toClassifier(model).predict(imagesToTensor(val, 0, val.entry.count)).argMax(-1).dataSync());
    return Array.from(predicted).filter((p, i) => p === val.labels[i]).length / val.entry.count;
  } finally {
    model.dispose();
  }
}

const kernel = (out: CompressOutput, name: string) => out.compressed.tensors.find((t) => t.name === name)?.values as Float32Array;

describe('compressWithRecovery: fine-tuning', () => {
  let train: LabelledDataset;
  let val: LabelledDataset;
  beforeAll(async () => { await useWasm(); train = readDataset('mnist', 'train'); val = readDataset('mnist', 'val'); });

  it('splits a plan into its pruning/structural stage and its weight-level stage', () => {
    const plan: CompressionPlan = { version: 1, prune: { ratio: 0.5 }, channels: { ratio: 0.2 }, quantize: { bits: 4 }, finetune: { epochs: 2 },
      layers: { fc1: { exclude: true, prune: 0.9, bits: 8, channels: 0.1 } } };
    expect(pruningStage(plan)).toEqual({ version: 1, prune: { ratio: 0.5 }, channels: { ratio: 0.2 }, lowRank: undefined, layers: { fc1: { exclude: true, prune: 0.9, channels: 0.1 } } });
    expect(weightStage({ ...plan, prune: { ratio: 0.5, score: 'taylor' } }).prune).toEqual({ ratio: 0.5 });
    expect(weightStage(plan)).toEqual({ version: 1, prune: { ratio: 0.5 }, quantize: { bits: 4 }, cluster: undefined, layers: { fc1: { exclude: true, prune: 0.9, bits: 8 } } });
    expect(() => parsePlan({ version: 1, finetune: { epochs: 0 } })).toThrow(/finetune.epochs must be a whole number 1–50/);
    expect(() => parsePlan({ version: 1, finetune: { epochs: 1, learningRate: 1 } })).toThrow(/finetune.learningRate/);
  });

  it('without finetune is exactly compressModel', async () => {
    const parts = modelParts('lenet-300-100');
    const plan: CompressionPlan = { version: 1, prune: { ratio: 0.8 }, quantize: { bits: 6 } };
    const out = await compressWithRecovery(parts, plan, undefined);
    expect(kernel(out as CompressOutput, 'fc1/kernel')).toEqual(kernel(compressModel(parts, plan), 'fc1/kernel'));
  });

  it('wins back accuracy lost to pruning, keeping exactly the same zeros, then quantizes', async () => {
    const parts = modelParts('lenet-300-100');
    const plan: CompressionPlan = { version: 1, prune: { ratio: 0.97 }, quantize: { bits: 6 } };
    const plain = compressModel(parts, plan);
    const steps: number[] = [];
    const stages: string[] = [];
    const tuned = await compressWithRecovery(parts, { ...plan, finetune: { epochs: 1, limit: 3000, learningRate: 1e-3 } }, train, {
      onProgress: (done, _total, _message, metrics) => { if (metrics) { steps.push(done); stages.push(metrics.stage); } },
    });
    if (!tuned) throw new Error('cancelled');
    // ⌈3000 / 64⌉ steps with pruned weights held at zero, then as many on the 6-bit grid
    expect(steps).toEqual(Array.from({ length: 94 }, (_, i) => i + 1));
    expect(stages.filter((x) => x === 'masked').length).toBe(47);
    const [before, after] = [await accuracy(plain.parts, val), await accuracy(tuned.parts, val)];
    console.log(`lenet-300-100 prune 97 % + 6-bit: ${before.toFixed(4)} → fine-tuned 1 epoch on 3 000: ${after.toFixed(4)}`);
    expect(after).toBeGreaterThan(before + 0.02);
    const [a, b] = [kernel(plain, 'fc1/kernel'), kernel(tuned, 'fc1/kernel')];
    let sameZeros = true;
    for (let i = 0; i < a.length; i++) if ((a[i] === 0) !== (b[i] === 0)) sameZeros = false;
    expect(sameZeros).toBe(true);
    expect(tuned.tensors.find((t) => t.name === 'fc1/kernel')?.bits).toBe(6);
  });

  it('recovers structured channel pruning and fine-tunes shared values into the codebooks', async () => {
    const parts = modelParts('lenet-5');
    const plan: CompressionPlan = { version: 1, channels: { ratio: 0.5 }, cluster: { k: 8, grid: 'uint8' } };
    const plain = compressModel(parts, plan);
    const tuned = await compressWithRecovery(parts, { ...plan, finetune: { epochs: 1, limit: 2000, learningRate: 1e-3 } }, train);
    if (!tuned) throw new Error('cancelled');
    const [before, after] = [await accuracy(plain.parts, val), await accuracy(tuned.parts, val)];
    console.log(`lenet-5 channels −50 % + 8 clusters: ${before.toFixed(4)} → fine-tuned: ${after.toFixed(4)}`);
    expect(after).toBeGreaterThan(Math.max(before + 0.05, 0.9));
    expect(tuned.structural.after.params).toBe(plain.structural.after.params);
    for (const t of tuned.compressed.tensors) {
      if (t.payload.kind !== 'codebook') continue;
      expect(new Set(t.values).size).toBeLessThanOrEqual(8);
      const { codebook, indices, grid } = t.payload;
      for (let i = 0; i < t.values.length; i += 97) expect(t.values[i]).toBe(codebook[indices[i]]);
      // The trained shared values went back onto the uint8 grid, so the TF.js export stays uint8.
      if (!grid) throw new Error(`${t.name} lost its grid`);
      codebook.forEach((c, k) => expect(Math.fround(grid.codes[k] * grid.scale + grid.min)).toBe(c));
    }
  });

  it('reuses the fine-tuned weights when only the weight-level settings change, and trains again otherwise', async () => {
    const parts = modelParts('lenet-300-100');
    const cache = {};
    const finetune = { epochs: 1, limit: 640, learningRate: 1e-3 };
    const steps = async (plan: CompressionPlan) => {
      let n = 0;
      const out = await compressWithRecovery(parts, plan, train, { onProgress: (_d, _t, _m, metrics) => { if (metrics?.stage === 'masked') n++; } }, cache);
      return { n, out: out as CompressOutput };
    };
    const first = await steps({ version: 1, prune: { ratio: 0.9 }, quantize: { bits: 8 }, finetune });
    expect(first.n).toBe(10);
    const requant = await steps({ version: 1, prune: { ratio: 0.9 }, quantize: { bits: 4 }, finetune });
    expect(requant.n).toBe(0);
    // The same as training afresh (seeded), then quantizing at 4 bits.
    const fresh = await compressWithRecovery(parts, { version: 1, prune: { ratio: 0.9 }, quantize: { bits: 4 }, finetune }, train);
    expect(kernel(requant.out, 'fc1/kernel')).toEqual(kernel(fresh as CompressOutput, 'fc1/kernel'));
    expect((await steps({ version: 1, prune: { ratio: 0.8 }, quantize: { bits: 4 }, finetune })).n).toBe(10);
    expect((await steps({ version: 1, prune: { ratio: 0.8 }, quantize: { bits: 4 }, finetune: { ...finetune, epochs: 2 } })).n).toBe(20);
  });

  it('leaves no tensors behind (models, masks and the optimizer are disposed)', async () => {
    const parts = modelParts('lenet-300-100');
    const plan: CompressionPlan = { version: 1, prune: { ratio: 0.9 }, cluster: { k: 4 }, finetune: { epochs: 1, limit: 256 } };
    await compressWithRecovery(parts, plan, train); // warm-up: backend-level constants
    const before = tf.memory().numTensors;
    await compressWithRecovery(parts, plan, train);
    expect(tf.memory().numTensors).toBe(before);
    // Distillation with a hint loss, Taylor scores and quantization-aware training, cancelled half-way too.
    const distil: CompressionPlan = { version: 1, prune: { ratio: 0.9, score: 'taylor' }, quantize: { bits: 4 }, distill: { epochs: 1, limit: 256 }, layers: { fc2: { hint: true } } };
    await compressWithRecovery(parts, distil, { ...train, labels: undefined });
    const start = tf.memory().numTensors;
    await compressWithRecovery(parts, distil, { ...train, labels: undefined });
    expect(tf.memory().numTensors).toBe(start);
    let steps = 0;
    await compressWithRecovery(parts, distil, { ...train, labels: undefined }, { isCancelled: () => steps > 2, onProgress: (_d, _t, _m, m) => { if (m) steps++; } });
    expect(tf.memory().numTensors).toBe(start);
  });

  it('says what it needs, and stops when cancelled', async () => {
    const parts = modelParts('lenet-300-100');
    const plan: CompressionPlan = { version: 1, prune: { ratio: 0.5 }, finetune: { epochs: 1 } };
    await expect(compressWithRecovery(parts, plan, undefined)).rejects.toThrow(/needs a labelled training split/);
    await expect(compressWithRecovery({ ...parts, format: 'graph-model' }, plan, train)).rejects.toThrow(/needs a TF.js layers model/);
    let steps = 0;
    const out = await compressWithRecovery(parts, plan, train, { isCancelled: () => steps >= 3, onProgress: (_d, _t, _m, metrics?: RecoveryMetrics) => { if (metrics) steps++; } });
    expect(out).toBeUndefined();
    expect(steps).toBe(3);
  });
});

describe('compressWithRecovery: distillation, quantization-aware training, Taylor scores', () => {
  let train: LabelledDataset;
  let val: LabelledDataset;
  beforeAll(async () => { await useWasm(); train = readDataset('mnist', 'train'); val = readDataset('mnist', 'val'); });
  const unlabelled = () => ({ ...train, labels: undefined });

  it('recovers LeNet-5 (half its filters and units, 4-bit) from the original on images without labels, ending on the 4-bit grid', async () => {
    const parts = modelParts('lenet-5');
    const plan: CompressionPlan = { version: 1, channels: { ratio: 0.5 }, quantize: { bits: 4, granularity: 'channel' } };
    const plain = compressModel(parts, plan);
    const metrics: RecoveryMetrics[] = [];
    const out = await compressWithRecovery(parts, { ...plan, distill: { epochs: 1, limit: 2000 } }, unlabelled(), { onProgress: (_d, _t, _m, m) => { if (m) metrics.push(m); } });
    if (!out) throw new Error('cancelled');
    const [before, after] = [await accuracy(plain.parts, val), await accuracy(out.parts, val)];
    console.log(`lenet-5 channels −50 % + 4-bit: ${before.toFixed(4)} → distilled 1 epoch on 2 000 unlabelled: ${after.toFixed(4)}`);
    expect(after).toBeGreaterThan(before + 0.02);
    expect(out.structural.after.params).toBe(plain.structural.after.params);
    expect(metrics.filter((m) => m.stage === 'masked').length).toBe(32);
    expect(metrics.filter((m) => m.stage === 'grid').length).toBe(32);
    const mean = (xs: RecoveryMetrics[]) => xs.reduce((a, m) => a + m.agreement, 0) / xs.length;
    expect(mean(metrics.slice(-8))).toBeGreaterThan(mean(metrics.slice(0, 8)));
    for (const t of out.compressed.tensors) {
      if (!t.name.endsWith('kernel')) continue;
      expect(t.payload.kind).toBe('affine');
      // exactly the 4-bit codes × scales (per output channel) it is stored as
      if (t.payload.kind !== 'affine') continue;
      const { codes, scale, zeroPoint, axis } = t.payload;
      const channels = t.shape[axis < 0 ? t.shape.length + axis : axis];
      for (let i = 0; i < t.values.length; i += 13) {
        const c = i % channels;
        expect(t.values[i]).toBe(Math.fround((codes[i] - zeroPoint[c]) * scale[c]));
      }
    }
  });

  it('trains quantization-aware: 2-bit LeNet-300-100 distilled on the grid beats rounding alone', async () => {
    const parts = modelParts('lenet-300-100');
    const plan: CompressionPlan = { version: 1, quantize: { bits: 2, granularity: 'channel' } };
    const out = await compressWithRecovery(parts, { ...plan, distill: { epochs: 1, limit: 3000 } }, unlabelled());
    const [before, after] = [await accuracy(compressModel(parts, plan).parts, val), await accuracy((out as CompressOutput).parts, val)];
    console.log(`lenet-300-100 2-bit per channel: rounded ${before.toFixed(4)} → distilled on the grid 1 epoch: ${after.toFixed(4)}`);
    expect(after).toBeGreaterThan(Math.max(before + 0.02, 0.97)); // measured: 0.9480 → 0.9745
  });

  it('adds hint losses on layers whose shape the compression kept, and names a layer whose shape it changed', async () => {
    const parts = modelParts('lenet-300-100');
    const hinted: CompressionPlan = { version: 1, prune: { ratio: 0.9 }, distill: { epochs: 1, limit: 256, hintWeight: 2 }, layers: { fc2: { hint: true } } };
    const losses: number[] = [];
    await compressWithRecovery(parts, hinted, unlabelled(), { onProgress: (_d, _t, _m, m) => { if (m) losses.push(m.loss); } });
    const plainLosses: number[] = [];
    await compressWithRecovery(parts, { ...hinted, layers: undefined }, unlabelled(), { onProgress: (_d, _t, _m, m) => { if (m) plainLosses.push(m.loss); } });
    expect(losses[0]).toBeGreaterThan(plainLosses[0]); // the same first batch, plus 2 · MSE of fc2's activations
    await expect(compressWithRecovery(parts, { version: 1, channels: { ratio: 0.5 }, distill: { epochs: 1, limit: 128 }, layers: { fc1: { hint: true } } }, unlabelled()))
      .rejects.toThrow(/hint layer fc1: its output is \[N,150\] in the compressed model and \[N,300\] in the original/);
  });

  it('ranks by Taylor scores when asked (data needed, labels not), and by magnitude otherwise', async () => {
    const parts = modelParts('lenet-300-100');
    const plan: CompressionPlan = { version: 1, prune: { ratio: 0.9, score: 'taylor' } };
    await expect(compressWithRecovery(parts, plan, undefined)).rejects.toThrow(/Taylor scores need training data/);
    const taylor = await compressWithRecovery(parts, plan, unlabelled()) as CompressOutput;
    const magnitude = compressModel(parts, { version: 1, prune: { ratio: 0.9 } });
    const [a, b] = [kernel(taylor, 'fc1/kernel'), kernel(magnitude, 'fc1/kernel')];
    let differ = 0;
    for (let i = 0; i < a.length; i++) if ((a[i] === 0) !== (b[i] === 0)) differ++;
    expect(differ).toBeGreaterThan(100);
    const zeros = taylor.tensors.filter((t) => t.kernel).reduce((s, t) => s + t.sparsity * t.params, 0) / taylor.tensors.filter((t) => t.kernel).reduce((s, t) => s + t.params, 0);
    expect(zeros).toBeCloseTo(0.9, 3);
  });

  it('leaves cross-layer equalization and calibration on data out of a recovering plan, and says so', async () => {
    const parts = modelParts('lenet-300-100');
    const plan: CompressionPlan = { version: 1, prune: { ratio: 0.8 }, quantize: { bits: 4 }, distill: { epochs: 1, limit: 128 } };
    const plain = await compressWithRecovery(parts, plan, unlabelled()) as CompressOutput;
    const equalized = await compressWithRecovery(parts, { ...plan, quantize: { bits: 4, equalize: 'cle' } }, unlabelled()) as CompressOutput;
    expect(equalized.skipped).toEqual([EQUALIZE_WITH_RECOVERY]);
    expect(kernel(equalized, 'fc1/kernel')).toEqual(kernel(plain, 'fc1/kernel'));
    // Calibration on data too: recovery starts from the weight-MSE range instead, and both are named.
    const mse = await compressWithRecovery(parts, { ...plan, quantize: { bits: 4, calibrate: 'mse' } }, unlabelled()) as CompressOutput;
    const both = await compressWithRecovery(parts, { ...plan, quantize: { bits: 4, equalize: 'cle', calibrate: 'adaround' } }, unlabelled()) as CompressOutput;
    expect(both.skipped).toEqual([EQUALIZE_WITH_RECOVERY, CALIBRATE_WITH_RECOVERY]);
    expect(kernel(both, 'fc1/kernel')).toEqual(kernel(mse, 'fc1/kernel'));
  });

  it('says which data it needs', async () => {
    const parts = modelParts('lenet-300-100');
    await expect(compressWithRecovery(parts, { version: 1, distill: { epochs: 1 } }, undefined)).rejects.toThrow(/distillation needs training images/);
    await expect(compressWithRecovery(parts, { version: 1, distill: { epochs: 1, alpha: 0.5 } }, unlabelled())).rejects.toThrow(/has no labels: set the label weight α to 0/);
    await expect(compressWithRecovery(parts, { version: 1, finetune: { epochs: 1 } }, unlabelled())).rejects.toThrow(/has no labels, and fine-tuning needs them: distill from the original instead/);
  });
});
