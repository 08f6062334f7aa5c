/**
 * Label-free recovery in the page: LeNet-5 with half its channels removed and 4-bit weights,
 * measured by agreement with the original on a dropped folder of unlabelled MNIST training digits,
 * then distilled from the original on that folder — the live curve appears and the new point
 * agrees with the original more often than before.
 */
import { expect, test } from '@playwright/test';
import { digitFolder, grayPng } from './fixtures/images';
import { RecoverPanel } from './pages/recover';
import { forbidExternalRequests, modelFile, openDemo, studioPage, waitForCompressed, waitUntilIdle } from './pages/studio';

const COUNT = 200;

test('distilling from the original on a dropped unlabelled folder raises agreement, with a live curve', async ({ page }) => {
  test.setTimeout(300_000);
  const checkNetwork = forbidExternalRequests(page);
  await page.goto('/#model=lenet-5&backend=wasm&ch=0.5&q=4');
  const { header, numbers } = studioPage(page);
  const recover = new RecoverPanel(page);
  await numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await waitForCompressed(page, 'channels −50 % · 4-bit');

  // 200 training digits without labels, dropped on the page as a person drags them from a folder.
  const shots = digitFolder('unlabelled', COUNT, false, 'train');
  await header.dropFiles(Array.from({ length: COUNT }, (_, i) => ({ name: `train-${i}.png`, bytes: grayPng(shots.pixels.subarray(i * 784, (i + 1) * 784), 28, 28) })));
  await expect(header.datasetSelect()).toHaveValue(/^user-/);
  const dropped = await header.datasetSelect().inputValue();
  await expect(numbers.metric('agreement')).toContainText(`${COUNT} images, no labels`);
  await expect(numbers.compressed('agreement')).toHaveAttribute('data-value', /\d/);
  await waitUntilIdle(page);
  const before = await numbers.compressedValue('agreement');
  expect(before).toBeLessThan(1);

  // Every text the progress row shows from here on (training on 200 images takes well under a second: polling could miss it).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressTexts: string[] }).progressTexts = seen;
    new MutationObserver(() => {
      const row = document.querySelector('[data-testid="progress"]');
      const text = row && `${row.querySelector('progress')?.getAttribute('aria-label') ?? ''} | ${row.textContent}`;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // Distill from the original on the dropped folder (labels are not needed, so α is off).
  await recover.enable();
  await expect(recover.method('Distill from the original')).toBeChecked();
  await expect(recover.method('Fine-tune with labels')).toBeEnabled(); // the bundled split has labels
  await recover.data().selectOption(dropped);
  await expect(recover.sameDataWarning()).toBeVisible(); // it trains on the images it is measured on
  await expect(recover.alpha()).toBeDisabled();
  await expect(recover.epochs()).toHaveValue('2');
  await expect(recover.curve()).toBeVisible();
  await expect.poll(() => recover.curvePoints()).toBeGreaterThan(0);
  await waitForCompressed(page, 'channels −50 % · 4-bit · distilled 2 epochs');
  const texts = await page.evaluate(() => (window as unknown as { progressTexts: string[] }).progressTexts);
  expect(texts.some((t) => t.startsWith('Distilling progress | ') && t.includes('Training: distilling'))).toBe(true);
  await expect(recover.curve()).toHaveAttribute('data-finished', 'true');
  expect(await recover.curvePoints()).toBeGreaterThan(1);
  const after = await numbers.compressedValue('agreement');
  expect(after).toBeGreaterThan(before);
  test.info().annotations.push({ type: 'agreement', description: `${before} → ${after} on ${COUNT} dropped images` });
  // The link carries the recovery (the user's data is never named in it).
  await expect(page).toHaveURL(/kd=2/);
  expect(page.url()).not.toMatch(/td=user/);
  checkNetwork();
});

test('a folder added to train on is distilled on while accuracy is measured on the validation split, and wins accuracy back', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/#model=lenet-5&backend=wasm&ch=0.5&q=4');
  const { header, numbers } = studioPage(page);
  const recover = new RecoverPanel(page);
  await numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await waitForCompressed(page, 'channels −50 % · 4-bit');
  const before = await numbers.compressedValue('accuracy');
  await recover.enable();
  await recover.addFolder(digitFolder('unlabelled', COUNT, false, 'train').root);
  await expect(recover.data()).toHaveValue(/^user-/);
  await expect(header.datasetSelect()).toHaveValue('mnist-val'); // what is measured stays
  await expect(recover.sameDataWarning()).toHaveCount(0);
  await waitForCompressed(page, 'channels −50 % · 4-bit · distilled 2 epochs');
  await expect(recover.curve()).toHaveAttribute('data-finished', 'true');
  await expect(recover.curve()).toContainText('Distilled on unlabelled (your data)');
  const after = await numbers.compressedValue('accuracy');
  test.info().annotations.push({ type: 'mnist-val accuracy', description: `${before} → ${after} after distilling on ${COUNT} unlabelled training digits` });
  expect(after).toBeGreaterThan(before);
});

test('a link reproduces a recovery: method, data and settings; measuring on other data than it trains on lifts the warning', async ({ page }) => {
  await page.goto('/#model=lenet-5&backend=wasm&prune=0.9&ft=1&ftn=500&td=mnist-train');
  const { header, numbers } = studioPage(page);
  const recover = new RecoverPanel(page);
  await numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await waitForCompressed(page, 'prune 90 % · fine-tuned 1 epoch');
  await expect(recover.toggle()).toBeChecked();
  await expect(recover.method('Fine-tune with labels')).toBeChecked();
  await expect(recover.data()).toHaveValue('mnist-train');
  await expect(recover.curve()).toHaveAttribute('data-finished', 'true');
  await expect(recover.curve()).toContainText(/Fine-tuned on MNIST \(train/);
  await expect(recover.sameDataWarning()).toHaveCount(0);

  // An unlabelled folder dropped becomes the data measured on; fine-tuning cannot use it (no labels), distillation can.
  const shots = digitFolder('shots', 20, false, 'train');
  await header.dropFiles(Array.from({ length: 20 }, (_, i) => ({ name: `s-${i}.png`, bytes: grayPng(shots.pixels.subarray(i * 784, (i + 1) * 784), 28, 28) })));
  await expect(header.datasetSelect()).toHaveValue(/^user-/);
  const dropped = await header.datasetSelect().inputValue();
  await waitUntilIdle(page);
  await expect(recover.data().locator(`option[value="${dropped}"]`)).toBeDisabled();
  await recover.method('Distill from the original').check();
  await recover.data().selectOption(dropped);
  await expect(recover.sameDataWarning()).toBeVisible();
  // Measured on the bundled validation split again, it trains on the dropped folder and says nothing.
  await header.datasetSelect().selectOption('mnist-val');
  await expect(recover.data()).toHaveValue(dropped);
  await expect(recover.sameDataWarning()).toHaveCount(0);
  await waitForCompressed(page, 'prune 90 % · distilled 2 epochs');
  expect(page.url()).not.toMatch(/td=user/);
  // While distilling, a layer can add a hint loss (its output matched to the original's); the link carries it.
  await page.getByRole('checkbox', { name: 'Hint loss ip1', exact: true }).check();
  await expect.poll(() => decodeURIComponent(page.url())).toMatch(/lo=ip1~h/);
  await waitForCompressed(page, 'prune 90 % · 1 layer override · distilled 2 epochs');
});

test('Taylor scores ask for the Recover card\'s data; a graph model cannot be recovered and says why', async ({ page }) => {
  const { header, numbers, controls } = await openDemo(page);
  const recover = new RecoverPanel(page);
  await controls.enable('Pruning');
  const prune = controls.card('Pruning');
  await prune.getByRole('combobox', { name: 'Score', exact: true }).selectOption('taylor');
  await expect(prune.getByRole('note')).toContainText('Taylor scores need data and a loss: turn on Recover');
  await recover.enable();
  await expect(prune.getByRole('note')).toHaveCount(0);
  await waitUntilIdle(page);

  await header.openFiles([modelFile('lenet-5-graph', 'model.json'), modelFile('lenet-5-graph', 'weights.bin')]);
  await numbers.waitForEvaluation('your model', 'wasm');
  await controls.preset('Reset').click();
  await expect(recover.toggle()).toBeDisabled();
  await expect(recover.card()).toContainText('Recovery needs a TF.js layers model (a graph model has no trainable layers).');
});
