import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { PRESET_LIST } from '../src/model/presets';
import { openDemo, studioPage } from './pages/studio';
import { badlyNamedControls } from './pages/accessibility';
import { PresentationView, type Figure } from './pages/presentation';

const FIGURES: { figure: Figure; panel: string }[] = [{ figure: 'ratio', panel: 'ratio' }, { figure: 'accuracy', panel: 'accuracy' }, { figure: 'bytes', panel: 'compact' }];
const SIZES = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }];
// Two presets that take seconds (no training), reached with End and then ←.
const LAST = PRESET_LIST.length - 1;

/** The presentation's figures now: text and raw value of each. */
async function figures(view: PresentationView) {
  const out: Record<string, { text?: string; value: number }> = {};
  for (const { figure } of FIGURES) out[figure] = { text: await view.text(figure), value: await view.value(figure) };
  return out;
}

/** Leaves with Esc and checks the numbers panel's compressed column shows the same figures; comes back with F. */
async function sameAsNormalView(page: Page, view: PresentationView, shown: Awaited<ReturnType<typeof figures>>, step: number) {
  await page.keyboard.press('Escape');
  await expect(view.root()).toHaveCount(0);
  const { numbers } = studioPage(page);
  for (const { figure, panel } of FIGURES) {
    await expect(numbers.compressed(panel).locator('.value'), `${figure} in the numbers panel`).toHaveText(shown[figure].text!);
    expect(await numbers.compressedValue(panel)).toBe(shown[figure].value);
  }
  expect(new URL(page.url()).hash).not.toContain('view=');
  await page.keyboard.press('f');
  await expect(view.root()).toHaveAttribute('data-step', String(step));
}

test('presets stepped with the keyboard show their measured figures, the same as the normal view\'s; Esc returns with the state kept', async ({ page }) => {
  await openDemo(page);
  const view = new PresentationView(page);
  await view.enter();
  await view.waitForStep(-1);
  await expect(view.name()).toHaveText('The original model');
  await expect(page).toHaveURL(/view=present/);

  await page.keyboard.press('PageDown'); // what a clicker sends
  await view.waitForStep(0);
  await expect(view.name()).toHaveText(PRESET_LIST[0].name);
  await expect(view.what()).toContainText(PRESET_LIST[0].what);
  const first = await figures(view);
  expect(first.ratio.value).toBeGreaterThan(5);
  await sameAsNormalView(page, view, first, 0);

  await page.keyboard.press('End');
  await view.waitForStep(LAST);
  await expect(view.name()).toHaveText(PRESET_LIST[LAST].name);
  await page.keyboard.press('ArrowLeft');
  await view.waitForStep(LAST - 1);
  await expect(view.name()).toHaveText(PRESET_LIST[LAST - 1].name);
  const second = await figures(view);
  // 'Deep Compression, no retraining': smaller, and it costs accuracy.
  expect(second.ratio.value).toBeGreaterThan(first.ratio.value);
  expect(second.accuracy.value).toBeLessThan(first.accuracy.value);
  expect(second.bytes.value).toBeLessThan(first.bytes.value);
  await sameAsNormalView(page, view, second, LAST - 1);

  // Home: the original again, as Reset would; Esc leaves with that state.
  await page.keyboard.press('Home');
  await view.waitForStep(-1);
  await page.keyboard.press('Escape');
  await expect(studioPage(page).numbers.compressed('accuracy')).toHaveCount(0);
});

test('no overlap, nothing outside the viewport or cut off, at 1280×720 and 1920×1080; a link with view=present opens it and the URL keeps it', async ({ page }) => {
  await page.goto('/#backend=wasm&present');
  const view = new PresentationView(page);
  await view.waitForStep(-1); // the demo model measured, in the presentation view from the start
  await page.keyboard.press('PageDown');
  await view.waitForStep(0);
  // The settings are written beside the view, and a reload opens the same view at the same preset.
  await expect(page).toHaveURL(/backend=wasm.*&view=present$/);
  await page.reload();
  await view.waitForStep(0);
  await expect(page.getByTestId('stage-chart')).toBeVisible(); // the stage view measures each preset by itself here
  await expect(page.getByTestId('progress')).toHaveCount(0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await view.settle();
    expect(await view.layoutProblems(), `layout at ${size.width}×${size.height}`).toEqual([]);
  }
  // A preset that trains: while it runs, its progress shows in the view and no figure is an older preset's.
  await page.keyboard.press('ArrowRight');
  await expect(view.root()).toHaveAttribute('data-step', '1');
  await expect(view.root().getByTestId('progress')).toBeVisible();
  for (const f of ['ratio', 'accuracy', 'bytes'] as const) expect(await view.text(f)).toBe('…');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await view.settle();
    expect(await view.layoutProblems(), `layout while a preset runs at ${size.width}×${size.height}`).toEqual([]);
  }
  await page.keyboard.press('Home'); // back to the original: the training job is dropped
  await view.waitForStep(-1);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Present', exact: true })).toBeVisible();
  await expect(page).not.toHaveURL(/view=present/);
});

test('main screen at both sizes: legend under the plots, no blank band under the header, a small baseline marker, no sideways scrolling', async ({ page }) => {
  // A compression, so the baseline is drawn as its own marker (with no plan it is the current point, a star).
  await page.goto('/#backend=wasm&prune=0.6&scope=global&k=32');
  await expect(studioPage(page).numbers.compressed('accuracy')).toHaveAttribute('data-value', /\d/);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expect.poll(() => page.evaluate(() => {
      const box = (sel: string) => document.querySelector(sel)?.getBoundingClientRect();
      const plots = Array.from(document.querySelectorAll('[data-testid="charts"] figure .recharts-surface')).map((s) => s.getBoundingClientRect());
      const legend = box('[data-testid="chart-legend"]');
      const root = document.scrollingElement ?? document.documentElement;
      return {
        legendUnderPlots: plots.length === 2 && legend !== undefined && plots.every((p) => legend.top >= p.bottom - 0.5),
        gapUnderHeader: Math.round((box('.regions')?.top ?? 0) - (box('.header')?.bottom ?? 0)),
        scrollsSideways: root.scrollWidth > document.documentElement.clientWidth,
      };
    }), { message: `normal view at ${size.width}×${size.height}` }).toEqual({ legendUnderPlots: true, gapUnderHeader: 8, scrollsSideways: false });
    const marker = await page.getByRole('figure', { name: 'Accuracy against size' }).locator('path.recharts-symbols[fill="var(--text)"]').boundingBox();
    // A small diamond, whole: taller than wide (the clipped bubble read as a wide ▼ of latency's size)
    expect(Math.max(marker!.width, marker!.height), `marker ${marker!.width}×${marker!.height}`).toBeLessThanOrEqual(24);
    expect(marker!.height).toBeGreaterThan(marker!.width);
  }
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the presentation view in the ${colorScheme} theme: no serious accessibility violations, every control named`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/#backend=wasm&view=present');
    const view = new PresentationView(page);
    await view.waitForStep(-1);
    await page.keyboard.press('PageDown');
    await view.waitForStep(0);
    await expect(page.getByTestId('stage-chart')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
    expect(await badlyNamedControls(page)).toEqual([]);
  });
}
