import { expect, test, type Page } from '@playwright/test';
import { catalogModel, forbidExternalRequests, modelFile, studioPage } from './pages/studio';

/**
 * Records, from before the page's own scripts run, every error banner that appears (even one that
 * clears itself a moment later) and every text the progress row shows.
 */
async function recordBannersAndProgress(page: Page) {
  await page.addInitScript(() => {
    const seen = { errors: [] as string[], progress: [] as string[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    new MutationObserver(() => {
      const error = document.querySelector('[data-testid=error]')?.textContent;
      if (error && seen.errors.at(-1) !== error) seen.errors.push(error);
      const progress = document.querySelector('[data-testid=progress]')?.textContent;
      if (progress && seen.progress.at(-1) !== progress) seen.progress.push(progress);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __seen: { errors: string[]; progress: string[] } }).__seen);
}

/**
 * Holds the studio worker's script for a moment, as a slow machine or network would, so the page
 * is reliably still "Starting the TF.js worker…" when the files come.
 */
async function slowWorkerStart(page: Page, ms = 1500) {
  await page.route(/studio\.worker[^/]*\.js/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

const LENET5_FILES = [modelFile('lenet-5', 'model.json'), modelFile('lenet-5', 'weights.bin')];

test('model files opened while the TF.js worker starts load instead of the demo, with no error', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const seen = await recordBannersAndProgress(page);
  const { numbers } = studioPage(page);
  await slowWorkerStart(page);
  await page.goto('/#backend=wasm');
  await expect(page.getByTestId('progress')).toContainText('Starting the TF.js worker');
  // Now, through the page's file input (the buttons that open it wait for the worker).
  await page.getByTestId('file-input').setInputFiles(LENET5_FILES);
  const accuracy = await numbers.waitForEvaluation('your model', 'wasm');
  expect(Math.abs(accuracy - catalogModel('lenet-5').accuracy) * 100).toBeLessThanOrEqual(0.1);
  await expect(page.getByTestId('layer-table')).toContainText('conv2');
  // Only the opened model was measured: the demo never loaded over it.
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('history')).toContainText('your model');
  const { errors, progress } = await seen();
  expect(errors, 'error banners shown at any time').toEqual([]);
  expect(progress.some((t) => t.includes('model.json') || t.includes('your model')), `the progress row said what loads: ${progress.join(' | ')}`).toBe(true);
  checkNetwork();
});

test('model files dropped while the page starts load instead of the demo', async ({ page }) => {
  const seen = await recordBannersAndProgress(page);
  const { header, numbers } = studioPage(page);
  await slowWorkerStart(page);
  await page.goto('/#backend=wasm');
  await expect(page.getByTestId('progress')).toContainText('Starting the TF.js worker');
  await header.dropFiles(LENET5_FILES.map((f) => ({ name: f.name, bytes: f.buffer })));
  await numbers.waitForEvaluation('your model', 'wasm');
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
  expect((await seen()).errors).toEqual([]);
});
