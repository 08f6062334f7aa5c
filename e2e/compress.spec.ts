import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { readDataset, useWasm } from '../src/node/io';
import { loadCompressedModel } from '../src/model/export';
import { checkModelFiles, toArtifacts } from '../src/model/modelFiles';
import { supportedLayerClasses } from '../src/model/modelInfo';
import { evaluateModel } from '../src/runtime/evaluate';
import { forbidExternalRequests, studioPage } from './pages/studio';

/** Controls panel: the technique cards and their sliders. */
class ControlsPanel {
  constructor(readonly page: Page) {}
  async enable(card: string) { await this.page.getByTestId(`card-${card}`).getByRole('checkbox').check(); }
  /** Moves a range input as a person would: focus it and press keys until it shows the value. */
  async slide(testId: string, value: number) {
    const slider = this.page.getByTestId(testId);
    await slider.focus();
    const current = Number(await slider.inputValue());
    const key = value > current ? 'ArrowRight' : 'ArrowLeft';
    const step = Number((await slider.getAttribute('step')) ?? 1);
    for (let i = 0; i < Math.round(Math.abs(value - current) / step); i++) await slider.press(key);
    await expect(slider).toHaveValue(String(value));
  }
  preset = (name: string) => this.page.getByRole('button', { name, exact: true });
}

const compressedValue = async (page: Page, name: string) => Number(await page.getByTestId(`compressed-${name}`).getAttribute('data-value'));
/** Waits until the newest chart point is the compression described by `plan` and nothing runs. */
async function waitForCompressed(page: Page, plan: string | RegExp) {
  await expect(page.getByTestId('history').locator('tbody tr').first().locator('td').nth(2)).toHaveText(plan);
  await expect(page.getByTestId('progress')).toHaveCount(0);
}

/** Opens a link with a model and plan (hash `settings`) and waits until the original and its compression are both measured. */
async function openCompressed(page: Page, settings: string, modelName: string, plan: string | RegExp) {
  await page.goto(`/#${settings}`);
  await studioPage(page).numbers.waitForEvaluation(modelName, 'wasm');
  await waitForCompressed(page, plan);
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
  const { numbers } = studioPage(page);
  await numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
  const controls = new ControlsPanel(page);
  await controls.enable('prune');
  await waitForCompressed(page, 'prune 50 %');
  await controls.slide('prune-slider', 80);
  await waitForCompressed(page, 'prune 80 %');
  await expect(page).toHaveURL(/prune=0\.8/);
  const prunedCompact = await compressedValue(page, 'compact');
  expect(prunedCompact).toBeLessThan(await numbers.value('compact'));
  // 80 % global over all kernels: the layer table shows the sparsity the plan asked for.
  const sparsities = await page.getByTestId('layer-sparsity').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(Math.max(...sparsities)).toBeGreaterThan(0.75);

  await controls.enable('cluster');
  await waitForCompressed(page, 'prune 80 % · 32 clusters');
  await controls.slide('cluster-slider', 4);
  await waitForCompressed(page, 'prune 80 % · 16 clusters');
  expect(await compressedValue(page, 'compact')).toBeLessThan(prunedCompact);
  const acc = await compressedValue(page, 'accuracy');
  expect(acc).toBeGreaterThan(0.8);
  expect(acc).toBeLessThanOrEqual(await numbers.value('accuracy') + 0.01);
  expect(await page.getByTestId('history').locator('tbody tr').count()).toBeGreaterThanOrEqual(5);
  // Shared values on a uint8 grid: TF.js stores the clustered kernels as uint8 codes (4× fewer bytes).
  const float32Tfjs = await compressedValue(page, 'size');
  await page.getByTestId('cluster-grid').check();
  await waitForCompressed(page, 'prune 80 % · 16 clusters on a uint8 grid');
  expect(await compressedValue(page, 'size')).toBeLessThan(float32Tfjs * 0.3);
  expect(await compressedValue(page, 'accuracy')).toBeGreaterThan(acc - 0.01);
  await expect(page).toHaveURL(/kg=uint8/);
  checkNetwork();
});

test('the exported files load in stock TF.js with the accuracy and size the studio showed', async ({ page }) => {
  await openCompressed(page, 'model=lenet-300-100&backend=wasm&prune=0.7&scope=global&q=8', 'LeNet-300-100 (MNIST)', 'prune 70 % · 8-bit');
  const shownAccuracy = await compressedValue(page, 'accuracy');
  const shownTfjs = await compressedValue(page, 'size');
  const shownCompact = await compressedValue(page, 'compact');

  const [zipDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-tfjs').click()]);
  const zip = unzipSync(new Uint8Array(readFileSync(await zipDownload.path())));
  const files = Object.entries(zip).map(([name, bytes]) => ({ name, bytes: bytes.slice().buffer as ArrayBuffer }));
  expect(files.reduce((a, f) => a + f.bytes.byteLength, 0)).toBe(shownTfjs);
  const manifest = JSON.parse(new TextDecoder().decode(zip['model.json']));
  expect(manifest.weightsManifest[0].weights.filter((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8').length).toBe(3);
  const fromZip = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(checkModelFiles(files, supportedLayerClasses()))));
  expect(await nodeAccuracy(fromZip)).toBe(shownAccuracy);

  const [compactDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-compact').click()]);
  const compact = new Uint8Array(readFileSync(await compactDownload.path()));
  expect(compact.length).toBe(shownCompact);
  expect(await nodeAccuracy(await loadCompressedModel(compact))).toBe(shownAccuracy);
});

test('a shared link reopens the same model and plan with the same figures', async ({ page, context }) => {
  await page.goto('/#model=lenet-5&backend=wasm');
  await studioPage(page).numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await new ControlsPanel(page).preset('Deep Compression').click();
  await waitForCompressed(page, 'prune 90 % per layer · 32 clusters');
  const url = page.url();
  expect(url).toMatch(/prune=0\.9.*scope=layer.*k=32/);
  const figures = [await compressedValue(page, 'accuracy'), await compressedValue(page, 'compact')];
  const other = await context.newPage();
  await other.goto(url);
  await studioPage(other).numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await waitForCompressed(other, 'prune 90 % per layer · 32 clusters');
  expect([await compressedValue(other, 'accuracy'), await compressedValue(other, 'compact')]).toEqual(figures);
});

test('structured pruning and low-rank shrink parameters and FLOPs', async ({ page }) => {
  await page.goto('/#model=lenet-300-100&backend=wasm');
  await studioPage(page).numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
  await new ControlsPanel(page).preset('Fastest (structured + low-rank)').click();
  await waitForCompressed(page, 'channels −25 % · low-rank fraction 0.25');
  expect(await compressedValue(page, 'parameters')).toBeLessThan(266_610 / 2);
  expect(await compressedValue(page, 'FLOPs')).toBeLessThan(Number(await page.getByTestId('metric-FLOPs').getAttribute('data-value')) / 2);
  await expect(page.getByTestId('layer-fc1')).toContainText('units');
  await expect(page.getByTestId('layer-fc1_lr')).toBeVisible();
  expect(await compressedValue(page, 'accuracy')).toBeGreaterThan(0.5);
});

test('per-layer overrides: exclude a layer, give another its own ratio', async ({ page }) => {
  await openCompressed(page, 'model=lenet-300-100&backend=wasm&q=8', 'LeNet-300-100 (MNIST)', '8-bit');
  await page.getByTestId('exclude-fc3').check();
  await expect.poll(() => decodeURIComponent(page.url())).toMatch(/lo=fc3~x/);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('layer-fc3')).toContainText('excluded');
  await page.getByTestId('prune-fc1').selectOption('0.9');
  await expect.poll(() => decodeURIComponent(page.url())).toMatch(/lo=fc3~x,fc1~p0\.9/);
  await expect(page.getByTestId('layer-fc1').getByTestId('layer-sparsity')).toHaveAttribute('data-value', /^0\.89|^0\.9/);
  await expect(page.getByTestId('layer-fc2').getByTestId('layer-sparsity')).toHaveAttribute('data-value', /^0(\.0\d*)?$/);
});

test('fine-tuning wins back accuracy lost to pruning, keeps the sparsity, and lives in the link', async ({ page }) => {
  await openCompressed(page, 'model=lenet-300-100&backend=wasm&prune=0.97', 'LeNet-300-100 (MNIST)', 'prune 97 %');
  const pruned = await compressedValue(page, 'accuracy');
  const zeros = await compressedValue(page, 'parameters');
  await new ControlsPanel(page).enable('finetune');
  await page.getByTestId('finetune-lr').selectOption('0.001');
  await expect(page.getByTestId('progress')).toContainText('Training: fine-tuning: epoch 1/1');
  await waitForCompressed(page, 'prune 97 % · fine-tuned 1 epoch');
  const tuned = await compressedValue(page, 'accuracy');
  expect(tuned).toBeGreaterThan(pruned + 0.02);
  expect(await compressedValue(page, 'parameters')).toBe(zeros);
  await expect(page.getByTestId('compressed-parameters')).toContainText(/9[67]\.\d % zeros/);
  await expect(page).toHaveURL(/ft=1%3A0\.001|ft=1:0\.001/);
  // Quantizing afterwards reuses the fine-tuned weights (no training phase), and keeps what they won back.
  const phases: string[] = [];
  await page.exposeFunction('notePhase', (text: string) => { phases.push(text); });
  await page.evaluate(() => {
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=progress]')?.textContent;
      if (text) (window as unknown as { notePhase: (t: string) => void }).notePhase(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await new ControlsPanel(page).enable('quant');
  await waitForCompressed(page, 'prune 97 % · 8-bit · fine-tuned 1 epoch');
  expect(phases.some((t) => t.startsWith('Evaluating'))).toBe(true);
  expect(phases.filter((t) => t.startsWith('Training'))).toEqual([]);
  expect(await compressedValue(page, 'accuracy')).toBeGreaterThan(tuned - 0.01);
});
