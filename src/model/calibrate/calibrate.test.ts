import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng, decodeTensor, encodeTensor } from '../../core';
import { useWasm } from '../../node/io';
import { CALIBRATION_NEEDS_DATA, compressModel } from '../compress';
import { makeDataset, type Dataset } from '../dataset';
import type { CompressionPlan } from '../plan';
import { compressWithRecovery } from '../train/recover';
import { partsOfModel } from '../transform/fixtures';
import { artifactsFromParts, type ModelParts } from '../weights';
import { calibrateKernels, compressCalibrated } from '.';
import { searchOutputRange } from './outputRange';
import type { KernelGeometry } from './patches';

beforeAll(async () => { await useWasm(); });

/** conv (linear, dilation 2) → relu → depthwise → relu → flatten → dense, seeded weights, on 6×6×2 images. */
async function toyParts(): Promise<ModelParts> {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 100 }) });
  const m = tf.sequential({ layers: [
    tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', dilationRate: 2, inputShape: [6, 6, 2], name: 'conv', ...init(1) }),
    tf.layers.activation({ activation: 'relu', name: 'relu1' }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw', activation: 'relu', ...init(2), depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    tf.layers.flatten({ name: 'flat' }),
    tf.layers.dense({ units: 5, name: 'fc', ...init(3) }),
  ] });
  const parts = await partsOfModel(m);
  m.dispose();
  return parts;
}

/** `count` seeded 6×6×2 images, no labels. */
function images(count: number): Dataset {
  const rng = createRng(9);
  const bytes = Uint8Array.from({ length: count * 72 }, () => Math.floor(rng.next() * 256));
  return makeDataset({ id: 'toy', name: 'toy', dataset: 'toy', split: 'train', count, shape: [6, 6, 2], classes: [], images: 'x', scale: 1 / 255 }, bytes);
}

const plan = (calibrate: 'output' | 'adaround', granularity: 'tensor' | 'channel' = 'channel'): CompressionPlan => ({ version: 1, quantize: { bits: 3, scheme: 'affine', granularity, calibrate } });

/** A linear layer's output (conv: before its ReLU; fc: the model's output) averaged over all of `data`, from a model of `parts`. */
async function convOutputMean(parts: ModelParts, data: Dataset, layer = 'conv'): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifactsFromParts(parts)));
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tf.SymbolicTensor });
  const x = tf.tensor4d(Float32Array.from(data.images, (v) => v / 255), [data.entry.count, 6, 6, 2]);
  const y = probe.predict(x) as tf.Tensor;
  const mean = y.reshape([-1, y.shape[y.rank - 1] as number]).mean(0).dataSync() as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return mean;
}

describe('calibration on data', () => {
  it("'output': searched ranges never worse than min/max on the layer-output error, kernels on their grids, empirical bias correction restores the mean output", async () => {
    const parts = await toyParts();
    const data = images(64); // fewer than CALIBRATION_SAMPLES: all of them are the calibration set
    const before = tf.memory().numTensors;
    const out = await compressCalibrated(parts, plan('output'), data);
    expect(tf.memory().numTensors).toBe(before);
    if (!out) throw new Error('cancelled');
    expect(out.calibration?.map((c) => [c.layer, c.method])).toEqual([['conv', 'output'], ['dw', 'output'], ['fc', 'output']]);
    for (const c of out.calibration ?? []) {
      expect(c.error?.range).toBeLessThanOrEqual((c.error?.minmax ?? 0) + 1e-12);
      expect(c.error?.final).toBe(c.error?.range);
    }
    for (const t of out.compressed.tensors.filter((x) => x.name.endsWith('kernel'))) {
      expect(t.payload.kind).toBe('affine');
      // what is written decodes to exactly the values the model computes with
      expect(Array.from(decodeTensor(encodeTensor(t.payload)).values)).toEqual(Array.from(t.values));
    }
    expect(out.biasCorrection?.map((r) => [r.layer, r.statsFrom, r.target])).toEqual([
      ['conv', 'calibration data', 'conv/bias'], ['dw', 'calibration data', 'dw/bias'], ['fc', 'calibration data', 'fc/bias']]);
    // The first layer sees the same inputs in both models: after correction its mean output is the original's.
    const want = await convOutputMean(parts, data);
    const got = await convOutputMean(out.parts, data);
    const uncorrected = compressModel(parts, { version: 1, quantize: { bits: 3, scheme: 'affine', granularity: 'channel', calibrate: 'mse' } });
    const off = await convOutputMean(uncorrected.parts, data);
    for (let c = 0; c < 4; c++) expect(Math.abs(got[c] - want[c])).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(off, (v, c) => Math.abs(v - want[c])))).toBeGreaterThan(1e-4);
    expect(out.skipped).toEqual([]);
  });

  it("'adaround': final output error ≤ the searched range's, codes within the grid, seeded (same bytes twice), pruned zeros kept", async () => {
    const parts = await toyParts();
    const data = images(64);
    const p: CompressionPlan = { ...plan('adaround', 'tensor'), prune: { ratio: 0.3, scope: 'layer' } };
    const a = await compressCalibrated(parts, p, data);
    const b = await compressCalibrated(parts, p, data);
    if (!a || !b) throw new Error('cancelled');
    for (const c of a.calibration ?? []) {
      expect(c.method).toBe('adaround');
      expect(c.error?.final).toBeLessThanOrEqual((c.error?.range ?? 0) + 1e-9);
    }
    expect(a.calibration?.some((c) => (c.error?.final ?? 0) < (c.error?.range ?? 0))).toBe(true);
    const pruned = compressModel(parts, { version: 1, prune: { ratio: 0.3, scope: 'layer' } }).compressed.tensors;
    a.compressed.tensors.forEach((t, i) => {
      expect(Array.from(t.values)).toEqual(Array.from(b.compressed.tensors[i].values));
      if (t.payload.kind !== 'affine') return;
      const top = 2 ** t.payload.bits - 1;
      expect(Array.from(t.payload.codes).every((q) => q >= 0 && q <= top)).toBe(true);
      pruned[i].values.forEach((v, j) => { if (v === 0) expect(t.values[j]).toBe(0); });
    });
  });

  it('cancelled → undefined, no tensor left; without data the plan is refused with what to do', async () => {
    const parts = await toyParts();
    const before = tf.memory().numTensors;
    expect(await calibrateKernels(parts, plan('adaround'), images(64), { isCancelled: () => true })).toBeUndefined();
    let calls = 0;
    expect(await calibrateKernels(parts, plan('adaround'), images(64), { isCancelled: () => calls > 3, onProgress: () => { calls++; } })).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => compressModel(parts, plan('output'))).toThrow(CALIBRATION_NEEDS_DATA);
    await expect(compressWithRecovery(parts, plan('output'), undefined)).rejects.toThrow(CALIBRATION_NEEDS_DATA);
  });

  it('searchOutputRange: per channel, error ≤ min/max error and equal to ‖X(W − Ŵ)‖²/n recomputed', () => {
    const rng = createRng(3);
    const k = 6;
    const o = 3;
    const n = 40;
    // correlated inputs: x = z·A with a random mixing matrix
    const a = Float32Array.from({ length: k * k }, () => rng.normal());
    const rows = new Float32Array(n * k);
    for (let r = 0; r < n; r++) {
      const z = Array.from({ length: k }, () => rng.normal());
      for (let j = 0; j < k; j++) rows[r * k + j] = z.reduce((s, zi, i) => s + zi * a[i * k + j], 0);
    }
    const w = Float32Array.from({ length: k * o }, () => rng.normal() * (rng.next() < 0.1 ? 4 : 1));
    const g: KernelGeometry = { kind: 'dense', k, o };
    const layer = { groups: 1, k, o, rows, n };
    for (const axis of [undefined, -1]) {
      const r = searchOutputRange(w, [k, o], { bits: 3, scheme: 'symmetric', axis }, g, layer);
      for (let c = 0; c < r.error.length; c++) expect(r.error[c]).toBeLessThanOrEqual(r.minmaxError[c]);
      expect(r.error.length).toBe(axis === undefined ? 1 : o);
    }
  });
});

describe('refitPruned', () => {
  it('hand-checked K = 2: the kept weight absorbs H12/H11 · w_pruned (dampened), zeros stay, error halves', async () => {
    const { refitPruned, DAMPENING } = await import('./refit');
    const rows = Float32Array.from([1, 1, -1, -1, 1, 0, -1, 0]);
    // H from these rows: x = (1,1), (−1,−1), (1,0), (−1,0) → E[x1²] = 1, E[x2²] = 0.5, E[x1x2] = 0.5
    const layer = { groups: 1, k: 2, o: 1, rows, n: 4 };
    const w = Float32Array.from([0.3, 0.8]);
    const r = refitPruned(w, Float32Array.from([0.3, 0]), layer);
    const damp = DAMPENING * (1 + 0.5) / 2;
    expect(r.values[1]).toBe(0);
    expect(r.values[0]).toBeCloseTo(0.3 + (0.5 * 0.8) / (1 + damp), 6);
    // pruning alone: e = (0, 0.8) → eᵀHe = 0.8²·0.5 = 0.32; after: e = (−0.4/(1+d), 0.8)
    expect(r.before).toBeCloseTo(0.32, 6);
    const e1 = 0.3 - r.values[0];
    expect(r.after).toBeCloseTo(e1 * e1 * 1 + 2 * e1 * 0.8 * 0.5 + 0.32, 5);
    expect(r.after).toBeCloseTo(0.16, 3); // undampened optimum: E[(x2 − 0.5x1)²]·0.8² = 0.25·0.64
    // nothing pruned: unchanged
    const same = refitPruned(w, w, layer);
    expect(Array.from(same.values)).toEqual(Array.from(w));
    expect(same.before).toBe(0);
  });

  it("a pruned plan calibrated on data: kernels keep exactly the plan's zeros, the refit is reported and lowers pruning's output error", async () => {
    const parts = await toyParts();
    const p: CompressionPlan = { version: 1, prune: { ratio: 0.5, scope: 'layer' }, quantize: { bits: 8, scheme: 'affine', granularity: 'channel', calibrate: 'output' } };
    const out = await compressCalibrated(parts, p, images(64));
    if (!out) throw new Error('cancelled');
    const pruned = compressModel(parts, { version: 1, prune: { ratio: 0.5, scope: 'layer' } }).compressed.tensors;
    out.compressed.tensors.forEach((t, i) => {
      if (!t.name.endsWith('kernel')) return;
      pruned[i].values.forEach((v, j) => expect(t.values[j] === 0).toBe(v === 0 || t.values[j] === 0));
      expect(t.values.filter((v) => v === 0).length).toBeGreaterThanOrEqual(pruned[i].values.filter((v) => v === 0).length);
    });
    for (const c of out.calibration ?? []) {
      expect(c.refit).toBeDefined();
      expect(c.refit?.after).toBeLessThan(c.refit?.before ?? 0);
    }
  });
});

describe('bias correction checked against the original', () => {
  it('fashion-cnn 2-bit per channel: the correction lowers agreement on the calibration inputs, so it is dropped and the skipped list says by how much', async () => {
    const { bundledParts } = await import('../transform/fixtures');
    const { readDataset } = await import('../../node/io');
    const out = await compressCalibrated(bundledParts('fashion-cnn'), { version: 1, quantize: { bits: 2, scheme: 'symmetric', granularity: 'channel', calibrate: 'output' } }, readDataset('fashion-mnist', 'train'));
    if (!out) throw new Error('cancelled');
    const note = out.skipped.find((s) => s.startsWith('bias correction dropped'));
    const m = note?.match(/agreed with the original on ([\d.]+) % of them without it, ([\d.]+) % with it/);
    expect(m).toBeTruthy();
    expect(Number(m?.[1])).toBeGreaterThan(Number(m?.[2]));
    expect(out.biasCorrection).toBeUndefined();
  }, 60_000);
});
