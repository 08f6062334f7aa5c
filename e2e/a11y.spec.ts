import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { openDemo, studioPage } from './pages/studio';

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });
    test('no serious or critical accessibility violations with the demo evaluated', async ({ page }) => {
      await openDemo(page);
      await page.getByTestId('confusion').locator('summary').click();
      await studioPage(page).data.open(); // the data & preprocessing popover, with its form
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
    });
  });
}
