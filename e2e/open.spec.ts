import { expect, test } from '@playwright/test';
import { forbidExternalRequests, modelCatalog, studioPage } from './pages/studio';

test('the page opens with the demo model evaluated and charted', async ({ page }) => {
  const checkNetwork = forbidExternalRequests(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const demo = modelCatalog()[0];
  await page.goto('/');
  const { header, numbers, charts, layers } = studioPage(page);
  const accuracy = await numbers.waitForEvaluation(demo.name);
  // The figure shown is what TF.js measures on the bundled validation file: the catalog's.
  expect(Math.abs(accuracy - demo.accuracy)).toBeLessThanOrEqual(0.001);
  expect(await numbers.value('size')).toBeGreaterThan(100_000);
  expect(await numbers.value('gzip')).toBeLessThan(await numbers.value('size'));
  expect(await numbers.value('latency')).toBeGreaterThan(0);
  await expect(header.activeBackend()).toHaveAttribute('data-backend', /^(wasm|webgpu|cpu)$/);
  await expect(header.activeBackend()).toContainText('Running on');
  expect(await charts.pointCount()).toBe(1);
  await expect(layers.table().locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('sample')).toHaveCount(8);
  // The settings are in the URL, so the link reopens this view.
  await expect(page).toHaveURL(new RegExp(`#model=${demo.id}`));
  expect(errors).toEqual([]);
  checkNetwork();
});

test('the main thread loads no TF.js: only the worker does', async ({ page }) => {
  await page.goto('/#backend=wasm');
  const { header, numbers } = studioPage(page);
  await numbers.waitForEvaluation(modelCatalog()[0].name, 'wasm');
  // tfjs-core keeps its engine (through which every kernel runs) and its kernel registry on the
  // global object of the thread that loads it: globalThis._tfengine and _tfGlobals.
  const tfjsHere = () => ({ engine: '_tfengine' in globalThis, registry: '_tfGlobals' in globalThis,
    backend: (globalThis as unknown as { _tfengine?: { backendName?: string } })._tfengine?.backendName ?? null });
  expect(await page.evaluate(tfjsHere)).toEqual({ engine: false, registry: false, backend: null });
  // …while the studio worker holds them, running the backend the badge names.
  const worker = page.workers().find((w) => w.url().includes('studio.worker'));
  expect(worker, 'a studio.worker script runs').toBeDefined();
  expect(await worker!.evaluate(tfjsHere)).toEqual({ engine: true, registry: true, backend: 'wasm' });
  await expect(header.activeBackend()).toHaveAttribute('data-backend', 'wasm');
});
