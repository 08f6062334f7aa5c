import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSizes } from '../src/core/sizeRatio';
import { openDemo, PUBLIC, studioPage, waitForCompressed } from './pages/studio';

/** LeNet-300-100 written as uint8 TF.js files by the CLI: a model that is already quantized when the user opens it. */
function uint8Lenet() {
  const out = join(mkdtempSync(join(tmpdir(), 'cs-ratio-')), 'u8');
  const r = spawnSync(process.execPath, [join(PUBLIC, '..', 'bin', 'compression-studio.js'), 'compress', join(PUBLIC, 'models', 'lenet-300-100', 'model.json'), '--bits', '8', '--format', 'tfjs', '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const names: string[] = JSON.parse(r.stdout.trim().split('\n').at(-1) as string).files.map((f: { name: string }) => f.name);
  return names.map((name) => ({ name, mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream', buffer: readFileSync(join(out, name)) }));
}

test('a uint8 model: ratios against the files opened and, apart, against float32; a larger export is said plainly', async ({ page }) => {
  const files = uint8Lenet();
  const opened = files.reduce((a, f) => a + f.buffer.length, 0);
  const { header, numbers } = await openDemo(page);
  await header.openFiles(files);
  await numbers.waitForEvaluation('your model', 'wasm');
  await expect(numbers.metric('ratio')).toHaveAttribute('data-value', '1');
  await expect(numbers.metric('ratio')).toContainText(`vs the files you opened: TF.js files (${files.length})`);
  // The uint8 files are about 4× smaller than the same model in float32.
  const openedVsFloat32 = Number(await numbers.metric('ratio-float32').getAttribute('data-value'));
  expect(openedVsFloat32).toBeGreaterThan(3.5);
  // 8 bits again: about the size opened, while against float32 it still reads as ~4×.
  const { controls } = studioPage(page);
  await controls.enable('Quantization');
  await waitForCompressed(page, '8-bit');
  await expect(numbers.compressed('ratio')).toHaveAttribute('data-value', /\d/);
  const vsOpened = Number(await numbers.compressed('ratio').getAttribute('data-value'));
  const vsFloat32 = Number(await numbers.compressed('ratio-float32').getAttribute('data-value'));
  expect(vsOpened).toBeLessThan(vsFloat32);
  expect(vsFloat32 / vsOpened).toBeCloseTo(openedVsFloat32, 6);
  const tfjs = Number(await numbers.compressed('size').getAttribute('data-value'));
  await expect(numbers.compressed('ratio')).toContainText(compareSizes(opened, tfjs, 'TF.js files', 'the files you opened'));
});
