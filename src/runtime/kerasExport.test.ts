/**
 * The Keras export: a real Keras 3 file (and a real Keras 2 .h5), opened in the studio, pruned 50 %
 * and quantized to 8 bits, written back as a Keras file; read back by the Keras reader it holds
 * exactly — bit for bit — the weights of the studio's compressed model (decoded independently
 * from its TF.js export), at the original HDF5 paths (checked with h5wasm, the HDF5 C library),
 * and re-opened in the studio it measures the same accuracy on mnist-val as the compressed model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalog, ROOT, useWasm } from '../node/io';
import { servePublic, type PublicServer } from '../node/publicServer';
import type { DatasetEntry } from '../model/dataset';
import type { ModelFile } from '../model/modelFiles';
import { createStudio } from './studio';
import { readKerasFile } from '../model/keras/readKeras';
import { decodeArtifactsWeights, KerasExportError, matchCompressed, type KerasSource, type NamedWeight } from '../model/keras/writeKeras';

const fixture = (name: string): ModelFile => {
  const b = readFileSync(join(ROOT, 'src', 'model', 'keras', 'fixtures', name));
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

/** The compressed weights as stock TF.js decodes them from the studio's TF.js .zip export. */
function weightsOfTfjsZip(zip: Uint8Array): NamedWeight[] {
  const files = unzipSync(zip);
  const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as tf.io.ModelJSON;
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => files[p]));
  const data = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
  let at = 0;
  for (const s of shards) { data.set(s, at); at += s.length; }
  return decodeArtifactsWeights({ weightSpecs: specs, weightData: data.buffer });
}

const bits = (v: Float32Array) => new Uint32Array(v.buffer, v.byteOffset, v.length);

/** The HDF5 datasets (path → dtype, shape) of a file, read with h5wasm. */
async function datasets(bytes: Uint8Array): Promise<Map<string, { dtype: unknown; shape: unknown }>> {
  const h5 = await import('h5wasm');
  await h5.ready;
  const path = `/check-${Math.random().toString(36).slice(2)}.h5`;
  (h5.FS as unknown as { writeFile(p: string, b: Uint8Array): void }).writeFile(path, bytes);
  const file = new h5.File(path, 'r');
  const out = new Map<string, { dtype: unknown; shape: unknown }>();
  type Node = { type: string; keys(): string[]; get(k: string): Node; dtype: unknown; shape: unknown };
  const walk = (g: Node, prefix: string) => {
    for (const k of g.keys()) {
      const child = g.get(k);
      const p = prefix ? `${prefix}/${k}` : k;
      if (child.type === 'Group') walk(child, p);
      else out.set(p, { dtype: child.dtype, shape: child.shape });
    }
  };
  try {
    walk(file as unknown as Node, '');
  } finally {
    file.close();
    (h5.FS as unknown as { unlink(p: string): void }).unlink(path);
  }
  return out;
}

describe('Keras export', () => {
  let server: PublicServer;
  let base: string;
  let val: DatasetEntry;
  beforeAll(async () => {
    await useWasm();
    server = await servePublic();
    base = server.base;
    val = datasetCatalog().find((e) => e.id === 'mnist-val') as DatasetEntry;
  });
  afterAll(() => server.close());

  const roundTrip = async (name: string, expectName: string) => {
    const original = fixture(name);
    const read = await readKerasFile(name, new Uint8Array(original.bytes));
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name, files: [original] });
    const done = await studio.compress(1, { version: 1, prune: { ratio: 0.5 }, quantize: { bits: 8 } });
    if (done.type !== 'done') throw new Error('cancelled');
    const compressedEval = await studio.evaluate(2, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
    if (compressedEval.type !== 'done') throw new Error('cancelled');
    const compressed = weightsOfTfjsZip((await studio.exportModel('tfjs-zip', 1)).bytes);
    const exported = await studio.exportModel('keras', 1);
    expect(exported.fileName).toBe(expectName);

    // Read back: the same config, the weights at the same paths, bit for bit the compressed ones.
    const back = await readKerasFile(exported.fileName, exported.bytes);
    expect(back.kerasConfig).toEqual(read.kerasConfig);
    expect(back.weightPaths).toEqual(read.weightPaths);
    expect(back.kerasVersion).toBe(read.kerasVersion);
    const backWeights = decodeArtifactsWeights(back.artifacts);
    expect(backWeights.map((w) => [w.name, w.shape])).toEqual(compressed.map((w) => [w.name, w.shape]));
    backWeights.forEach((w, i) => expect(bits(w.values)).toEqual(bits(compressed[i].values)));
    const kernels = backWeights.filter((w) => w.shape.length > 1);
    const zeros = kernels.reduce((a, w) => a + w.values.filter((x) => x === 0).length, 0) / kernels.reduce((a, w) => a + w.values.length, 0);
    expect(zeros).toBeGreaterThanOrEqual(0.49); // half the kernel weights really are zero (one global threshold)

    // Opened in the studio, it measures what the compressed model measured.
    await studio.loadModel({ kind: 'files', name: exported.fileName, files: [{ name: exported.fileName, bytes: exported.bytes.slice().buffer as ArrayBuffer }] });
    const reopened = await studio.evaluate(3, val, base, { latencyRuns: 1 }, () => {});
    if (reopened.type !== 'done') throw new Error('cancelled');
    expect(reopened.accuracy).toBe(compressedEval.accuracy);
    expect(reopened.loss).toBe(compressedEval.loss);
    return { read, exported, accuracy: reopened.accuracy };
  };

  it('writes a Keras 3 .keras back with the compressed weights: bit-equal, at the original paths, same accuracy when re-opened', async () => {
    const { read, exported, accuracy } = await roundTrip('mnist-cnn-keras3.keras', 'model.keras');
    expect(accuracy).toBeGreaterThan(0.98);
    const zip = unzipSync(exported.bytes);
    expect(Object.keys(zip).sort()).toEqual(['config.json', 'metadata.json', 'model.weights.h5']);
    expect(JSON.parse(new TextDecoder().decode(zip['metadata.json']))).toMatchObject({ keras_version: '3.14.0' });
    const found = await datasets(zip['model.weights.h5']);
    expect([...found.keys()].sort()).toEqual([...read.weightPaths].sort()); // the optimizer's old state is not written
    read.weightPaths.forEach((p, i) => expect(found.get(p)).toEqual({ dtype: '<f', shape: read.artifacts.weightSpecs?.[i].shape }));
  }, 120_000);

  it('writes a legacy .h5 (Keras 2.1.6; Keras 3) back in its own layout (model_config, model_weights/<layer>/<weight>)', async () => {
    for (const name of ['mnist-cnn-keras2.h5', 'mnist-mlp-keras3-legacy.h5']) {
      const { read, exported } = await roundTrip(name, 'model.h5');
      const found = await datasets(exported.bytes);
      expect([...found.keys()].sort()).toEqual([...read.weightPaths].sort());
      read.weightPaths.forEach((p, i) => expect(found.get(p)).toEqual({ dtype: '<f', shape: read.artifacts.weightSpecs?.[i].shape }));
    }
  }, 120_000);

  it('refuses a model not opened from a Keras file, and a plan that changed the architecture', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    const lenet = (n: string): ModelFile => {
      const b = readFileSync(join(ROOT, 'public', 'models', 'lenet-300-100', n));
      return { name: n, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
    };
    await studio.loadModel({ kind: 'files', name: 'lenet', files: [lenet('model.json'), lenet('weights.bin')] });
    await studio.compress(1, { version: 1, prune: { ratio: 0.5 } });
    await expect(studio.exportModel('keras', 1)).rejects.toThrow(/not opened from a \.keras \/ \.h5 file; use the TF\.js or compact export/);

    await studio.loadModel({ kind: 'files', name: 'k', files: [fixture('mnist-cnn-keras3.keras')] });
    const cut = await studio.compress(2, { version: 1, channels: { ratio: 0.5 } });
    expect(cut.type).toBe('done');
    await expect(studio.exportModel('keras', 2)).rejects.toThrow(/keeps the original architecture.*structural pruning \/ low-rank.*changed it; use the TF\.js or compact export/);

    const source: KerasSource = { kerasConfig: {}, kerasVersion: '3', format: 'keras3-zip', weightPaths: ['layers/dense/vars/0'], weightSpecs: [{ name: 'dense/kernel', shape: [2, 2] }] };
    expect(() => matchCompressed(source, [{ name: 'dense/kernel', shape: [2, 1], values: new Float32Array(2) }])).toThrow(KerasExportError);
    expect(() => matchCompressed(source, [{ name: 'dense/kernel_a', shape: [2, 2], values: new Float32Array(4) }])).toThrow(KerasExportError);
  }, 120_000);
});
