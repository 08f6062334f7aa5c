import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { PUBLIC, catalogModel, forbidExternalRequests, modelFile, openDemo } from './pages/studio';

test('a user opens the LeNet-5 files and sees its catalog accuracy on WASM', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const lenet5 = catalogModel('lenet-5');
  const { header, numbers, layers, charts } = await openDemo(page);
  await expect(header.activeBackend()).toHaveAttribute('data-backend', 'wasm');
  await header.openFiles([modelFile('lenet-5', 'model.json'), modelFile('lenet-5', 'weights.bin')]);
  const accuracy = await numbers.waitForEvaluation('your model', 'wasm');
  expect(Math.abs(accuracy - lenet5.accuracy) * 100).toBeLessThanOrEqual(0.1);
  await expect(layers.table()).toContainText('conv2');
  await expect(charts.rows()).toHaveCount(2);
  checkNetwork();
});

test('picking a bundled model from the menu loads and evaluates it', async ({ page }) => {
  const fashion = catalogModel('fashion-cnn');
  const { header, numbers, layers } = await openDemo(page);
  await header.selectModel('fashion-cnn');
  const accuracy = await numbers.waitForEvaluation(fashion.name, 'wasm');
  expect(Math.abs(accuracy - fashion.accuracy) * 100).toBeLessThanOrEqual(0.1);
  await expect(layers.table()).toContainText('DepthwiseConv2D');
  await expect(page).toHaveURL(/model=fashion-cnn/);
});

test('a user opens a model folder with the folder picker', async ({ page }) => {
  const { header, numbers } = await openDemo(page);
  await header.openFolder(join(PUBLIC, 'models', 'lenet-5'));
  await numbers.waitForEvaluation('lenet-5 (your model)', 'wasm');
  await expect(header.modelSelect()).toHaveValue('user');
});
