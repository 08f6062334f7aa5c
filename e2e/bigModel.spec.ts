/**
 * Big models in the tab: a generated 224×224×3 conv net of ≈ 3.9 M parameters (src/node/bigModel.ts,
 * written to a temp folder, never committed) is opened with the file picker; the page shows the
 * steps of opening it and of compressing it layer by layer while the worker runs them (progress
 * posted from inside the worker's synchronous loops reaches the page and is drawn), the memory
 * line appears, the bundled data set, too big at 224², is refused with its numbers, and the TF.js
 * download is zipped file by file with each step shown.
 */
import { expect, test } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { writeBigModel } from '../src/node/bigModel';
import { openDemo, progressRow } from './pages/studio';

const SPEC = { input: 224, stem: [16, 32, 64, 128, 160], pairs: 14, classes: 10 };

test('a 3.9 M-parameter 224×224 model shows its loading and per-layer compression steps, and its memory', async ({ page }) => {
  test.setTimeout(240_000);
  const dir = join(tmpdir(), `bigmodel-e2e-${process.pid}`);
  const written = writeBigModel(dir, SPEC);
  const files = written.paths.map((p) => ({ name: p.split('/').pop() as string, mimeType: p.endsWith('.json') ? 'application/json' : 'application/octet-stream', buffer: readFileSync(p) }));
  rmSync(dir, { recursive: true, force: true }); // read into memory: the folder is not needed any more
  expect(written.params).toBeGreaterThan(3_000_000);
  // Every text the progress row shows, as it is drawn (a MutationObserver in the page).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { progressTexts: string[] }).progressTexts = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="progress"] .progress-text')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const { header, numbers, controls, errors, exports } = await openDemo(page);
  await header.openFiles(files);
  await expect(numbers.modelName()).toHaveText(/your model/, { timeout: 120_000 });
  // The bundled validation split does not fit at 224×224×3: refused with its numbers.
  await expect(errors.message()).toContainText(/samples at the model's 224×224×3 input would take \d+ MiB; use a smaller data set \(at most [\d,]+ samples\)/);
  await errors.dismiss().click();
  await expect(numbers.page.getByTestId('memory')).toContainText(/weights 15\.\d MB as float32 · arrays held \d+(\.\d+)? MB · TF\.js tensors \d+(\.\d+)? MB/);

  await controls.enable('Pruning');
  await controls.enable('Quantization');
  await expect(progressRow(page)).toContainText(/Compressing: /, { timeout: 60_000 });
  await expect(progressRow(page)).toHaveCount(0, { timeout: 120_000 });
  const texts = await page.evaluate(() => (window as unknown as { progressTexts: string[] }).progressTexts);
  const loading = texts.filter((t) => t.startsWith('Loading ') && t.includes('your model'));
  expect(loading.some((t) => /Building the layers|Running the model once on zeros/.test(t))).toBe(true);
  expect(loading.some((t) => /Measuring gzip -9 of .*\(\d+ %\)$/.test(t))).toBe(true);
  // Per-layer messages posted from inside the worker's synchronous loops (the float32 baseline written
  // tensor by tensor while opening; the plan's kernels quantized one by one) reached the page and were drawn.
  // (Ticks are throttled to one per 100 ms, so how many show depends on the machine's speed: at least one over both.)
  const perTensor = texts.filter((t) => /^(Loading your model|Compressing): (Writing|Copying|Quantizing) .*\(\d+\/134\)/.test(t));
  expect(perTensor.length).toBeGreaterThanOrEqual(1);
  // A step that runs long shows while it runs (the compact file of 3.9 M parameters takes ≥ 0.3 s; shorter ones may be passed over by newer ones).
  expect(texts).toContain('Compressing: Encoding the compact file (68 %)');
  await expect(numbers.page.getByTestId('memory')).toContainText(/arrays held/);
  // The download's zip is written file by file, each step shown.
  await exports.download(exports.tfjs());
  const after = await page.evaluate(() => (window as unknown as { progressTexts: string[] }).progressTexts);
  expect(after.some((t) => /^Export: Zipping (model\.json|group1-shard\d+of\d+\.bin) \(\d\/\d\) \(\d+ %\)$/.test(t))).toBe(true);
});
