import { expect, test } from '@playwright/test';
import { forbidExternalRequests, modelCatalog, studioPage } from './pages/studio';

test('the page opens with the demo model evaluated and charted', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const demo = modelCatalog()[0];
  await page.goto('/');
  const { header, numbers, charts } = studioPage(page);
  const accuracy = await numbers.waitForEvaluation(demo.name);
  // The figure shown is what TF.js measures on the bundled validation file: the catalog's.
  expect(Math.abs(accuracy - demo.accuracy)).toBeLessThanOrEqual(0.001);
  expect(await numbers.value('size')).toBeGreaterThan(100_000);
  expect(await numbers.value('gzip')).toBeLessThan(await numbers.value('size'));
  expect(await numbers.value('latency')).toBeGreaterThan(0);
  await expect(header.activeBackend()).toHaveAttribute('data-backend', /^(wasm|webgpu|cpu)$/);
  await expect(header.activeBackend()).toContainText('Running on');
  expect(await charts.pointCount()).toBe(1);
  await expect(page.getByTestId('layer-table').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('sample')).toHaveCount(8);
  // The settings are in the URL, so the link reopens this view.
  await expect(page).toHaveURL(new RegExp(`#model=${demo.id}`));
  expect(errors).toEqual([]);
  checkNetwork();
});

test('the main thread loads no TF.js: only the worker does', async ({ page }) => {
  await page.goto('/');
  await studioPage(page).numbers.waitForEvaluation(modelCatalog()[0].name);
  const mainHasTf = await page.evaluate(() => 'tf' in window || Object.keys(window).some((k) => k.startsWith('__tfjs')));
  expect(mainHasTf).toBe(false);
  const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js')));
  expect(scripts.some((s) => s.includes('studio.worker'))).toBe(true);
});
