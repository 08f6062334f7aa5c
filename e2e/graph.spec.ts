import { expect, test } from '@playwright/test';
import { forbidExternalRequests, modelCatalog, modelFile, studioPage } from './pages/studio';

test('a user opens a TF.js graph model (the graph LeNet-5) and sees the layers LeNet-5 catalog accuracy on WASM', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const lenet5 = modelCatalog().find((m) => m.id === 'lenet-5');
  if (!lenet5) throw new Error('lenet-5 missing from the catalog');
  await page.goto('/#backend=wasm');
  const { header, numbers } = studioPage(page);
  await numbers.waitForEvaluation(modelCatalog()[0].name, 'wasm');
  await page.getByTestId('file-input').setInputFiles([modelFile('lenet-5-graph', 'model.json'), modelFile('lenet-5-graph', 'weights.bin')]);
  const accuracy = await numbers.waitForEvaluation('your model', 'wasm');
  expect(Math.abs(accuracy - lenet5.accuracy) * 100).toBeLessThanOrEqual(0.1);
  // The layer table lists the graph's weight tensors with the op that consumes each.
  await expect(page.getByTestId('layer-table')).toContainText('conv1/Conv2D/ReadVariableOp');
  await expect(page.getByTestId('layer-table')).toContainText('MatMul');
  await expect(header.modelSelect()).toHaveValue('user');
  checkNetwork();
});
