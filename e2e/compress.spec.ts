import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { readDataset, useWasm } from '../src/node/io';
import { loadCompressedModel } from '../src/model/export';
import { checkModelFiles, toArtifacts } from '../src/model/modelFiles';
import { supportedLayerClasses } from '../src/model/modelInfo';
import { evaluateModel } from '../src/runtime/evaluate';
import { RecoverPanel } from './pages/recover';
import { forbidExternalRequests, progressRow, studioPage, waitForCompressed, waitUntilIdle } from './pages/studio';

/** Opens a link with a model and plan (hash `settings`) and waits until the original and its compression are both measured. */
async function openCompressed(page: Page, settings: string, modelName: string, plan: string | RegExp) {
  await page.goto(`/#${settings}`);
  const studio = studioPage(page);
  await studio.numbers.waitForEvaluation(modelName, 'wasm');
  await waitForCompressed(page, plan);
  return studio;
}

/** Accuracy of a model on mnist-val with stock TF.js in Node, as a user's app would measure it. */
async function nodeAccuracy(model: tf.LayersModel): Promise<number> {
  const r = await evaluateModel(model, readDataset('mnist', 'val'), { latencyRuns: 1, warmupRuns: 0 }, { job: 0, yieldNow: async () => {} });
  if (r.type !== 'done') throw new Error('cancelled');
  return r.accuracy;
}

test.beforeAll(async () => { await useWasm(); });

test('moving the sliders re-runs compression: new points, numbers and layer table', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  await page.goto('/#model=lenet-300-100&backend=wasm');
  const { numbers, controls, charts, layers } = studioPage(page);
  await numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
  await controls.enable('Pruning');
  await waitForCompressed(page, 'prune 50 %');
  await controls.slide('Zeroed weights', 80);
  await waitForCompressed(page, 'prune 80 %');
  await expect(page).toHaveURL(/prune=0\.8/);
  const prunedCompact = await numbers.compressedValue('compact');
  expect(prunedCompact).toBeLessThan(await numbers.value('compact'));
  // 80 % global over all kernels: the layer table shows the sparsity the plan asked for.
  const sparsities = await layers.table().getByTestId('layer-sparsity').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(Math.max(...sparsities)).toBeGreaterThan(0.75);

  await controls.enable('Weight sharing (k-means)');
  await waitForCompressed(page, 'prune 80 % · 32 clusters');
  await controls.slide('Shared values per tensor', 4);
  await waitForCompressed(page, 'prune 80 % · 16 clusters');
  expect(await numbers.compressedValue('compact')).toBeLessThan(prunedCompact);
  const acc = await numbers.compressedValue('accuracy');
  expect(acc).toBeGreaterThan(0.8);
  expect(acc).toBeLessThanOrEqual(await numbers.value('accuracy') + 0.01);
  expect(await charts.rows().count()).toBeGreaterThanOrEqual(5);
  // Shared values on a uint8 grid: TF.js stores the clustered kernels as uint8 codes (4× fewer bytes).
  const float32Tfjs = await numbers.compressedValue('size');
  await page.getByRole('checkbox', { name: /^shared values on a uint8 grid/ }).check();
  await waitForCompressed(page, 'prune 80 % · 16 clusters on a uint8 grid');
  expect(await numbers.compressedValue('size')).toBeLessThan(float32Tfjs * 0.3);
  expect(await numbers.compressedValue('accuracy')).toBeGreaterThan(acc - 0.01);
  await expect(page).toHaveURL(/kg=uint8/);
  checkNetwork();
});

test('the exported files load in stock TF.js with the accuracy and size the studio showed', async ({ page }) => {
  const { numbers, exports } = await openCompressed(page, 'model=lenet-300-100&backend=wasm&prune=0.7&scope=global&q=8', 'LeNet-300-100 (MNIST)', 'prune 70 % · 8-bit');
  const shownAccuracy = await numbers.compressedValue('accuracy');
  const shownTfjs = await numbers.compressedValue('size');
  const shownCompact = await numbers.compressedValue('compact');

  const zip = unzipSync(new Uint8Array(readFileSync(await exports.download(exports.tfjs()))));
  const files = Object.entries(zip).map(([name, bytes]) => ({ name, bytes: bytes.slice().buffer as ArrayBuffer }));
  expect(files.reduce((a, f) => a + f.bytes.byteLength, 0)).toBe(shownTfjs);
  const manifest = JSON.parse(new TextDecoder().decode(zip['model.json']));
  expect(manifest.weightsManifest[0].weights.filter((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8').length).toBe(3);
  const fromZip = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(checkModelFiles(files, supportedLayerClasses()))));
  expect(await nodeAccuracy(fromZip)).toBe(shownAccuracy);

  const compact = new Uint8Array(readFileSync(await exports.download(exports.compact())));
  expect(compact.length).toBe(shownCompact);
  expect(await nodeAccuracy(await loadCompressedModel(compact))).toBe(shownAccuracy);
});

test('a shared link reopens the same model and plan with the same figures', async ({ page, context }) => {
  await page.goto('/#model=lenet-5&backend=wasm');
  const { numbers, controls } = studioPage(page);
  await numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await controls.preset('Deep Compression, no retraining').click();
  await waitForCompressed(page, 'prune 90 % per layer · 32 clusters');
  const url = page.url();
  expect(url).toMatch(/prune=0\.9.*scope=layer.*k=32/);
  const figures = [await numbers.compressedValue('accuracy'), await numbers.compressedValue('compact')];
  const other = await context.newPage();
  await other.goto(url);
  const reopened = studioPage(other).numbers;
  await reopened.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await waitForCompressed(other, 'prune 90 % per layer · 32 clusters');
  expect([await reopened.compressedValue('accuracy'), await reopened.compressedValue('compact')]).toEqual(figures);
});

test('each preset says what it does and costs; the first, post-training, keeps LeNet-5 within a point at over 10×', async ({ page }) => {
  await page.goto('/#model=lenet-5&backend=wasm');
  const { numbers } = studioPage(page);
  const original = await numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  const presets = page.getByRole('group', { name: 'Presets' }).getByRole('listitem').getByRole('button');
  expect(await presets.count()).toBeGreaterThan(3);
  for (const button of await presets.all()) await expect(button).toHaveAccessibleDescription(/ — (no retraining|retrains|trains).*: (seconds|a minute or more|minutes)$/);
  await expect(presets.first()).toHaveAccessibleDescription(/no retraining; \d+ unlabelled training images/);
  await presets.first().click();
  await waitForCompressed(page, 'prune 70 % · 4-bit per channel (output-MSE range, bias-corrected)');
  expect(await numbers.compressedValue('accuracy')).toBeGreaterThan(original - 0.01);
  expect(await numbers.value('size') / await numbers.compressedValue('compact')).toBeGreaterThan(10); // float32 TF.js files ÷ compact file
});

test('structured pruning and low-rank shrink parameters and FLOPs', async ({ page }) => {
  await page.goto('/#model=lenet-300-100&backend=wasm');
  const { numbers, controls, layers } = studioPage(page);
  await numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
  await controls.preset('Fastest (structured + low-rank)').click();
  await waitForCompressed(page, 'channels −25 % · low-rank fraction 0.25');
  expect(await numbers.compressedValue('parameters')).toBeLessThan(266_610 / 2);
  expect(await numbers.compressedValue('FLOPs')).toBeLessThan(await numbers.value('FLOPs') / 2);
  await expect(layers.row('fc1')).toContainText('units');
  await expect(layers.row('fc1_lr')).toBeVisible();
  expect(await numbers.compressedValue('accuracy')).toBeGreaterThan(0.5);
});

test('per-layer overrides: exclude a layer, give another its own ratio', async ({ page }) => {
  const { layers } = await openCompressed(page, 'model=lenet-300-100&backend=wasm&q=8', 'LeNet-300-100 (MNIST)', '8-bit');
  await layers.exclude('fc3').check();
  await expect.poll(() => decodeURIComponent(page.url())).toMatch(/lo=fc3~x/);
  await waitUntilIdle(page);
  await expect(layers.row('fc3')).toContainText('excluded');
  await layers.pruneOverride('fc1').selectOption('0.9');
  await expect.poll(() => decodeURIComponent(page.url())).toMatch(/lo=fc3~x,fc1~p0\.9/);
  await expect(layers.sparsity('fc1')).toHaveAttribute('data-value', /^0\.89|^0\.9/);
  await expect(layers.sparsity('fc2')).toHaveAttribute('data-value', /^0(\.0\d*)?$/);
});

test('fine-tuning wins back accuracy lost to pruning, keeps the sparsity, and lives in the link', async ({ page }) => {
  const { numbers, controls } = await openCompressed(page, 'model=lenet-300-100&backend=wasm&prune=0.97', 'LeNet-300-100 (MNIST)', 'prune 97 %');
  const pruned = await numbers.compressedValue('accuracy');
  const zeros = await numbers.compressedValue('parameters');
  const recover = new RecoverPanel(page);
  await recover.enable();
  await recover.method('Fine-tune with labels').check();
  await expect(recover.data()).toHaveValue('mnist-train');
  await controls.select('Learning rate').selectOption('0.001');
  await expect(progressRow(page)).toContainText('Training: fine-tuning: epoch 1/1');
  await waitForCompressed(page, 'prune 97 % · fine-tuned 1 epoch');
  const tuned = await numbers.compressedValue('accuracy');
  expect(tuned).toBeGreaterThan(pruned + 0.02);
  expect(await numbers.compressedValue('parameters')).toBe(zeros);
  await expect(numbers.compressed('parameters')).toContainText(/9[67]\.\d % zeros/);
  await expect(page).toHaveURL(/ft=1%3A0\.001|ft=1:0\.001/);
  // Quantizing afterwards reuses the fine-tuned weights (the masked stage does not train again) and trains only on the
  // quantization grid (quantization-aware), keeping what they won back.
  const phases: string[] = [];
  await page.exposeFunction('notePhase', (text: string) => { phases.push(text); });
  await page.evaluate(() => {
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=progress]')?.textContent;
      if (text) (window as unknown as { notePhase: (t: string) => void }).notePhase(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await controls.enable('Quantization');
  await waitForCompressed(page, 'prune 97 % · 8-bit · fine-tuned 1 epoch');
  expect(phases.some((t) => t.startsWith('Evaluating'))).toBe(true);
  expect(phases.filter((t) => t.startsWith('Training') && !t.includes('on the quantization grid'))).toEqual([]);
  expect(await numbers.compressedValue('accuracy')).toBeGreaterThan(tuned - 0.01);
});

test('calibration and equalization: chosen on the Quantization card, named in the point and the link, shown in the layer table', async ({ page }) => {
  const { controls, layers } = await openCompressed(page, 'model=fashion-cnn&backend=wasm&q=3', 'Fashion CNN (BN + depthwise-separable)', '3-bit');
  await controls.select('Calibration').selectOption('mse');
  await waitForCompressed(page, '3-bit (MSE range)');
  await expect.poll(() => page.url()).toMatch(/qc=mse/);
  await page.getByRole('checkbox', { name: 'cross-layer equalization first' }).check();
  await waitForCompressed(page, 'equalized, 3-bit (MSE range)');
  await expect.poll(() => page.url()).toMatch(/qe=cle/);
  await expect(layers.row('conv1')).toContainText('equalized with dw2, bn1 folded in');
  // Calibration on data: the bundled training split is offered (no labels needed), the point says so, the layers their output error.
  await controls.select('Calibration').selectOption('output');
  await expect(page.getByTestId('calibration-data-choice')).toHaveValue('fashion-mnist-train');
  await expect(page.getByTestId('calibration-data-choice')).toContainText('512 of its');
  await waitForCompressed(page, 'equalized, 3-bit (output-MSE range, bias-corrected)');
  await expect.poll(() => page.url()).toMatch(/qc=output/);
  await expect(layers.row('fc1')).toContainText(/output-MSE range: output error −\d+ %/);
});
