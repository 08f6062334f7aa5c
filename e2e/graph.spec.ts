import { expect, test } from '@playwright/test';
import { catalogModel, forbidExternalRequests, modelFile, openDemo, studioPage, waitForCompressed } from './pages/studio';

test('a user opens a TF.js graph model (the graph LeNet-5) and sees the layers LeNet-5 catalog accuracy on WASM', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const lenet5 = catalogModel('lenet-5');
  const { header, numbers, layers } = await openDemo(page);
  await header.openFiles([modelFile('lenet-5-graph', 'model.json'), modelFile('lenet-5-graph', 'weights.bin')]);
  const accuracy = await numbers.waitForEvaluation('your model', 'wasm');
  expect(Math.abs(accuracy - lenet5.accuracy) * 100).toBeLessThanOrEqual(0.1);
  // The layer table lists the graph's weight tensors with the op that consumes each.
  await expect(layers.table()).toContainText('conv1/Conv2D/ReadVariableOp');
  await expect(layers.table()).toContainText('MatMul');
  await expect(header.modelSelect()).toHaveValue('user');
  // Calibration on data needs a layers model: the card says so, and the compression says what it did instead.
  const { controls } = studioPage(page);
  await controls.enable('Quantization');
  await waitForCompressed(page, '8-bit');
  await controls.select('Calibration').selectOption('output');
  await expect(page.getByTestId('calibration-data')).toContainText('needs a TF.js layers model');
  await waitForCompressed(page, '8-bit (output-MSE range, bias-corrected)');
  await expect(layers.table()).toContainText('calibration on data skipped');
  checkNetwork();
});
