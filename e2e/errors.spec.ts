import { expect, test } from '@playwright/test';
import { modelCatalog, modelFile, openDemo, studioPage, waitUntilIdle } from './pages/studio';

const demo = () => modelCatalog()[0];
const bytes = (b: Buffer | string) => (typeof b === 'string' ? Buffer.from(b) : b);

test.describe('a broken model shows a specific error and the previous model stays', () => {
  test.beforeEach(async ({ page }) => {
    await openDemo(page);
  });

  const cases: { name: string; files: () => { name: string; bytes: Buffer }[]; expected: RegExp }[] = [
    { name: 'truncated weight shard', expected: /weights\.bin: holds 1000 bytes.*needs \d+/,
      files: () => [{ name: 'model.json', bytes: bytes(modelFile('lenet-5', 'model.json').buffer) }, { name: 'weights.bin', bytes: bytes(modelFile('lenet-5', 'weights.bin').buffer.subarray(0, 1000)) }] },
    { name: 'missing weight shard', expected: /weights\.bin: model\.json lists this weight file, but it was not dropped/,
      files: () => [{ name: 'model.json', bytes: bytes(modelFile('lenet-5', 'model.json').buffer) }] },
    { name: 'not JSON', expected: /model\.json: is not valid JSON/,
      files: () => [{ name: 'model.json', bytes: bytes('<html>not a model</html>') }, { name: 'weights.bin', bytes: Buffer.from([1, 2, 3]) }] },
    { name: 'JSON that is no TF.js model', expected: /model\.json: is not a TF\.js model/,
      files: () => [{ name: 'model.json', bytes: bytes('{"name": "hello"}') }] },
    { name: 'unsupported layer class', expected: /layer "conv1" has class "MyConv"/,
      files: () => [{ name: 'model.json', bytes: bytes(modelFile('lenet-5', 'model.json').buffer.toString().replace('"class_name":"Conv2D"', '"class_name":"MyConv"')) },
        { name: 'weights.bin', bytes: bytes(modelFile('lenet-5', 'weights.bin').buffer) }] },
    { name: 'graph model with an op TF.js does not support', expected: /model\.json: graph node "[^"]*ip1\/Relu" uses the op "MyFancyRelu", which TF\.js does not support/,
      files: () => [{ name: 'model.json', bytes: bytes(modelFile('lenet-5-graph', 'model.json').buffer.toString().replace('"op":"Relu"', '"op":"MyFancyRelu"')) },
        { name: 'weights.bin', bytes: bytes(modelFile('lenet-5-graph', 'weights.bin').buffer) }] },
    { name: 'graph model without its weight shard', expected: /weights\.bin: model\.json lists this weight file, but it was not dropped/,
      files: () => [{ name: 'model.json', bytes: bytes(modelFile('lenet-5-graph', 'model.json').buffer) }] },
  ];

  for (const c of cases) {
    test(c.name, async ({ page }) => {
      const { header, numbers, errors, charts } = studioPage(page);
      const before = await numbers.value('accuracy');
      await header.dropFiles(c.files());
      await expect(errors.banner()).toBeVisible();
      await expect(errors.message()).toHaveText(c.expected);
      // The previous model and its figures stay; nothing else breaks.
      await expect(numbers.modelName()).toHaveText(demo().name);
      expect(await numbers.value('accuracy')).toBe(before);
      expect(await charts.pointCount()).toBe(1);
      await expect(header.modelSelect()).toHaveValue(demo().id);
      await errors.dismiss().click();
      await expect(errors.banner()).toHaveCount(0);
      // …and the studio still works.
      await header.openFiles([modelFile('lenet-300-100', 'model.json'), modelFile('lenet-300-100', 'weights.bin')]);
      await numbers.waitForEvaluation('your model');
    });
  }
});

test('a running evaluation can be cancelled and the studio stays usable', async ({ page }) => {
  const { header, numbers, errors } = await openDemo(page);
  await header.selectModel('fashion-cnn');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await waitUntilIdle(page);
  await expect(errors.banner()).toHaveCount(0);
  await header.selectModel(demo().id);
  await numbers.waitForEvaluation(demo().name);
});
