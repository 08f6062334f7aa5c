import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readArtifacts, ROOT, useWasm } from '../../node/io';
import { modelFromParts, partsFromArtifacts, type CompressedModel } from '../weights';
import { compressMix } from './fixtures';
import { bigImageModel, memoryFetch, partsOfLayersModel } from './memoryServer';
import { DEFAULT_SHARD_BYTES, exportTfjs, shardNames, tfjsExportSizes } from './tfjs';

let model: CompressedModel;
afterEach(() => vi.unstubAllGlobals());
beforeAll(async () => {
  await useWasm();
  const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
  model = compressMix(parts, (i) => (i === 1 ? 'affine8' : 'float32'));
});

const modelJson = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as tf.io.ModelJSON;
/** Byte equality without Vitest's element-by-element deep compare (slow on megabytes). */
const same = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((off, p) => (out.set(p, off), off + p.length), 0);
  return out;
};

describe('exportTfjs', () => {
  it('writes model.json and one 4 MiB-bounded shard named as the converter does', () => {
    const exp = exportTfjs(model);
    expect(DEFAULT_SHARD_BYTES).toBe(4_194_304);
    expect(exp.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    const json = modelJson(exp.files[0].bytes);
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toBe('Compression Studio');
    expect(json.convertedBy).toBeNull();
    expect(json.modelTopology).toEqual(model.topology);
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    expect(json.weightsManifest[0].weights.map((w) => w.name)).toEqual(model.tensors.map((t) => t.name));
    // fc1 float32 (784·300·4) + bias + fc2 uint8 (300·100) + bias + fc3 float32 + bias
    expect(exp.files[1].bytes.length).toBe((235_200 + 300) * 4 + 30_000 + 100 * 4 + (1000 + 10) * 4);
    expect(exp.tensors.map((t) => t.storage)).toEqual(['float32', 'float32', 'uint8', 'float32', 'float32', 'float32']);
  });

  it('cuts the weight bytes into shards of shardBytes, straddling tensors, and TF.js joins them', async () => {
    const one = exportTfjs(model);
    const many = exportTfjs(model, { shardBytes: 300_000 });
    expect(many.files.map((f) => f.name)).toEqual(['model.json', ...shardNames(4)]);
    expect(many.files.slice(1).map((f) => f.bytes.length)).toEqual([300_000, 300_000, 300_000, one.files[1].bytes.length - 900_000]);
    expect(same(concat(many.files.slice(1).map((f) => f.bytes)), one.files[1].bytes)).toBe(true);
    const json = modelJson(many.files[0].bytes);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: concat(many.files.slice(1).map((f) => f.bytes)).buffer,
    }));
    const w = loaded.getWeights();
    expect(w.map((t) => t.shape)).toEqual(model.tensors.map((t) => t.shape));
    w.forEach((t, i) => expect(same(t.dataSync(), model.tensors[i].values)).toBe(true));
    loaded.dispose();
  });

  it('zip() holds exactly the files, and the sizes are their lengths', () => {
    const exp = exportTfjs(model, { shardBytes: 500_000 });
    const back = unzipSync(exp.zip());
    for (const f of exp.files) expect(same(back[f.name], f.bytes)).toBe(true);
    const sizes = tfjsExportSizes(exp);
    expect(sizes.files.map((f) => [f.name, f.bytes])).toEqual(exp.files.map((f) => [f.name, f.bytes.length]));
    expect(sizes.total).toBe(exp.files.reduce((a, f) => a + f.bytes.length, 0));
    expect(sizes.zipBytes).toBe(exp.zip().length);
    expect(sizes.gzipTotal).toBeLessThan(sizes.total);
  });

  it('a model without weights is model.json alone; a bad shard size throws', () => {
    const exp = exportTfjs({ topology: model.topology, tensors: [] });
    expect(exp.files.map((f) => f.name)).toEqual(['model.json']);
    expect(modelJson(exp.files[0].bytes).weightsManifest).toEqual([{ paths: [], weights: [] }]);
    expect(() => exportTfjs(model, { shardBytes: 0 })).toThrow(/shardBytes must be a positive integer/);
  });
  it('shards a model over 4 MiB into 4 MiB files that stock tf.loadLayersModel fetches and loads from a folder', async () => {
    const layers = bigImageModel();
    const big = compressMix(await partsOfLayersModel(layers), (i) => (i === 0 ? 'affine8' : 'float32'));
    const exp = exportTfjs(big);
    const weightBytes = exp.tensors.reduce((a, t) => a + t.bytes, 0);
    expect(weightBytes).toBeGreaterThan(DEFAULT_SHARD_BYTES);
    expect(exp.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(exp.files.slice(1).map((f) => f.bytes.length)).toEqual([DEFAULT_SHARD_BYTES, weightBytes - DEFAULT_SHARD_BYTES]);
    // The zip and the sizes hold every shard.
    expect(Object.keys(unzipSync(exp.zip()))).toEqual(exp.files.map((f) => f.name));
    const sizes = tfjsExportSizes(exp);
    expect(sizes.files.map((f) => f.name)).toEqual(exp.files.map((f) => f.name));
    expect(sizes.total).toBe(exp.files[0].bytes.length + weightBytes);
    // Stock TF.js, as in a page: a relative URL, the shards fetched beside model.json.
    const served = memoryFetch(exp.files, 'model');
    vi.stubGlobal('fetch', served.fetch);
    const loaded = await tf.loadLayersModel('model/model.json');
    expect(served.requested).toEqual(['model/model.json', 'model/group1-shard1of2.bin', 'model/group1-shard2of2.bin']);
    loaded.getWeights().forEach((t, i) => expect(same(t.dataSync(), big.tensors[i].values)).toBe(true));
    const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 7);
    const reference = await modelFromParts({ topology: big.topology, weights: big.tensors });
    const [a, b] = [reference.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(b.shape).toEqual([1, 1000]);
    expect(same(b.dataSync(), a.dataSync())).toBe(true);
    tf.dispose([x, a, b]);
    [loaded, reference].forEach((m) => m.dispose());
    layers.dispose();
  });
});
