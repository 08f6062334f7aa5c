// A model that cannot be built is refused with a specific message in the page, and the model loaded
// before — its name and its measured accuracy — stays (issue #9, 1b and 3). The fixture is the
// bundled graph LeNet-5 with one edge turned back: ip1/MatMul reads ip2/BiasAdd, a cycle that stock
// tf.loadGraphModel accepts (the studio used to load it and then fail at evaluation).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { modelCatalog, modelFile, openDemo } from './pages/studio';

const cycleJson = () => ({ name: 'model.json', mimeType: 'application/json', buffer: readFileSync(join(import.meta.dirname, 'fixtures', 'refuse', 'cycle', 'model.json')) });

test('a graph model with a cycle is refused by name and the demo model stays', async ({ page }) => {
  const { header, numbers, errors, charts } = await openDemo(page);
  const demo = modelCatalog()[0];
  const accuracy = await numbers.value('accuracy');
  expect(accuracy).toBeCloseTo(demo.accuracy, 3);
  await header.openFiles([cycleJson(), modelFile('lenet-5-graph', 'weights.bin')]);
  await expect(errors.banner()).toBeVisible();
  await expect(errors.message()).toHaveText(/^model\.json: the graph has a cycle: "[^"]*ip1\/MatMul" → "[^"]*ip1\/BiasAdd" → "[^"]*ip1\/Relu" → "[^"]*ip2\/MatMul" → "[^"]*ip2\/BiasAdd" → "[^"]*ip1\/MatMul", so no node of it can run\. Convert the model again with tensorflowjs_converter\.$/);
  // The demo model stays loaded, named and measured as before.
  await expect(numbers.modelName()).toHaveText(demo.name);
  expect(await numbers.value('accuracy')).toBe(accuracy);
  expect(await charts.pointCount()).toBe(1);
  await expect(header.modelSelect()).toHaveValue(demo.id);
});
