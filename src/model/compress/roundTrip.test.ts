/**
 * Issue 4's contract: for each bundled model and each technique (and a combined Deep-Compression
 * plan), the model reloaded from each export predicts what the in-studio compressed model
 * predicts (max |Δ| ≤ 1e-6 on the validation set), and the file sizes equal the reported ones.
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

const MODELS: [string, string][] = [['lenet-300-100', 'mnist'], ['lenet-5', 'mnist'], ['fashion-cnn', 'fashion-mnist']];
const PLANS: Record<string, CompressionPlan> = {
  'prune 80 % global': { version: 1, prune: { ratio: 0.8, scope: 'global' } },
  'prune 2:4': { version: 1, prune: { ratio: 0.5, pattern: 'n:m', n: 2, m: 4 } },
  'quantize 8-bit per tensor': { version: 1, quantize: { bits: 8 } },
  'quantize 4-bit per channel, symmetric': { version: 1, quantize: { bits: 4, granularity: 'channel', scheme: 'symmetric' } },
  float16: { version: 1, quantize: 'float16' },
  'cluster 16': { version: 1, cluster: { k: 16 } },
  'Deep Compression (prune 90 % + 32 clusters)': { version: 1, prune: { ratio: 0.9, scope: 'layer' }, cluster: { k: 32 } },
  '32 clusters on a uint8 grid (TF.js uint8)': { version: 1, prune: { ratio: 0.9 }, cluster: { k: 32, grid: 'uint8' } },
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

      for (const [name, plan] of Object.entries(PLANS)) {
        it(name, async () => {
          const out = compressModel(parts, plan);
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
