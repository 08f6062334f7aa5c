// The three real Keras files in fixtures/ (written by Keras 2.1.6 and 3.14; see PROVENANCE.md) load
// through readKerasFile into stock TF.js and classify the bundled MNIST validation split as well as
// they do in Keras: a transposed kernel or a mis-ordered weight list would fall to near chance.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDataset, useWasm, ROOT } from '../../node/io';
import { isKerasFile, kerasModelFiles, readKerasFile } from './readKeras';
import { loadModelFiles } from '../modelInfo';
import { toClassifier } from '../classifier';
import { imagesToTensor } from '../datasetTensor';

const fixture = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'src', 'model', 'keras', 'fixtures', name)));

beforeAll(async () => { await useWasm(); });

/** Top-1 accuracy of a model on mnist-val (pixels / 255, the data set's own preprocessing), in batches of 500. */
async function accuracy(model: tf.LayersModel): Promise<number> {
  const ds = readDataset('mnist-val');
  const classifier = toClassifier(model);
  let right = 0;
  for (let start = 0; start < ds.entry.count; start += 500) {
    const n = Math.min(500, ds.entry.count - start);
    const predicted = tf.tidy(() => classifier.predict(imagesToTensor(ds, start, n)).argMax(-1));
    const labels = await predicted.data();
    predicted.dispose();
    labels.forEach((p, i) => { if (p === ds.labels[start + i]) right++; });
  }
  return right / ds.entry.count;
}

// Measured with stock TF.js 4.22 (WASM backend) on the 2 000 images of mnist-val.
const cases = [
  { file: 'mnist-cnn-keras3.keras', format: 'keras3-zip', version: '3.14.0', accuracy: 0.998, params: 225034, firstPath: 'layers/conv2d/vars/0' },
  { file: 'mnist-mlp-keras3-legacy.h5', format: 'hdf5', version: '3.14.0', accuracy: 0.9705, params: 53018, firstPath: 'model_weights/dense/dense/kernel' },
  { file: 'mnist-cnn-keras2.h5', format: 'hdf5', version: '2.1.6', accuracy: 0.995, params: 44426, firstPath: 'model_weights/Conv2D_1/Conv2D_1/kernel:0' },
];

describe('real Keras files', () => {
  for (const c of cases) {
    it(`${c.file}: Keras ${c.version} → stock TF.js, ${(c.accuracy * 100).toFixed(2)} % on mnist-val`, async () => {
      const bytes = fixture(c.file);
      expect(isKerasFile(c.file, bytes)).toBe(true);
      const read = await readKerasFile(c.file, bytes);
      expect(read.format).toBe(c.format);
      expect(read.kerasVersion).toBe(c.version);
      expect(read.weightPaths).toHaveLength(read.artifacts.weightSpecs?.length ?? -1);
      expect(read.weightPaths[0]).toBe(c.firstPath);
      const model = await tf.loadLayersModel(tf.io.fromMemory(read.artifacts));
      try {
        expect(model.countParams()).toBe(c.params);
        expect(await accuracy(model)).toBeCloseTo(c.accuracy, 4);
      } finally {
        model.dispose();
      }
      // The studio's own checks (validation, build, probe on zeros) accept the converted files.
      const loaded = await loadModelFiles(kerasModelFiles(read), c.file);
      expect(loaded.info.params).toBe(c.params);
      expect(await accuracy(loaded.model as tf.LayersModel)).toBeCloseTo(c.accuracy, 4);
      loaded.model.dispose();
    });
  }
});
