/**
 * The README's screenshots at a projector's two common sizes, 1280×720 and 1920×1080: the normal
 * view (docs/screenshot.png at 1280×720, as `npm run screenshot` writes it, and
 * docs/screenshot-1920x1080.png) and the presentation view (docs/present-1280x720.png,
 * docs/present-1920x1080.png), driven as a presenter does: the demo model on WASM with a
 * compression being explored (60 % pruned, 32 shared values), two presets clicked for history,
 * then F, Home and PageDown to the first preset, measured.
 *
 *   npm run build && npx tsx scripts/screenshots-present.ts
 *   STUDIO_URL=http://localhost:4303 npx tsx scripts/screenshots-present.ts   # a studio already served
 *
 * Serves dist/ with `vite preview` on port 4173 unless STUDIO_URL's server answers. Chromium:
 * /usr/bin/chromium (CHROMIUM_PATH overrides). Each shot is checked before it is saved: nothing
 * outside the viewport and no horizontal scrollbar (the presentation view: nothing scrolls at all).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { ROOT } from '../src/node/io';

const URL_BASE = process.env.STUDIO_URL ?? 'http://localhost:4173';
const SIZES = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }];
const WAIT = { timeout: 180_000 };

async function serverUp(): Promise<boolean> {
  try { return (await fetch(URL_BASE)).ok; } catch { return false; }
}

async function startServer(): Promise<ChildProcess | undefined> {
  if (await serverUp()) return undefined;
  const port = new URL(URL_BASE).port || '4173';
  const child = spawn('npx', ['vite', 'preview', '--port', port, '--strictPort'], { cwd: ROOT, stdio: 'ignore', detached: true });
  for (let i = 0; i < 100 && !(await serverUp()); i++) await new Promise((r) => setTimeout(r, 200));
  return child;
}

/**
 * The visible elements that stick out of the viewport (tag, test id or class, and box), and
 * whether the page scrolls sideways. Elements inside a scrolling box or clipped by one are
 * judged by that box.
 */
async function overflow(page: Page): Promise<{ outside: string[]; scrollsSideways: boolean; scrolls: boolean }> {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth, h = document.documentElement.clientHeight;
    const outside: string[] = [];
    for (const el of Array.from(document.querySelectorAll('.present *'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || !el.checkVisibility({ visibilityProperty: true })) continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5) {
        outside.push(`${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${String(el.getAttribute('class') ?? '').split(' ')[0]} ${[r.left, r.top, r.right, r.bottom].map(Math.round).join(',')}`);
      }
    }
    const root = document.scrollingElement ?? document.documentElement;
    return { outside, scrollsSideways: root.scrollWidth > w, scrolls: root.scrollHeight > h };
  });
}

/** Saves a screenshot of the page at each size under docs/, named by `name(size)`, after checking it. */
async function shoot(page: Page, name: (s: { width: number; height: number }) => string, present: boolean) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(600); // ResizeObserver → the charts redraw at the new size
    const o = await overflow(page);
    if (o.scrollsSideways || (present && (o.scrolls || o.outside.length))) {
      console.error(`${name(size)}: ${o.scrollsSideways ? 'scrolls sideways; ' : ''}${present && o.scrolls ? 'scrolls; ' : ''}${o.outside.slice(0, 10).join('; ')}`);
      process.exitCode = 1;
    }
    await page.screenshot({ path: join(ROOT, 'docs', name(size)) });
    console.log(`wrote docs/${name(size)}`);
  }
}

async function main() {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-quic', '--no-first-run'] });
  try {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    const page = await browser.newPage({ viewport: SIZES[0] });
    const first = (JSON.parse(readFileSync(join(ROOT, 'public', 'models', 'catalog.json'), 'utf8')) as { id: string }[])[0].id;
    await page.goto(`${URL_BASE}/#model=${first}&backend=wasm&prune=0.6&scope=global&k=32`);
    await page.getByTestId('compressed-accuracy').and(page.locator('[data-value]')).waitFor(WAIT);
    await page.getByTestId('compressed-latency').and(page.locator('[data-value]')).waitFor(WAIT);
    await page.getByTestId('progress').waitFor({ state: 'detached', ...WAIT });
    await shoot(page, (s) => (s.width === 1280 ? 'screenshot.png' : `screenshot-${s.width}x${s.height}.png`), false);
    await page.setViewportSize(SIZES[0]);
    // Two quick presets for history on the chart, then the presentation at the first preset.
    for (const preset of ['float16', 'TF.js int8']) {
      const before = Number(await page.getByTestId('charts').getAttribute('data-points'));
      await page.getByRole('button', { name: preset, exact: true }).click();
      await page.locator(`[data-testid="charts"]:not([data-points="${before}"])`).waitFor(WAIT);
      await page.getByTestId('progress').waitFor({ state: 'detached', ...WAIT });
    }
    await page.keyboard.press('f');
    await page.keyboard.press('Home');
    await page.locator('[data-testid="presentation"][data-step="-1"][data-state="original"]').waitFor(WAIT);
    await page.keyboard.press('PageDown');
    await page.locator('[data-testid="presentation"][data-step="0"][data-state="measured"]').waitFor(WAIT);
    await page.getByTestId('progress').waitFor({ state: 'detached', ...WAIT });
    await shoot(page, (s) => `present-${s.width}x${s.height}.png`, true);
  } finally {
    await browser.close();
    if (server?.pid) process.kill(-server.pid);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
