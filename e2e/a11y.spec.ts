import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { badlyNamedControls } from './pages/accessibility';
import { openDemo, studioPage } from './pages/studio';

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });
    test('no serious or critical accessibility violations with the demo evaluated', async ({ page }) => {
      await openDemo(page);
      await page.getByText('Confusion matrix', { exact: true }).click();
      await studioPage(page).data.open(); // the data & preprocessing popover, with its form
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
    });
  });
}

// axe passes a <label> wrapping a control even when the name Chromium computes from it is empty
// (e.g. a slider whose label also holds its <output>): read the names a screen reader is given.
test('every control has an accessible name that says what it sets, not just its value', async ({ page }) => {
  // Every technique card on (fine-tuning too), so each card's sliders and options are shown.
  await page.goto('/#backend=wasm&prune=0.5&ch=0.25&lr=fraction:0.25&k=32&q=8&ft=1');
  const { numbers, data } = studioPage(page);
  await expect(numbers.metric('accuracy')).toHaveAttribute('data-value', /\d/);
  await expect(page.getByRole('slider')).toHaveCount(6);
  await data.open();
  expect(await badlyNamedControls(page)).toEqual([]);
});

test('the Recover card distilling, with its live curve: named controls and no serious violations', async ({ page }) => {
  await page.goto('/#backend=wasm&model=lenet-5&ch=0.5&q=4&kd=1&kdn=256');
  const { numbers } = studioPage(page);
  await expect(numbers.compressed('accuracy')).toHaveAttribute('data-value', /\d/);
  await expect(page.getByRole('figure', { name: 'Training curve', exact: true })).toHaveAttribute('data-finished', 'true');
  await expect(page.getByRole('radio', { name: 'Distill from the original', exact: true })).toBeChecked();
  expect(await badlyNamedControls(page)).toEqual([]);
  const results = await new AxeBuilder({ page }).include('[data-testid=card-recover]').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
});
