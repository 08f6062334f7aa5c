/**
 * Issue 4's contract: for each bundled model and each technique (and a combined Deep-Compression
 * plan), the technique its name says took effect on the kernels (sparsity, N:M groups, distinct
 * values, float16 values, symmetric per-channel grids), the model reloaded from each export
 * predicts what the in-studio compressed model predicts (max |Δ| ≤ 1e-6 on the validation set),
 * and the file sizes equal the reported ones.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../../node/io';
import type { Dataset } from '../dataset';
import { imagesToTensor } from '../datasetTensor';
import { compactBytes, decodeCompact, encodeCompact, exportTfjs, tfjsExportSizes } from '../export';
import { checkModelFiles, toArtifacts } from '../modelFiles';
import { supportedLayerClasses } from '../modelInfo';
import type { CompressionPlan } from '../plan';
import { modelFromParts, partsFromArtifacts, type ModelParts } from '../weights';
import { compressModel } from '.';
import { channels, distinct, isFloat16, kernelsOf, maxNonZerosPerGroup, onSymmetricGrid, sparsity, type Kernel } from './kernelFacts';

const MODELS: [string, string][] = [['lenet-300-100', 'mnist'], ['lenet-5', 'mnist'], ['fashion-cnn', 'fashion-mnist']];
/** Each plan, and what its name says, checked on the compressed kernels (kernelFacts.ts). */
const PLANS: Record<string, [CompressionPlan, (kernels: Kernel[], original: Kernel[]) => void]> = {
  'prune 80 % global': [{ version: 1, prune: { ratio: 0.8, scope: 'global' } }, (ks) => {
    expect(sparsity(ks)).toBeCloseTo(0.8, 3);
    // one threshold for all: the layers end up with different sparsities (per layer they would all be 80 %)
    const each = ks.map((k) => sparsity([k]));
    expect(Math.max(...each) - Math.min(...each)).toBeGreaterThan(0.05);
  }],
  'prune 2:4': [{ version: 1, prune: { ratio: 0.5, pattern: 'n:m', n: 2, m: 4 } }, (ks) => {
    for (const k of ks) expect(maxNonZerosPerGroup(k, 4), k.name).toBeLessThanOrEqual(2);
    expect(sparsity(ks)).toBeGreaterThanOrEqual(0.49);
  }],
  'quantize 8-bit per tensor': [{ version: 1, quantize: { bits: 8 } }, (ks) => {
    for (const k of ks) expect(distinct(k.values), k.name).toBeLessThanOrEqual(256);
    expect(ks.some((k) => distinct(k.values) > 64)).toBe(true);
  }],
  'quantize 4-bit per channel, symmetric': [{ version: 1, quantize: { bits: 4, granularity: 'channel', scheme: 'symmetric' } }, (ks) => {
    for (const k of ks) {
      // symmetric 4-bit: codes −7 … 7 times one scale per output channel
      for (const c of channels(k)) expect(onSymmetricGrid(c, 7) && distinct(c) <= 15, k.name).toBe(true);
      if (k.values.length > 100) expect(distinct(k.values), `${k.name}: one scale per channel, not per tensor`).toBeGreaterThan(15);
    }
  }],
  'quantize 3-bit per channel, symmetric, MSE range': [{ version: 1, quantize: { bits: 3, granularity: 'channel', scheme: 'symmetric', calibrate: 'mse' } }, (ks, original) => {
    for (const k of ks) for (const c of channels(k)) expect(onSymmetricGrid(c, 3) && distinct(c) <= 7, k.name).toBe(true);
    // the searched range clips: some channel's largest |x̂| is below its largest |w|
    const maxAbs = (v: Float32Array) => v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    expect(ks.some((k, i) => maxAbs(k.values) < maxAbs(original[i].values) * 0.99)).toBe(true);
  }],
  float16: [{ version: 1, quantize: 'float16' }, (ks, original) => {
    for (const k of ks) expect(k.values.every(isFloat16), k.name).toBe(true);
    expect(original.every((k) => k.values.every(isFloat16))).toBe(false);
  }],
  'cluster 16': [{ version: 1, cluster: { k: 16 } }, (ks) => {
    for (const k of ks) expect(distinct(k.values), k.name).toBeLessThanOrEqual(16);
    expect(ks.some((k) => distinct(k.values) === 16)).toBe(true);
  }],
  'Deep Compression (prune 90 % + 32 clusters)': [{ version: 1, prune: { ratio: 0.9, scope: 'layer' }, cluster: { k: 32 } }, (ks) => {
    for (const k of ks) {
      expect(sparsity([k]), k.name).toBeGreaterThanOrEqual(0.899);
      expect(distinct(k.values), k.name).toBeLessThanOrEqual(32);
    }
  }],
  '32 clusters on a uint8 grid (TF.js uint8)': [{ version: 1, prune: { ratio: 0.9 }, cluster: { k: 32, grid: 'uint8' } }, (ks) => {
    expect(sparsity(ks)).toBeGreaterThanOrEqual(0.899);
    for (const k of ks) expect(distinct(k.values), k.name).toBeLessThanOrEqual(32);
  }],
};

/** Predictions on the whole validation split, as one flat array. */
async function predictAll(model: tf.LayersModel, ds: Dataset): Promise<Float32Array> {
  const out = new Float32Array(ds.entry.count * ds.entry.classes.length);
  for (let start = 0; start < ds.entry.count; start += 1000) {
    const n = Math.min(1000, ds.entry.count - start);
    const y = tf.tidy(() => model.predict(imagesToTensor(ds, start, n)) as tf.Tensor);
    out.set(await y.data() as Float32Array, start * ds.entry.classes.length);
    y.dispose();
  }
  model.dispose();
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('exports reproduce the in-studio compressed model', () => {
  beforeAll(async () => { await useWasm(); });

  for (const [id, dataset] of MODELS) {
    describe(id, () => {
      let parts: ModelParts;
      let val: Dataset;
      beforeAll(() => {
        parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
        val = readDataset(dataset, 'val');
      });

      for (const [name, [plan, saysItsName]] of Object.entries(PLANS)) {
        it(name, async () => {
          const out = compressModel(parts, plan);
          saysItsName(kernelsOf(out), kernelsOf(compressModel(parts, { version: 1 })));
          const studio = await predictAll(await modelFromParts(out.parts), val);

          const tfjs = exportTfjs(out.compressed);
          const sizes = tfjsExportSizes(tfjs);
          if (plan.cluster?.grid) {
            // Every clustered kernel is stored as uint8 codes that TF.js decodes to exactly the centroids.
            const clustered = out.compressed.tensors.filter((t) => t.payload.kind === 'codebook').map((t) => t.name);
            expect(clustered.length).toBeGreaterThan(0);
            for (const name of clustered) {
              const info = tfjs.tensors.find((t) => t.name === name);
              expect(info?.storage).toBe('uint8');
              expect(info?.fallback).toBeUndefined();
            }
          }
          expect(sizes.total).toBe(tfjs.files.reduce((a, f) => a + f.bytes.length, 0));
          expect(sizes.zipBytes).toBe(tfjs.zip().length);
          const files = tfjs.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer as ArrayBuffer }));
          const reloaded = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(checkModelFiles(files, supportedLayerClasses()))));
          expect(maxDiff(await predictAll(reloaded, val), studio)).toBeLessThanOrEqual(1e-6);

          const compact = encodeCompact(out.compressed);
          expect(compact.length).toBe(compactBytes(out.compressed).total);
          expect(maxDiff(await predictAll(await modelFromParts(decodeCompact(compact)), val), studio)).toBeLessThanOrEqual(1e-6);
        });
      }
    });
  }
});
