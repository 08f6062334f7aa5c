// A person opens the Keras files they have — a Keras 3 .keras, a Keras 3 legacy .h5 and a Keras
// 2.1.6 .h5 (the real files in src/model/keras/fixtures) — with "Open model files…" or by dropping
// them; the page converts them in its worker and measures them like a TF.js model: the accuracy
// shown equals what stock TF.js gets in Node from the converted files, and they compress. A
// damaged Keras file is refused with the reader's message naming it, and the demo stays.
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { readDataset, useWasm } from '../src/node/io';
import { readKerasFile } from '../src/model/keras/readKeras';
import { checkModelFiles, toArtifacts } from '../src/model/modelFiles';
import { supportedLayerClasses } from '../src/model/modelInfo';
import { evaluateModel } from '../src/runtime/evaluate';
import { ChartsPanel, KERAS_FIXTURES, forbidExternalRequests, kerasFile, modelCatalog, openDemo, waitForCompressed, type HeaderPanel } from './pages/studio';

/** Top-1 accuracy on mnist-val of TF.js artifacts loaded by stock TF.js (tf.loadLayersModel), in Node. */
async function stockAccuracy(artifacts: tf.io.ModelArtifacts): Promise<number> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    const r = await evaluateModel(model, readDataset('mnist', 'val'), { latencyRuns: 1, warmupRuns: 0 }, { job: 0, yieldNow: async () => {} });
    if (r.type !== 'done') throw new Error('cancelled');
    return r.accuracy;
  } finally {
    model.dispose();
  }
}

/** The same for a Keras file converted by the reader. */
async function nodeAccuracy(fixture: string): Promise<number> {
  return stockAccuracy((await readKerasFile(fixture, new Uint8Array(readFileSync(join(KERAS_FIXTURES, fixture))))).artifacts);
}

test.beforeAll(async () => { await useWasm(); });

type Open = (header: HeaderPanel, fixture: string) => Promise<void>;
const chooser: Open = (header, fixture) => header.openFiles([kerasFile(fixture)]);
const drop: Open = (header, fixture) => header.dropFiles([{ name: fixture, bytes: readFileSync(join(KERAS_FIXTURES, fixture)) }]);

// The accuracy the reader's Vitest test measured with stock TF.js (realFiles.test.ts), and what the model card says.
const cases: { fixture: string; how: string; open: Open; measured: number; origin: RegExp; layer: string }[] = [
  { fixture: 'mnist-cnn-keras3.keras', how: 'with Open model files…', open: chooser, measured: 0.998, origin: /^Keras 3\.14 file, converted in this page \(mnist-cnn-keras3\.keras, \.keras zip\)$/, layer: 'Conv2D' },
  { fixture: 'mnist-mlp-keras3-legacy.h5', how: 'by dropping it on the page', open: drop, measured: 0.9705, origin: /^Keras 3\.14 file, converted in this page \(mnist-mlp-keras3-legacy\.h5, HDF5\)$/, layer: 'Dense' },
  { fixture: 'mnist-cnn-keras2.h5', how: 'with Open model files…', open: chooser, measured: 0.995, origin: /^Keras 2\.1\.6 file, converted in this page \(mnist-cnn-keras2\.h5, HDF5\)$/, layer: 'Reshape' },
];

for (const c of cases) {
  test(`a user opens ${c.fixture} ${c.how}: converted in the page, stock TF.js's accuracy, and it compresses`, async ({ page }) => {
    const checkNetwork = forbidExternalRequests(page);
    const { header, numbers, layers, controls, charts, exports } = await openDemo(page);
    // The file dialog offers Keras files.
    await expect(page.getByTestId('file-input')).toHaveAttribute('accept', /(^|,)\.keras,\.h5,\.hdf5(,|$)/);
    await c.open(header, c.fixture);
    const shown = await numbers.waitForEvaluation(`${c.fixture} (your model)`, 'wasm');
    await expect(numbers.origin()).toHaveText(c.origin);
    await expect(header.modelSelect()).toHaveValue('user');
    await expect(layers.table()).toContainText(c.layer);
    const stock = await nodeAccuracy(c.fixture);
    test.info().annotations.push({ type: 'accuracy', description: `${c.fixture}: page ${shown}, stock TF.js in Node ${stock}` });
    expect(Math.abs(shown - stock) * 100, `page ${shown} vs stock TF.js ${stock}`).toBeLessThanOrEqual(0.1);
    expect(Math.abs(shown - c.measured) * 100).toBeLessThanOrEqual(0.1);
    await expect(charts.rows()).toHaveCount(2); // the demo's baseline and this model's

    await controls.enable('Pruning');
    await waitForCompressed(page, 'prune 50 %');
    const points = await charts.rows().count();
    await controls.slide('Zeroed weights', 80);
    await waitForCompressed(page, 'prune 80 %');
    // The arrow presses may each have been measured on the way: at least one new point.
    expect(await charts.rows().count()).toBeGreaterThan(points);
    expect(await numbers.compressedValue('compact')).toBeLessThan(await numbers.value('compact'));
    const compressed = await numbers.compressedValue('accuracy');
    expect(compressed).toBeGreaterThan(0.5);
    // Its TF.js export reloads in stock TF.js with the accuracy the page showed.
    const zip = unzipSync(new Uint8Array(readFileSync(await exports.download(exports.tfjs()))));
    const files = Object.entries(zip).map(([name, bytes]) => ({ name, bytes: bytes.slice().buffer as ArrayBuffer }));
    expect(Math.abs(await stockAccuracy(toArtifacts(checkModelFiles(files, supportedLayerClasses()))) - compressed) * 100).toBeLessThanOrEqual(0.1);
    checkNetwork();
  });
}

test('a damaged Keras file is refused by name with the reader\'s message, and the demo stays loaded and measured', async ({ page }) => {
  const demo = modelCatalog()[0];
  const { header, numbers, errors } = await openDemo(page);
  const accuracy = await numbers.value('accuracy');
  const truncated = readFileSync(join(KERAS_FIXTURES, 'mnist-cnn-keras2.h5')).subarray(0, 300_000);
  await header.openFiles([kerasFile('mnist-cnn-keras2.h5', 'broken.h5', truncated)]);
  await expect(errors.banner()).toContainText('Could not load broken.h5 (your model)');
  await expect(errors.message()).toHaveText(/^broken\.h5: is truncated: it holds 300,000 bytes, but its HDF5 header says 575,480\. Copy or download the file again\./);
  await errors.dismiss().click();
  // Not a model at all, dropped: neither a zip nor HDF5.
  await header.dropFiles([{ name: 'notes.keras', bytes: Buffer.from('my notes, not a model') }]);
  await expect(errors.message()).toHaveText(/^notes\.keras: is neither a Keras \.keras file \(a zip\) nor an HDF5 \.h5 file/);
  await expect(numbers.modelName()).toHaveText(demo.name);
  await expect(numbers.origin()).toHaveCount(0);
  expect(await numbers.value('accuracy')).toBe(accuracy);
  await expect(new ChartsPanel(page).rows()).toHaveCount(1);
});

test('a user opens a folder holding a .keras file (and sample images) with Open folder…', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'keras-folder-'));
  try {
    const folder = join(dir, 'digits-model');
    mkdirSync(join(folder, 'samples'), { recursive: true });
    copyFileSync(join(KERAS_FIXTURES, 'mnist-cnn-keras3.keras'), join(folder, 'model.keras'));
    writeFileSync(join(folder, 'samples', '7.png'), Buffer.from('not decoded: the folder is a model, not data'));
    const { header, numbers } = await openDemo(page);
    await header.openFolder(folder);
    expect(Math.abs(await numbers.waitForEvaluation('model.keras (your model)', 'wasm') - 0.998) * 100).toBeLessThanOrEqual(0.1);
    await expect(numbers.origin()).toHaveText(/^Keras 3\.14 file, converted in this page \(model\.keras, \.keras zip\)$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a user exports the compressed Keras model as a .keras file and opens it again: the accuracy shown is the compressed one', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const { header, numbers, controls, exports } = await openDemo(page);
  await expect(exports.keras()).toHaveCount(0); // the demo is a TF.js model: nothing to write back into
  await header.openFiles([kerasFile('mnist-cnn-keras3.keras')]);
  await numbers.waitForEvaluation('mnist-cnn-keras3.keras (your model)', 'wasm');
  await controls.enable('Pruning');
  await waitForCompressed(page, 'prune 50 %');
  await controls.slide('Zeroed weights', 80);
  await waitForCompressed(page, 'prune 80 %');
  const compressed = await numbers.compressedValue('accuracy');
  expect(compressed).toBeGreaterThan(0.5);
  const { path, name } = await exports.downloadNamed(exports.keras());
  expect(name).toMatch(/-model\.keras$/);
  const bytes = readFileSync(path);
  expect(Object.keys(unzipSync(new Uint8Array(bytes))).sort()).toEqual(['config.json', 'metadata.json', 'model.weights.h5']);
  // Opened in the studio like any Keras file: the accuracy shown is the compressed point's.
  await header.openFiles([{ name, mimeType: 'application/octet-stream', buffer: bytes }]);
  const reopened = await numbers.waitForEvaluation(`${name} (your model)`, 'wasm');
  await expect(numbers.origin()).toHaveText(/^Keras 3\.14 file, converted in this page/);
  test.info().annotations.push({ type: 'accuracy', description: `compressed ${compressed}, re-opened ${name} ${reopened}` });
  expect(reopened).toBe(compressed);
  checkNetwork();
});
