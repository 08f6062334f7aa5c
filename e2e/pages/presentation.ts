import { expect, type Page } from '@playwright/test';

/** The presentation view's figures, by name: their test ids are present-<name>. */
export type Figure = 'ratio' | 'accuracy' | 'bytes';

/** The presentation view (large type, chart and stages only; presets stepped with the keyboard). */
export class PresentationView {
  constructor(readonly page: Page) {}
  root = () => this.page.getByTestId('presentation');
  name = () => this.page.getByTestId('present-name');
  what = () => this.page.getByTestId('present-what');
  figure = (f: Figure) => this.page.getByTestId(`present-${f}`);
  /** The figure's value as shown (its large text, without the note). */
  async text(f: Figure) { return (await this.figure(f).locator('.present-figure-value').textContent())?.trim(); }
  async value(f: Figure) { return Number(await this.figure(f).getAttribute('data-value')); }
  /** Enters with the header's "Present" button. */
  async enter() {
    await this.page.getByRole('button', { name: 'Present', exact: true }).click();
    await expect(this.root()).toBeVisible();
  }
  /** Waits until step `step` (-1: the original) shows its measured figures and nothing runs. */
  async waitForStep(step: number) {
    await expect(this.root()).toHaveAttribute('data-step', String(step));
    await expect(this.root()).toHaveAttribute('data-state', step === -1 ? 'original' : 'measured', { timeout: 120_000 });
    await expect(this.page.getByTestId('progress')).toHaveCount(0, { timeout: 120_000 });
  }
  /** Waits until every chart has redrawn at its box's size (after a window resize, ResizeObserver redraws a moment later). */
  async settle() {
    await expect.poll(() => this.page.evaluate(() => Array.from(document.querySelectorAll('.present .recharts-responsive-container')).every((c) => {
      const svg = c.querySelector('svg.recharts-surface');
      return svg !== null && Math.abs(svg.getBoundingClientRect().width - c.getBoundingClientRect().width) < 1 && Math.abs(svg.getBoundingClientRect().height - c.getBoundingClientRect().height) < 1;
    }))).toBe(true);
  }
  /**
   * What breaks a projector slide, as lines: visible elements outside the viewport, a page that
   * scrolls, the view's regions overlapping one another, text cut off in its box, and axis labels
   * of the chart outside the chart's panel.
   */
  async layoutProblems(): Promise<string[]> {
    return this.page.evaluate(() => {
      const out: string[] = [];
      const w = document.documentElement.clientWidth, h = document.documentElement.clientHeight;
      const root = document.scrollingElement ?? document.documentElement;
      if (root.scrollWidth > w) out.push(`scrolls sideways (${root.scrollWidth} > ${w})`);
      if (root.scrollHeight > h) out.push(`scrolls (${root.scrollHeight} > ${h})`);
      const name = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${String(el.getAttribute('class') ?? '').split(' ')[0]}`;
      for (const el of Array.from(document.querySelectorAll('.present, .present *'))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || !el.checkVisibility({ visibilityProperty: true }) || el.closest('.sr-only')) continue;
        if (r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5) out.push(`${name(el)} outside the viewport: ${[r.left, r.top, r.right, r.bottom].map(Math.round).join(',')}`);
      }
      const regions = Array.from(document.querySelectorAll('.present-head, .present-figure, .present-chart, .present-stages, .present-foot'));
      for (const [i, a] of regions.entries()) {
        for (const b of regions.slice(i + 1)) {
          const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
          if (ra.left < rb.right - 0.5 && rb.left < ra.right - 0.5 && ra.top < rb.bottom - 0.5 && rb.top < ra.bottom - 0.5) out.push(`${name(a)} overlaps ${name(b)}`);
        }
      }
      for (const el of Array.from(document.querySelectorAll('.present h1, .present p, .present-figure > *, .present figcaption, .present .chart-legend li'))) {
        if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) out.push(`${name(el)} cut off: "${el.textContent?.slice(0, 40)}"`);
      }
      for (const panel of Array.from(document.querySelectorAll('.present-chart, .present-stages'))) {
        const box = panel.getBoundingClientRect();
        const labels = Array.from(panel.querySelectorAll('.recharts-cartesian-axis-tick-labels text, .recharts-label'));
        for (const [i, t] of labels.entries()) {
          // An SVG clips what leaves it: a label must lie inside its chart's SVG as well as its panel.
          const r = t.getBoundingClientRect(), svg = t.closest('svg')?.getBoundingClientRect() ?? box;
          if (r.left < Math.max(box.left, svg.left) - 0.5 || r.right > Math.min(box.right, svg.right) + 0.5 || r.top < Math.max(box.top, svg.top) - 0.5 || r.bottom > Math.min(box.bottom, svg.bottom) + 0.5) {
            out.push(`axis label "${t.textContent}" outside its chart (${name(panel)})`);
          }
          for (const u of labels.slice(i + 1)) {
            const q = u.getBoundingClientRect();
            if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom) out.push(`axis labels "${t.textContent}" and "${u.textContent}" overlap`);
          }
        }
      }
      return out;
    });
  }
}
