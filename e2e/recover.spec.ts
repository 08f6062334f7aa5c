/**
 * Label-free recovery in the page: LeNet-5 with half its channels removed and 4-bit weights,
 * measured by agreement with the original on a dropped folder of unlabelled MNIST training digits,
 * then distilled from the original on that folder — the live curve appears and the new point
 * agrees with the original more often than before.
 */
import { expect, test } from '@playwright/test';
import { digitFolder, grayPng } from './fixtures/images';
import { RecoverPanel } from './pages/recover';
import { forbidExternalRequests, progressRow, studioPage, waitForCompressed, waitUntilIdle } from './pages/studio';

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

  // Distill from the original on the dropped folder (labels are not needed, so α is off).
  await recover.enable();
  await expect(recover.method('Distill from the original')).toBeChecked();
  await expect(recover.method('Fine-tune with labels')).toBeEnabled(); // the bundled split has labels
  await recover.data().selectOption(dropped);
  await expect(recover.sameDataWarning()).toBeVisible(); // it trains on the images it is measured on
  await expect(recover.alpha()).toBeDisabled();
  await expect(recover.epochs()).toHaveValue('2');
  await expect(page.getByRole('progressbar', { name: 'Distilling progress' })).toBeVisible();
  await expect(progressRow(page)).toContainText('Training: distilling');
  await expect(recover.curve()).toBeVisible();
  await expect.poll(() => recover.curvePoints()).toBeGreaterThan(0);
  await waitForCompressed(page, 'channels −50 % · 4-bit · distilled 2 epochs');
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
