import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from './modelFiles';
import { loadModelFiles, measureSize, supportedLayerClasses } from './modelInfo';
import { badModels } from '../node/badModels';

const dir = join(__dirname, '..', '..', 'public', 'models');
const file = (model: string, name: string) => {
  const b = readFileSync(join(dir, model, name));
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

describe('loadModelFiles', () => {
  beforeAll(async () => { await tf.setBackend('wasm'); });

  for (const id of ['lenet-300-100', 'lenet-5', 'fashion-cnn']) {
    it(`${id}: sizes are the files' bytes and the layer table adds up`, async () => {
      const { model, info, checked } = await loadModelFiles([file(id, 'model.json'), file(id, 'weights.bin')], id);
      const onDisk = statSync(join(dir, id, 'model.json')).size + statSync(join(dir, id, 'weights.bin')).size;
      expect(info.size.raw).toBe(onDisk);
      expect(info.layers.reduce((a, l) => a + l.bytes, 0)).toBe(statSync(join(dir, id, 'weights.bin')).size);
      expect(info.layers.reduce((a, l) => a + l.params, 0)).toBe(info.params);
      expect(info.inputShape).toEqual([-1, 28, 28, 1]);
      expect(info.outputShape).toEqual([-1, 10]);
      // gzip figures are real gzip streams of the same bytes
      const size = measureSize(checked);
      expect(size.gzip).toBeLessThan(size.raw);
      model.dispose();
    });
  }

  it('gzip shrinks model.json (text) far more than float weights', () => {
    const json = file('lenet-5', 'model.json');
    const size = measureSize({ jsonName: 'model.json', json: JSON.parse(new TextDecoder().decode(json.bytes)), jsonBytes: json.bytes, shards: new Map() });
    expect(size.files[0].bytes).toBe(json.bytes.byteLength);
    expect(size.files[0].gzip).toBeGreaterThan(20);
    expect(size.files[0].gzip / size.files[0].bytes).toBeLessThan(0.5);
  });

  it('knows the layer classes of all bundled models', () => {
    const classes = supportedLayerClasses();
    for (const c of ['Dense', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'MaxPooling2D', 'Flatten', 'Dropout', 'Activation']) expect(classes.has(c)).toBe(true);
  });

  it('wraps a manifest that does not fit the topology as a ModelFileError', async () => {
    const json = JSON.parse(new TextDecoder().decode(file('lenet-300-100', 'model.json').bytes));
    json.weightsManifest[0].weights[0].name = 'fc1/not_a_kernel';
    const bytes = new TextEncoder().encode(JSON.stringify(json)).buffer as ArrayBuffer;
    await expect(loadModelFiles([{ name: 'model.json', bytes }, file('lenet-300-100', 'weights.bin')], 'x')).rejects.toBeInstanceOf(ModelFileError);
  });

  // Each malformed model is refused before it is used, with the file, the layer / node / weight and what to do.
  for (const c of badModels()) {
    it(`refuses ${c.id} with a clear message`, async () => {
      const files = c.files.map((f) => ({ name: f.name, bytes: f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer }));
      const before = tf.memory().numTensors;
      const error = await loadModelFiles(files, c.id).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toMatch(c.expected);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('reports non-finite weights instead of refusing them when asked (the CLI\'s eval warns)', async () => {
    const nan = badModels().find((c) => c.id === 'nan-weights')!;
    const files = nan.files.map((f) => ({ name: f.name, bytes: f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer }));
    const { model, nonFinite } = await loadModelFiles(files, 'nan', { nonFinite: 'report' });
    expect(nonFinite).toEqual([{ name: 'fc2/kernel', count: 3 }]);
    model.dispose();
  });
});
