import { unzipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { badlyNamedControls } from './pages/accessibility';
import { studioPage, waitForCompressed, waitUntilIdle } from './pages/studio';

interface ReportPoint { id: number; kind: string; label: string; accuracy: number; compactBytes: number; tfjsBytes: number; gzipBytes: number; latencyMs: number }

test.beforeEach(async ({ page }) => {
  await page.goto('/#model=lenet-300-100&backend=wasm');
  await studioPage(page).numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
});

test('a sweep adds one measured point per grid cell, draws the Pareto front of them, and a point restores its plan', async ({ page }) => {
  const { sweep, charts, controls, exports } = studioPage(page);
  // Grid: prune {50 %, 90 %} × {float32, 4-bit} — untick the defaults that are not wanted.
  await sweep.choice('Prune 80 %').uncheck();
  await sweep.choice('8-bit').uncheck();
  await expect(sweep.run()).toHaveText('Run 4 points');
  await sweep.run().click();
  await expect(sweep.done()).toHaveText('4/4 points', { timeout: 90_000 });
  const rows = charts.history().locator('tbody tr[data-kind=sweep]');
  await expect(rows).toHaveCount(4);
  await expect(rows.locator('td:nth-child(3)')).toHaveText(['prune 90 % · 4-bit', 'prune 90 %', 'prune 50 % · 4-bit', 'prune 50 %']);

  // Every point is measured: the report's raw figures are real for each sweep cell…
  const report = JSON.parse(readFileSync(await exports.download(exports.report('JSON')), 'utf8')) as { points: ReportPoint[] };
  const cells = report.points.filter((p) => p.kind === 'sweep');
  expect(cells.map((p) => p.label)).toEqual(['prune 50 %', 'prune 50 % · 4-bit', 'prune 90 %', 'prune 90 % · 4-bit']);
  for (const p of cells) {
    expect(p.accuracy, p.label).toBeGreaterThan(0.1); // better than chance on 10 classes
    expect(p.accuracy, p.label).toBeLessThanOrEqual(1);
    for (const figure of [p.compactBytes, p.tfjsBytes, p.gzipBytes, p.latencyMs]) expect(Number.isFinite(figure) && figure > 0, `${p.label}: ${figure}`).toBe(true);
  }
  // 4-bit codes make a smaller compact file than float32 at the same prune ratio.
  expect(cells[1].compactBytes).toBeLessThan(cells[0].compactBytes);
  expect(cells[3].compactBytes).toBeLessThan(cells[2].compactBytes);
  // …and the front drawn (compact size, the chart's default) is exactly the points no other point beats:
  // none on it is dominated (another both no bigger and no less accurate, better in one), every point off it is.
  const dominates = (q: ReportPoint, p: ReportPoint) => q.id !== p.id && q.compactBytes <= p.compactBytes && q.accuracy >= p.accuracy;
  const front = ((await charts.root().getAttribute('data-front')) ?? '').split(',').filter(Boolean).map(Number);
  expect(front.length).toBeGreaterThanOrEqual(2);
  for (const p of report.points) {
    const beaten = report.points.some((q) => dominates(q, p) && (q.compactBytes < p.compactBytes || q.accuracy > p.accuracy));
    if (front.includes(p.id)) expect(beaten, `point ${p.id} (${p.label}) is on the front but beaten`).toBe(false);
    else expect(report.points.some((q) => front.includes(q.id) && dominates(q, p)), `point ${p.id} (${p.label}) is off the front but no front point beats it`).toBe(true);
  }

  // Clicking a point's id restores its settings: the controls, the URL and a fresh measurement.
  await charts.restore(cells[0].id);
  await expect(page).toHaveURL(/prune=0\.5/);
  await expect(controls.slider('Zeroed weights')).toHaveValue('50');
  await expect(charts.newestPlan()).toHaveText('prune 50 %');
});

test('a running sweep can be cancelled and the controls come back', async ({ page }) => {
  const { sweep, controls } = studioPage(page);
  await sweep.run().click();
  await expect(sweep.progress()).toBeVisible();
  await expect(controls.toggle('Pruning')).toBeDisabled();
  await sweep.cancel().click();
  await expect(sweep.done()).toContainText('(cancelled)', { timeout: 60_000 });
  await expect(controls.toggle('Pruning')).toBeEnabled();
});

test('the report (JSON, CSV) and the chart (PNG) download with every evaluated point', async ({ page }) => {
  const { controls, charts, numbers, exports } = studioPage(page);
  await controls.enable('Quantization');
  await expect(charts.rows()).toHaveCount(2);
  await waitUntilIdle(page);
  const report = JSON.parse(readFileSync(await exports.download(exports.report('JSON')), 'utf8'));
  expect(report.points.map((p: { kind: string }) => p.kind)).toEqual(['baseline', 'compressed']);
  expect(report.points[1].plan).toEqual({ version: 1, quantize: { bits: 8 } });
  expect(report.points[1].accuracy).toBe(await numbers.compressedValue('accuracy'));
  const lines = readFileSync(await exports.download(exports.report('CSV')), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^id,kind,model,dataset,backend,compression,accuracy/);
  const bytes = readFileSync(await exports.download(exports.png()));
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.length).toBeGreaterThan(5000);
});

test('the theme can be switched and the snippet is offered with an export', async ({ page }) => {
  const { header, controls, exports: bar } = studioPage(page);
  await header.themeSelect().selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(bg).toBe('rgb(20, 22, 26)');
  await controls.enable('Pruning');
  await page.getByText('Load it in your app').click();
  await expect(page.getByTestId('snippet-tfjs')).toContainText('tf.loadLayersModel');
  // Generated from the model and its data: LeNet-300-100 takes [1, 28, 28, 1], MNIST's bytes ÷ 255, classes "0"…"9".
  await expect(page.getByTestId('snippet-tfjs')).toContainText('pixels.toFloat().mul(1 / 255).reshape([1, 28, 28, 1])');
  await expect(page.getByTestId('snippet-compact')).toContainText('const classes = ["0","1","2","3","4","5","6","7","8","9"];');
  await waitUntilIdle(page);
  const meta = JSON.parse(readFileSync(await bar.download(page.getByTestId('export-metadata')), 'utf8')) as { plan: { prune?: unknown }; classes: string[]; sizes: { tfjs: { files: unknown[] } } };
  expect(meta.plan.prune).toBeDefined();
  expect(meta.classes).toHaveLength(10);
  expect(meta.sizes.tfjs.files.length).toBeGreaterThanOrEqual(2);
  // The same metadata inside the TF.js zip, as its last entry; the model's entries are the plain zip's, byte for byte.
  const plain = unzipSync(new Uint8Array(readFileSync(await bar.download(bar.tfjs()))));
  await page.getByTestId('zip-metadata').check();
  const zipped = unzipSync(new Uint8Array(readFileSync(await bar.download(bar.tfjs()))));
  expect(Object.keys(zipped)).toEqual([...Object.keys(plain), 'metadata.json']);
  for (const name of Object.keys(plain)) expect(zipped[name]).toEqual(plain[name]);
  const inZip = JSON.parse(new TextDecoder().decode(zipped['metadata.json'])) as typeof meta;
  expect(inZip.plan).toEqual(meta.plan);
  expect(inZip.classes).toEqual(meta.classes);
});

test('sensitivity analysis charts each layer and auto picks per-layer settings with reasons', async ({ page }) => {
  const { sensitivity, numbers } = studioPage(page);
  await sensitivity.analyse().click();
  const table = sensitivity.table();
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tbody th')).toHaveText(['fc1', 'fc2', 'fc3']);
  // Drops grow with the prune ratio along each row (the output layer suffers most at 95 %).
  const drops = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-drop')))));
  expect(drops[2][4]).toBeGreaterThan(drops[0][0]);
  // The auto controls appear with the table: each has a name that says what it sets.
  expect(await badlyNamedControls(page)).toEqual([]);
  await sensitivity.allowedDrop().fill('0.5');
  await sensitivity.applyAuto().click();
  // A summary line, then one line per layer.
  await expect(sensitivity.explanation()).toHaveCount(4);
  await expect(sensitivity.explanation().first()).toContainText('Target at most 0.50 points of accuracy lost');
  await expect(page).toHaveURL(/lo=/);
  await waitUntilIdle(page);
  await expect(numbers.compressed('accuracy')).toHaveAttribute('data-value', /\d/);

  // Auto for a size: the measured compact file meets the target (per-layer bytes add up exactly; the header may differ by a few bytes).
  await sensitivity.goal().selectOption('size');
  await sensitivity.targetSize().fill('200');
  await sensitivity.applyAuto().click();
  await expect(sensitivity.explanation().first()).toContainText('a compact file of at most 200.0 KB');
  await waitForCompressed(page, /^\d layer overrides?$/);
  const compact = await numbers.compressedValue('compact');
  expect(compact).toBeLessThanOrEqual(200_000 * 1.01);
  expect(compact).toBeGreaterThan(50_000);
});
