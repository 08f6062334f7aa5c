/**
 * The stage view in a real browser: a Deep Compression link opens, "Show stages" measures the
 * compression stage by stage, and the last stage's bytes are exactly the compact file the export
 * bar downloads; the bytes fall stage by stage and a new plan is measured stage by stage too.
 */
import { expect, test, type Page } from '@playwright/test';
import { statSync } from 'node:fs';
import { studioPage, waitForCompressed, waitUntilIdle } from './pages/studio';

/** The stage view's page object: its button, chart and table rows. */
class StageViewPanel {
  constructor(readonly page: Page) {}
  view = () => this.page.getByTestId('stage-view').first();
  show = () => this.view().getByRole('button', { name: 'Show stages', exact: true });
  chart = () => this.view().getByTestId('stage-chart');
  table = () => this.view().getByRole('table', { name: /Each stage of the current compression/ });
  row = (id: string) => this.view().getByTestId(`stage-${id}`);
  /** The bytes of stage `id` as the table gives them (its data-bytes). */
  async bytes(id: string): Promise<number> {
    return Number(await this.view().getByTestId(`stage-${id}-bytes`).getAttribute('data-bytes'));
  }
  /** The stages listed, in order. */
  async ids(): Promise<string[]> {
    // By test id: inside a closed <details> the table is not in the accessibility tree.
    const rows = await this.view().getByTestId('stage-table').locator('tbody tr').all();
    return Promise.all(rows.map(async (r) => ((await r.getAttribute('data-testid')) ?? '').replace(/^stage-/, '')));
  }
}

test('the stage view of Deep Compression adds up to the compact file the user downloads', async ({ page }) => {
  await page.goto('/#model=lenet-300-100&backend=wasm&prune=0.9&scope=layer&k=32');
  const { numbers, exports } = studioPage(page);
  await numbers.waitForEvaluation('LeNet-300-100 (MNIST)', 'wasm');
  await waitForCompressed(page, 'prune 90 % per layer · 32 clusters');
  const stages = new StageViewPanel(page);
  await stages.show().click();
  await expect(stages.chart()).toBeVisible();
  await waitUntilIdle(page);
  await stages.view().getByText('Stage table').click();
  await expect(stages.table()).toBeVisible();
  expect(await stages.ids()).toEqual(['original', 'pruned', 'quantized', 'coded']);
  await expect(stages.row('quantized')).toContainText('clustered');
  await expect(stages.row('quantized')).toContainText('32 shared values');
  await expect(stages.row('coded')).toContainText('Huffman');
  const bytes = await Promise.all(['original', 'pruned', 'quantized', 'coded'].map((id) => stages.bytes(id)));
  for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeLessThan(bytes[i - 1]);
  const file = await exports.download(exports.compact());
  expect(bytes[3]).toBe(statSync(file).size);
  expect(bytes[3]).toBe(await numbers.compressedValue('compact'));

  // From now on each new plan is measured stage by stage without asking.
  await studioPage(page).controls.preset('TF.js int8').click();
  await waitForCompressed(page, '8-bit');
  await expect(stages.row('quantized')).toContainText('8-bit codes');
  await waitUntilIdle(page);
  expect(await stages.ids()).toEqual(['original', 'quantized', 'coded']);
  expect(await stages.bytes('coded')).toBe(statSync(await exports.download(exports.compact())).size);
});
