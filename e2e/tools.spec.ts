import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { studioPage } from './pages/studio';

test.beforeEach(async ({ page }) => {
  await page.goto('/#model=lenet-300-100&backend=wasm');
  await studioPage(page).numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
});

test('a sweep adds one point per grid cell, draws the Pareto front, and a point restores its plan', async ({ page }) => {
  const sweep = page.getByTestId('sweep');
  // Grid: prune {50 %, 90 %} × {float32, 4-bit} — untick the defaults that are not wanted.
  await sweep.getByLabel('80 %').uncheck();
  await sweep.getByLabel('8-bit').uncheck();
  await expect(page.getByTestId('sweep-run')).toHaveText('Run 4 points');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-done')).toHaveText('4/4 points', { timeout: 90_000 });
  const rows = page.getByTestId('history').locator('tbody tr[data-kind=sweep]');
  await expect(rows).toHaveCount(4);
  await expect(rows.locator('td:nth-child(3)')).toHaveText(['prune 90 % · 4-bit', 'prune 90 %', 'prune 50 % · 4-bit', 'prune 50 %']);
  // The front: non-empty, and every point on it is one of the measured ones.
  const front = (await page.getByTestId('charts').getAttribute('data-front'))?.split(',').filter(Boolean) ?? [];
  expect(front.length).toBeGreaterThanOrEqual(2);
  // Clicking a point's id restores its settings: the controls, the URL and a fresh measurement.
  const id = await rows.last().getAttribute('data-testid');
  await page.getByTestId(id as string).getByRole('button').click();
  await expect(page).toHaveURL(/prune=0\.5/);
  await expect(page.getByTestId('prune-slider')).toHaveValue('50');
  await expect(page.getByTestId('history').locator('tbody tr').first().locator('td').nth(2)).toHaveText('prune 50 %');
});

test('a running sweep can be cancelled and the controls come back', async ({ page }) => {
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-progress')).toBeVisible();
  await expect(page.getByTestId('card-prune').getByRole('checkbox')).toBeDisabled();
  await page.getByTestId('sweep-cancel').click();
  await expect(page.getByTestId('sweep-done')).toContainText('(cancelled)', { timeout: 60_000 });
  await expect(page.getByTestId('card-prune').getByRole('checkbox')).toBeEnabled();
});

test('the report (JSON, CSV) and the chart (PNG) download with every evaluated point', async ({ page }) => {
  await page.getByTestId('card-quant').getByRole('checkbox').check();
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const report = JSON.parse(readFileSync(await json.path(), 'utf8'));
  expect(report.points.map((p: { kind: string }) => p.kind)).toEqual(['baseline', 'compressed']);
  expect(report.points[1].plan).toEqual({ version: 1, quantize: { bits: 8 } });
  expect(report.points[1].accuracy).toBe(Number(await page.getByTestId('compressed-accuracy').getAttribute('data-value')));
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^id,kind,model,dataset,backend,compression,accuracy/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  const bytes = readFileSync(await png.path());
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.length).toBeGreaterThan(5000);
});

test('the theme can be switched and the snippet is offered with an export', async ({ page }) => {
  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(bg).toBe('rgb(20, 22, 26)');
  await page.getByTestId('card-prune').getByRole('checkbox').check();
  await page.getByText('Load it in your app').click();
  await expect(page.getByTestId('snippet-tfjs')).toContainText('tf.loadLayersModel');
});

test('sensitivity analysis charts each layer and auto picks per-layer settings with reasons', async ({ page }) => {
  await page.getByTestId('sensitivity-run').click();
  const table = page.getByTestId('sensitivity-table');
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tbody th')).toHaveText(['fc1', 'fc2', 'fc3']);
  // Drops grow with the prune ratio along each row (the output layer suffers most at 95 %).
  const drops = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-drop')))));
  expect(drops[2][4]).toBeGreaterThan(drops[0][0]);
  await page.getByTestId('auto-target').fill('0.5');
  await page.getByTestId('auto-apply').click();
  // A summary line, then one line per layer.
  await expect(page.getByTestId('auto-explanation').locator('li')).toHaveCount(4);
  await expect(page.getByTestId('auto-explanation').locator('li').first()).toContainText('Target at most 0.50 points of accuracy lost');
  await expect(page).toHaveURL(/lo=/);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('compressed-accuracy')).toHaveAttribute('data-value', /\d/);

  // Auto for a size: the measured compact file meets the target (per-layer bytes add up exactly; the header may differ by a few bytes).
  await page.getByTestId('auto-goal').selectOption('size');
  await page.getByTestId('auto-size').fill('200');
  await page.getByTestId('auto-apply').click();
  await expect(page.getByTestId('auto-explanation').locator('li').first()).toContainText('a compact file of at most 200.0 KB');
  await expect(page.getByTestId('history').locator('tbody tr').first().locator('td').nth(2)).toHaveText(/^\d layer overrides?$/);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  const compact = Number(await page.getByTestId('compressed-compact').getAttribute('data-value'));
  expect(compact).toBeLessThanOrEqual(200_000 * 1.01);
  expect(compact).toBeGreaterThan(50_000);
});
