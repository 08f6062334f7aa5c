/**
 * Issue 4 on a TF.js graph model (the graph LeNet-5): for each weight-level plan, the TF.js export
 * reloaded with stock tf.loadGraphModel and the compact file reloaded with loadCompressedModel
 * predict what the in-studio compressed model predicts (max |Δ| ≤ 1e-6 on mnist-val), the
 * technique each plan names took effect on the four kernels, the file
 * sizes are the reported ones, and structural transforms are skipped with a visible reason.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../../node/io';
import type { Dataset } from '../dataset';
import { imagesToTensor } from '../datasetTensor';
import { loadCompressedModel } from '../export';
import { checkModelFiles, toArtifacts } from '../modelFiles';
import { supportedLayerClasses } from '../modelInfo';
import type { CompressionPlan } from '../plan';
import { tfModelFromParts, partsFromArtifacts, type ModelParts, type TfModel } from '../weights';
import { compressModel } from '.';
import { channels, distinct, isFloat16, kernelsOf, sparsity, type Kernel } from './kernelFacts';
import { runCompression } from './session';

/** Each plan, and what its name says, checked on the compressed kernels (kernelFacts.ts). */
const PLANS: Record<string, [CompressionPlan, (kernels: Kernel[]) => void]> = {
  'prune 80 % global': [{ version: 1, prune: { ratio: 0.8, scope: 'global' } }, (ks) => {
    expect(sparsity(ks)).toBeCloseTo(0.8, 3);
    const each = ks.map((k) => sparsity([k]));
    expect(Math.max(...each) - Math.min(...each), 'one threshold for all kernels').toBeGreaterThan(0.05);
  }],
  'quantize 8-bit per tensor': [{ version: 1, quantize: { bits: 8 } }, (ks) => {
    for (const k of ks) expect(distinct(k.values), k.name).toBeLessThanOrEqual(256);
  }],
  'quantize 4-bit per channel': [{ version: 1, quantize: { bits: 4, granularity: 'channel' } }, (ks) => {
    for (const k of ks) {
      for (const c of channels(k)) expect(distinct(c), k.name).toBeLessThanOrEqual(16);
      expect(distinct(k.values), `${k.name}: one scale per channel, not per tensor`).toBeGreaterThan(16);
    }
  }],
  float16: [{ version: 1, quantize: 'float16' }, (ks) => {
    for (const k of ks) expect(k.values.every(isFloat16), k.name).toBe(true);
  }],
  'cluster 16': [{ version: 1, cluster: { k: 16 } }, (ks) => {
    for (const k of ks) expect(distinct(k.values), k.name).toBeLessThanOrEqual(16);
  }],
};

async function predictAll(model: TfModel, ds: Dataset): Promise<Float32Array> {
  const out = new Float32Array(ds.entry.count * ds.entry.classes.length);
  for (let start = 0; start < ds.entry.count; start += 1000) {
    const n = Math.min(1000, ds.entry.count - start);
    const y = tf.tidy(() => model.predict(imagesToTensor(ds, start, n)) as tf.Tensor);
    out.set((await y.data()) as Float32Array, start * ds.entry.classes.length);
    y.dispose();
  }
  model.dispose();
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('graph LeNet-5: exports reproduce the in-studio compressed model', () => {
  let parts: ModelParts;
  let val: Dataset;
  beforeAll(async () => {
    await useWasm();
    parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-5-graph', 'model.json')));
    val = readDataset('mnist', 'val');
  });

  for (const [name, [plan, saysItsName]] of Object.entries(PLANS)) {
    it(name, async () => {
      const kernels = kernelsOf(compressModel(parts, plan));
      expect(kernels.length).toBe(4);
      saysItsName(kernels);
      const session = runCompression(parts, plan);
      // the studio's session compresses exactly as compressModel does
      expect(session.parts.weights.filter((w) => kernels.some((k) => k.name === w.name)).map((w) => w.values)).toEqual(kernels.map((k) => k.values));
      const studioModel = await tfModelFromParts(session.parts);
      expect(studioModel).toBeInstanceOf(tf.GraphModel);
      const studio = await predictAll(studioModel, val);

      // TF.js: a graph-model model.json with the signature, int32 constant intact, loaded by stock tf.loadGraphModel.
      const json = JSON.parse(new TextDecoder().decode(session.tfjs.files[0].bytes)) as tf.io.ModelJSON;
      expect(json.format).toBe('graph-model');
      expect(json.signature).toEqual(parts.extras?.signature);
      const specs = json.weightsManifest[0].weights;
      expect(specs.find((s) => s.name.endsWith('flatten/Const'))).toEqual({ name: 'StatefulPartitionedCall/lenet_5/flatten/Const', shape: [2], dtype: 'int32' });
      if (name.startsWith('quantize 8')) expect(specs.filter((s) => s.quantization?.dtype === 'uint8').length).toBe(4);
      if (name === 'float16') expect(specs.filter((s) => s.quantization?.dtype === 'float16').length).toBe(4);
      expect(specs.filter((s) => s.name.endsWith('BiasAdd/ReadVariableOp')).every((s) => !s.quantization)).toBe(true);
      const files = session.tfjs.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer as ArrayBuffer }));
      const reloaded = await tf.loadGraphModel(tf.io.fromMemory(toArtifacts(checkModelFiles(files, supportedLayerClasses()))));
      expect(maxDiff(await predictAll(reloaded, val), studio)).toBeLessThanOrEqual(1e-6);
      expect(session.summary.sizes.tfjs.raw).toBe(session.tfjs.files.reduce((a, f) => a + f.bytes.length, 0));
      expect(session.summary.sizes.tfjs.zip).toBe(session.tfjs.zip().length);

      // Compact: its own loader returns a GraphModel predicting the same.
      expect(session.summary.sizes.compact.raw).toBe(session.compact.length);
      const compact = await loadCompressedModel<TfModel>(session.compact);
      expect(compact).toBeInstanceOf(tf.GraphModel);
      expect(maxDiff(await predictAll(compact, val), studio)).toBeLessThanOrEqual(1e-6);

      // The four kernels are compressed, one row each; the rest stays float32 (int32 for the shape).
      expect(session.summary.layers.length).toBe(9);
      const isKernelRow = (l: { name: string }) => /(Conv2D|MatMul)\/ReadVariableOp$/.test(l.name);
      expect(session.summary.layers.filter(isKernelRow).every((l) => l.kind !== 'float32' || l.sparsity > 0)).toBe(true);
      expect(session.summary.layers.filter((l) => !isKernelRow(l)).every((l) => l.kind === 'float32' && l.bits === 32)).toBe(true);
      if (name.startsWith('prune')) expect(session.summary.sparsity).toBeGreaterThan(0.79);
      expect(session.summary.skipped).toEqual([]);
    });
  }

  it('skips channel pruning and low-rank on a graph model, saying why, and still applies the weight-level part', () => {
    const plan: CompressionPlan = { version: 1, channels: { ratio: 0.5 }, lowRank: { by: 'fraction', value: 0.5 }, quantize: { bits: 8 } };
    const out = compressModel(parts, plan);
    expect(out.skipped).toEqual([expect.stringMatching(/^channel pruning skipped: it needs a TF\.js layers model/), expect.stringMatching(/^low-rank skipped: it needs a TF\.js layers model/)]);
    expect(out.tensors.filter((t) => t.kind === 'affine').length).toBe(4);
    expect(out.compressed.tensors.map((t) => t.shape)).toEqual(parts.weights.map((w) => w.shape));
    const summary = runCompression(parts, plan).summary;
    expect(summary.skipped).toEqual(out.skipped);
    expect(summary.layers.filter((l) => l.structure?.includes('low-rank skipped')).length).toBe(4);
  });
});
