import { expect, test } from '@playwright/test';
import { modelCatalog, studioPage } from './pages/studio';

// WebGPU in headless Chromium is a SwiftShader CPU emulation here: a correctness check on the small
// demo model, never a speed test.
test('WebGPU gives the same predictions as WASM', async ({ page }) => {
  const demo = modelCatalog()[0];
  await page.goto(`/#model=${demo.id}&backend=wasm`);
  const { header, numbers } = studioPage(page);
  const wasmAccuracy = await numbers.waitForEvaluation(demo.name, 'wasm');
  const wasm = await numbers.samplePredictions();
  expect(wasm.length).toBe(8);

  // Check before selecting: selecting a disabled option would wait until the test times out.
  const unavailable = await header.backendSelect().locator('option[value=webgpu]').isDisabled();
  test.skip(unavailable, 'this Chromium exposes no WebGPU adapter');
  await header.selectBackend('webgpu');
  await expect(header.activeBackend()).toHaveAttribute('data-backend', 'webgpu');
  await expect(header.activeBackend()).toContainText('WebGPU');
  const gpuAccuracy = await numbers.waitForEvaluation(demo.name, 'webgpu');
  const gpu = await numbers.samplePredictions();
  expect(gpu.map((s) => s.predicted)).toEqual(wasm.map((s) => s.predicted));
  for (let i = 0; i < wasm.length; i++) {
    for (let c = 0; c < wasm[i].probabilities.length; c++) expect(Math.abs(gpu[i].probabilities[c] - wasm[i].probabilities[c])).toBeLessThan(1e-4);
  }
  expect(Math.abs(gpuAccuracy - wasmAccuracy)).toBeLessThanOrEqual(0.001);
});
