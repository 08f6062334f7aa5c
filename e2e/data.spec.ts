/**
 * The user's own data: a labelled image folder gives accuracy (the same as the same digits given
 * as a catalog-format data file), a flat folder gives fidelity to the original model, the
 * preprocessing is shown and editable, and folders that cannot match the model say how to fix them.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digitFolder, grayPng } from './fixtures/images';
import { RecoverPanel } from './pages/recover';
import { forbidExternalRequests, studioPage, waitForCompressed, waitUntilIdle } from './pages/studio';

test.beforeEach(async ({ page }) => {
  await page.goto('/#model=lenet-5&backend=wasm');
  await studioPage(page).numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
});

test('a labelled image folder is measured for accuracy, equal to the same digits as a data file; preprocessing is editable', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const { header, numbers, data } = studioPage(page);
  const digits = digitFolder('digits', 60, true);
  await data.openFolder(digits.root);
  await expect(data.notes()).toContainText('60 images from digits/, stretched to 28×28 gray');
  await expect(data.notes()).toContainText('read as output indices');
  await expect(header.datasetSelect()).toHaveValue(/^user-/);
  await expect(numbers.metric('accuracy')).toContainText('60 images');
  await waitUntilIdle(page);
  const fromPngs = await numbers.value('accuracy');
  expect(fromPngs).toBeGreaterThan(0.9);
  // The link never carries the user's data.
  expect(page.url()).not.toMatch(/dataset=user/);

  // The same 60 digits as a catalog-format data file: exactly the same accuracy (PNG decoding is lossless).
  const entry = { id: 'digits60', name: 'Digits 60', split: 'val', count: 60, shape: [28, 28, 1], classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    images: 'px.u8', labels: 'lab.u8', scale: 1 / 255 };
  await data.openFiles([
    { name: 'digits60.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(entry)) },
    { name: 'px.u8', mimeType: 'application/octet-stream', buffer: digits.pixels },
    { name: 'lab.u8', mimeType: 'application/octet-stream', buffer: digits.labels },
  ]);
  await expect(data.notes()).toContainText('60 samples of 28×28×1 from px.u8, labels from lab.u8');
  await waitUntilIdle(page);
  await expect(numbers.metric('accuracy')).toHaveAttribute('data-value', String(fromPngs));

  // Preprocessing: the form shows the data's, and a wrong scale changes what the model sees.
  await data.open();
  await expect(data.field('scale')).toHaveValue(String(1 / 255));
  await data.setPreprocessing({ scale: '0.0005' });
  await expect(numbers.metric('accuracy')).not.toHaveAttribute('data-value', String(fromPngs));
  await expect(numbers.metric('accuracy')).toHaveAttribute('data-value', /\d/);
  await expect(data.field('scale')).toHaveValue('0.0005');
  const scaled = await numbers.value('accuracy');
  const { errors } = studioPage(page);
  await data.setPreprocessing({ std: '0' });
  await expect(errors.message()).toContainText('std must be positive');
  await data.setPreprocessing({ std: '1', mean: 'abc' });
  await expect(errors.message()).toContainText('mean "abc" is not a number');
  await data.setPreprocessing({ mean: '0, 0, 0' });
  await expect(errors.message()).toContainText('mean needs 1 value or 1 (one per channel), got 3');
  // Refused settings change nothing: the last good figures stay.
  expect(await numbers.value('accuracy')).toBe(scaled);
  await waitUntilIdle(page);
  checkNetwork();
});

test('a flat image folder is measured by fidelity: agreement and KL against the original', async ({ page }) => {
  const { numbers, data, controls, charts, sensitivity } = studioPage(page);
  const shots = digitFolder('shots', 40, false);
  writeFileSync(join(shots.root, 'readme.txt'), 'not an image');
  writeFileSync(join(shots.root, 'broken.png'), 'not a png either');
  await data.openFolder(shots.root);
  await expect(data.notes()).toContainText('40 images from shots/');
  await expect(data.notes()).toContainText('unlabelled, measured by fidelity');
  await expect(data.notes()).toContainText('1 file could not be decoded: shots/broken.png');
  await expect(data.notes()).toContainText('1 other file ignored');
  await expect(numbers.metric('agreement')).toHaveAttribute('data-value', '1');
  await expect(numbers.metric('KL')).toHaveAttribute('data-value', '0');
  await expect(numbers.metric('accuracy')).toHaveCount(0);
  await expect(page.getByText('Confusion matrix', { exact: true })).toHaveCount(0);
  // Unlabelled images can still be distilled on: the Recover card stays available beside the bundled (labelled) split.
  await expect(new RecoverPanel(page).toggle()).toBeEnabled();
  // Compress hard: the compressed column shows agreement below or at 100 % and a positive KL.
  await controls.enable('Quantization');
  const bits = controls.slider('Bits');
  await bits.focus();
  while (Number(await bits.inputValue()) > 2) await bits.press('ArrowLeft');
  await waitForCompressed(page, '2-bit');
  const agreement = await numbers.compressedValue('agreement');
  const kl = await numbers.compressedValue('KL');
  expect(agreement).toBeGreaterThan(0);
  expect(agreement).toBeLessThanOrEqual(1);
  expect(kl).toBeGreaterThan(0);
  // The charts and the history say what they plot: agreement, on which data.
  await expect(charts.root().locator('figcaption').first()).toContainText('Agreement with the original vs size');
  await expect(charts.rows().first()).toContainText(/user-\d+.*% agree/);
  // Sensitivity on unlabelled data ranks layers by agreement.
  await sensitivity.analyse().click();
  await expect(page.getByRole('table', { name: /^Agreement with the original drop/ })).toBeVisible({ timeout: 90_000 });
});

test('class folders that cannot match the model are refused with how to name them; the data set stays', async ({ page }) => {
  const { header, numbers, data, errors } = studioPage(page);
  const before = await numbers.value('accuracy');
  const root = join(digitFolder('pets', 0, false).root);
  for (const [i, cls] of ['cat', 'dog', 'emu'].entries()) {
    mkdirSync(join(root, cls), { recursive: true });
    writeFileSync(join(root, cls, `${i}.png`), grayPng(new Uint8Array(16).fill(i * 80), 4, 4));
  }
  await data.openFolder(root);
  await expect(errors.message()).toContainText('found 3 class folders (cat, dog, emu) but the model outputs 10 classes: name the folders by output index (0 … 9)');
  await expect(header.datasetSelect()).toHaveValue('mnist-val');
  expect(await numbers.value('accuracy')).toBe(before);
});

test('images dropped on the page become the data set, measured by fidelity', async ({ page }) => {
  const { header, numbers, data } = studioPage(page);
  const shots = digitFolder('dropped', 12, false);
  await header.dropFiles(Array.from({ length: 12 }, (_, i) => ({ name: `digit-${i}.png`, bytes: grayPng(shots.pixels.subarray(i * 784, (i + 1) * 784), 28, 28) })));
  await expect(header.datasetSelect()).toHaveValue(/^user-/);
  await expect(numbers.metric('agreement')).toHaveAttribute('data-value', '1');
  await expect(numbers.metric('agreement')).toContainText('12 images, no labels');
  await data.open();
  await expect(data.notes()).toContainText('12 images from dropped files, stretched');
  // The model stays the one loaded: data never replaces it.
  await expect(numbers.modelName()).toHaveText('LeNet-5 (MNIST)');
});
