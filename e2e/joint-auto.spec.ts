import { expect, test } from '@playwright/test';
import { badlyNamedControls } from './pages/accessibility';
import { studioPage, waitUntilIdle } from './pages/studio';

test.beforeEach(async ({ page }) => {
  await page.goto('/#model=lenet-300-100&backend=wasm');
  await studioPage(page).numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
});

test('joint Auto: prune + bits per layer, the combined plan measured and calibrated on the training split, per-layer prune and bits in the layer table', async ({ page }) => {
  test.setTimeout(900_000);
  const { sensitivity, layers, numbers } = studioPage(page);
  await page.getByTestId('sensitivity-technique').selectOption({ label: 'prune + bits per layer' });
  await sensitivity.analyse().click();
  const table = sensitivity.table();
  await expect(table).toBeVisible({ timeout: 400_000 });
  // One row per layer and prune ratio, one column per bit width; skipped cells show "–".
  await expect(table.locator('tbody tr')).toHaveCount(3 * 6);
  await expect(table.locator('thead th')).toHaveText(['layer · pruned', '8 bit', '6 bit', '4 bit', '3 bit', '2 bit']);
  await expect(table.locator('tbody th').first()).toHaveText('fc1 · 0 %');
  expect(await badlyNamedControls(page)).toEqual([]);
  await sensitivity.allowedDrop().fill('0.5');
  await sensitivity.applyAuto().click();
  // The summary (measured vs estimated), the search, then one line per layer.
  await expect(sensitivity.explanation()).toHaveCount(5, { timeout: 400_000 });
  await expect(sensitivity.explanation().first()).toContainText(/Target at most 0.50 points of accuracy lost.*: measured .*; estimated .*single-layer drops added up/);
  // The bundled training split is the calibration data: the measured plans calibrate on it ('output'), and the chosen one does.
  await expect(sensitivity.explanation().first()).toContainText(/quantizer output range per (channel|tensor);.* the plan calibrates on MNIST \(train/);
  await waitUntilIdle(page);
  await expect(numbers.compressed('accuracy')).toHaveAttribute('data-value', /\d/);
  // Every layer got its bits (and maybe a prune ratio) as overrides, shown in the layer table.
  for (const layer of ['fc1', 'fc2', 'fc3']) {
    await expect(page.getByRole('combobox', { name: `Bits for ${layer}`, exact: true })).not.toHaveValue('');
  }
  await expect(layers.pruneOverride('fc1')).toBeVisible();
  await expect(page).toHaveURL(/qc=output/);
});
