// Whole-model round trips of both export formats on the bundled models: the TF.js files, read back
// the way the studio reads dropped files and loaded by stock TF.js, and the compact file decoded,
// must predict exactly what the compressed model predicts before export.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../../node/io';
import { imagesToTensor } from '../datasetTensor';
import { supportedLayerClasses } from '../modelInfo';
import { checkModelFiles, toArtifacts } from '../modelFiles';
import { modelFromParts, partsFromArtifacts, type CompressedModel, type ModelParts } from '../weights';
import { compactBytes, decodeCompact, encodeCompact } from './compact';
import { compressMix, EXPECTED_STORAGE, isKernelShape, MIX_KINDS, type MixKind } from './fixtures';
import { exportTfjs, tfjsExportSizes } from './tfjs';

const MODELS = [
  { id: 'lenet-300-100', data: 'mnist' },
  { id: 'lenet-5', data: 'mnist' },
  { id: 'fashion-cnn', data: 'fashion-mnist' },
] as const;
const N = 200;

/** Mixes: every kernel 8-bit after 90 % pruning; one recipe per kernel (cycling, offset per model so all appear); plain float32. */
const mixes = (m: number): { name: string; kindOf: (i: number) => MixKind; prune: number }[] => [
  { name: 'pruned 90% + 8-bit', kindOf: () => 'affine8', prune: 0.9 },
  { name: 'mixed', kindOf: (i) => MIX_KINDS[(i + 3 * m) % 7], prune: 0.7 },
  { name: 'float32', kindOf: () => 'float32', prune: 0 },
];

async function predict(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  y.dispose();
  model.dispose();
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

async function loadTfjsExport(model: CompressedModel) {
  const exported = exportTfjs(model);
  const files = exported.files.map((f) => ({ name: `download/${f.name}`, bytes: f.bytes.slice().buffer as ArrayBuffer }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(checkModelFiles(files, supportedLayerClasses()))));
  return { exported, loaded };
}

const figures: string[] = [];

describe.each(MODELS.map((m, i) => ({ ...m, index: i })))('$id', ({ id, data, index }) => {
  let parts: ModelParts;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await useWasm();
    parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
    x = imagesToTensor(readDataset(data, 'val'), 0, N);
  });

  it.each(mixes(index))('$name: TF.js and compact exports predict exactly as the compressed model', async ({ name, kindOf, prune }) => {
    const model = compressMix(parts, kindOf, prune);
    const reference = await predict(await modelFromParts({ topology: model.topology, weights: model.tensors }), x);

    // TF.js: manifest encodings as the rules say, exact predictions, sizes = bytes.
    const { exported, loaded } = await loadTfjsExport(model);
    let kernel = 0;
    exported.tensors.forEach((t, i) => {
      const expected = isKernelShape(model.tensors[i].shape) ? EXPECTED_STORAGE[kindOf(kernel++)] : 'float32';
      expect(`${t.name}: ${t.storage}`).toBe(`${t.name}: ${expected}`);
      expect(t.fallback).toBeUndefined();
    });
    const json = JSON.parse(new TextDecoder().decode(exported.files[0].bytes)) as tf.io.ModelJSON;
    expect(json.weightsManifest[0].weights.map((w) => w.quantization?.dtype ?? 'float32')).toEqual(exported.tensors.map((t) => t.storage));
    expect(maxDiff(await predict(loaded, x), reference)).toBeLessThanOrEqual(1e-6);
    const sizes = tfjsExportSizes(exported);
    expect(sizes.files.map((f) => f.bytes)).toEqual(exported.files.map((f) => f.bytes.length));
    expect(sizes.zipBytes).toBe(exported.zip().length);

    // Compact: exact size, exact predictions.
    const compact = encodeCompact(model);
    const size = compactBytes(model);
    expect(size.total).toBe(compact.length);
    expect(size.header + size.perTensor.reduce((a, b) => a + b, 0) + 4).toBe(compact.length);
    const decoded = decodeCompact(compact);
    expect(decoded.weights.map((w) => w.name)).toEqual(model.tensors.map((t) => t.name));
    expect(maxDiff(await predict(await modelFromParts(decoded), x), reference)).toBeLessThanOrEqual(1e-6);

    figures.push(`${id} · ${name}: TF.js ${sizes.total} B (gzip ${sizes.gzipTotal}, zip ${sizes.zipBytes}) · compact ${compact.length} B`);
    if (name === 'pruned 90% + 8-bit') {
      const float32 = exportTfjs(compressMix(parts, () => 'float32')).files.reduce((a, f) => a + f.bytes.length, 0);
      expect(compact.length).toBeLessThan(float32 / 10);
      expect(compact.length).toBeLessThan(sizes.gzipTotal);
    }
  });
});

describe('figures', () => {
  it('lists the measured sizes', () => {
    console.log(figures.join('\n'));
    expect(figures.length).toBe(MODELS.length * 3);
  });
});
