/**
 * Drives the built studio in Debian's Chromium (CHROMIUM_PATH overrides) for measurements and the
 * README screenshot. Serves dist/ with `vite preview` on port 4173 (or STUDIO_URL's) unless one is already running.
 *
 *   npx tsx scripts/browser.ts latency       # each bundled model on WASM: accuracy and batch-1 latency
 *   npx tsx scripts/browser.ts screenshot    # writes docs/screenshot.png (1280×720 viewport)
 *   npx tsx scripts/browser.ts slider        # LeNet-5 on WASM: slider move → new chart point, and main-thread long tasks
 *   npx tsx scripts/browser.ts keras         # each real Keras fixture opened with the file input: until its name, then its accuracy, shows
 *                                            # (also npm run bench:browser -- keras)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { ROOT } from '../src/node/io';

/** The studio to drive: STUDIO_URL, else a `vite preview` of dist/ on port 4173 (started when nothing answers there). */
const URL_BASE = process.env.STUDIO_URL ?? 'http://localhost:4173';
const PORT = new URL(URL_BASE).port || '4173';
const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function serverUp(): Promise<boolean> {
  try { return (await fetch(URL_BASE)).ok; } catch { return false; }
}

async function startServer(): Promise<ChildProcess | undefined> {
  if (await serverUp()) return undefined;
  const child = spawn('npx', ['vite', 'preview', '--port', PORT, '--strictPort'], { cwd: ROOT, stdio: 'ignore', detached: true });
  for (let i = 0; i < 100 && !(await serverUp()); i++) await new Promise((r) => setTimeout(r, 200));
  return child;
}

/**
 * Time from a slider move (one key press on the prune slider) to the new point in the history, for
 * LeNet-5 on WASM, over several moves; and the main-thread tasks over 50 ms meanwhile (Long Tasks
 * API). Both ends are timed inside the page (keydown listener → the mutation that shows the row),
 * so Playwright's polling adds nothing.
 */
async function sliderResponse(page: import('@playwright/test').Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${URL_BASE}/#model=lenet-5&backend=wasm&prune=0.5`);
  const latest = page.getByTestId('history').locator('tbody tr').first().locator('td').nth(2);
  await latest.filter({ hasText: 'prune 50 %' }).waitFor({ timeout: 120_000 });
  await page.getByTestId('progress').waitFor({ state: 'detached' });
  await page.evaluate(() => { (window as unknown as { longTasks: number[] }).longTasks = []; });
  const times: number[] = [];
  const slider = page.getByTestId('prune-slider');
  for (let v = 51; v <= 60; v++) {
    await slider.focus();
    // Arm the in-page clock: t0 at the keydown, t1 when the history's first row names the new ratio.
    await page.evaluate((label) => {
      const w = window as unknown as { sliderMs?: Promise<number> };
      w.sliderMs = new Promise((resolve) => {
        let t0 = NaN;
        document.addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
        // (no named functions in here: tsx would wrap them in a helper the page does not have)
        const observer = new MutationObserver(() => {
          if (Number.isNaN(t0) || document.querySelector('[data-testid="history"] tbody tr td:nth-child(3)')?.textContent !== label) return;
          observer.disconnect();
          resolve(performance.now() - t0);
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      });
    }, `prune ${v} %`);
    await slider.press('ArrowRight');
    await latest.filter({ hasText: `prune ${v} %` }).waitFor({ timeout: 60_000 });
    times.push(Math.round(await page.evaluate(() => (window as unknown as { sliderMs: Promise<number> }).sliderMs)));
    await page.getByTestId('progress').waitFor({ state: 'detached' });
  }
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`LeNet-5 on WASM, 10 slider moves (debounce included): median ${sorted[5]} ms, max ${sorted[9]} ms from key press to the new chart point (${times.join(', ')})`);
  console.log(`main-thread long tasks (> 50 ms) meanwhile: ${longTasks.length}${longTasks.length ? `, longest ${Math.round(Math.max(...longTasks))} ms` : ''}`);
}

/**
 * Opening each real Keras fixture (src/model/keras/fixtures) in the studio on WASM, as a person
 * does with *Open model files…*: a fresh page with the demo measured, then the file given to the
 * file input. Timed inside the page from the input's change event to the model's name in the
 * numbers panel (read, converted by the lazily loaded reader, built and probed in the worker) and
 * to its accuracy on the validation split (evaluated). ROUNDS (default 3) fresh pages per file,
 * files in turn; medians. Each open is the page's first Keras file, so the reader's chunk is loaded each time.
 */
async function kerasOpening(page: import('@playwright/test').Page) {
  const fixtures = ['mnist-cnn-keras3.keras', 'mnist-mlp-keras3-legacy.h5', 'mnist-cnn-keras2.h5'];
  const rounds = Number(process.env.ROUNDS ?? 3);
  const times = new Map(fixtures.map((f) => [f, { name: [] as number[], accuracy: [] as number[], value: NaN }]));
  for (let round = 0; round < rounds; round++) {
    for (const fixture of fixtures) {
      await page.goto(`${URL_BASE}/#backend=wasm`);
      await page.reload();
      await page.getByTestId('metric-accuracy').and(page.locator('[data-value]')).waitFor({ timeout: 120_000 });
      await page.getByTestId('progress').waitFor({ state: 'detached' });
      await page.evaluate((label) => {
        const w = window as unknown as { kerasMs?: Promise<{ name: number; accuracy: number }> };
        w.kerasMs = new Promise((resolve) => {
          let t0 = NaN;
          let named = NaN;
          document.querySelector('[data-testid="file-input"]')!.addEventListener('change', () => { t0 = performance.now(); }, { capture: true, once: true });
          const observer = new MutationObserver(() => {
            if (Number.isNaN(t0) || document.querySelector('[data-testid="model-name"]')?.textContent !== label) return;
            if (Number.isNaN(named)) named = performance.now() - t0;
            if (!document.querySelector('[data-testid="metric-accuracy"]')?.hasAttribute('data-value')) return;
            observer.disconnect();
            resolve({ name: named, accuracy: performance.now() - t0 });
          });
          observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
        });
      }, `${fixture} (your model)`);
      await page.getByTestId('file-input').setInputFiles(join(ROOT, 'src', 'model', 'keras', 'fixtures', fixture));
      const t = await page.evaluate(() => (window as unknown as { kerasMs: Promise<{ name: number; accuracy: number }> }).kerasMs);
      const entry = times.get(fixture)!;
      entry.name.push(t.name);
      entry.accuracy.push(t.accuracy);
      entry.value = Number(await page.getByTestId('metric-accuracy').getAttribute('data-value'));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const backend = await page.getByTestId('backend-active').textContent();
  console.log(`Opening the real Keras files in the studio (Chromium, ${backend?.replace(/^Running on /, '')}; median of ${rounds} fresh pages each, timed in the page from the file input's change event):\n`);
  console.log('| file | until its name shows (read, converted, built) | until its accuracy shows (evaluated) | accuracy |');
  console.log('|---|---|---|---|');
  for (const [fixture, t] of times) {
    console.log(`| ${fixture} | ${Math.round(median(t.name))} ms | ${Math.round(median(t.accuracy))} ms | ${(t.value * 100).toFixed(2)} % |`);
  }
}

async function main() {
  // The last word wins, so `npm run bench:browser -- keras` (…browser.ts latency keras) runs the keras measurement.
  const what = process.argv.slice(2).at(-1);
  if (what !== 'latency' && what !== 'screenshot' && what !== 'slider' && what !== 'keras') throw new Error('usage: tsx scripts/browser.ts latency|screenshot|slider|keras (run npm run build first)');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    if (what === 'slider') {
      await sliderResponse(page);
      return;
    }
    if (what === 'keras') {
      await kerasOpening(page);
      return;
    }
    const catalog = JSON.parse(readFileSync(join(ROOT, 'public', 'models', 'catalog.json'), 'utf8')) as { id: string; name: string }[];
    const ids = what === 'screenshot' ? [catalog[0].id] : catalog.map((m) => m.id);
    for (const id of ids) {
      // The screenshot shows a compression being explored: 60 % pruned, 32 shared values.
      await page.goto(`${URL_BASE}/#model=${id}&backend=wasm${what === 'screenshot' ? '&prune=0.6&scope=global&k=32' : ''}`);
      await page.reload();
      await page.getByTestId('metric-latency').and(page.locator('[data-value]')).waitFor({ timeout: 120_000 });
      await page.getByTestId('progress').waitFor({ state: 'detached' });
      const get = async (name: string) => Number(await page.getByTestId(`metric-${name}`).getAttribute('data-value'));
      const p90 = (await page.getByTestId('metric-latency').textContent())?.match(/p90 ([\d.]+ ms)/)?.[1];
      const backend = await page.getByTestId('backend-active').textContent();
      if (what === 'latency') {
        console.log(`${id.padEnd(14)} accuracy ${(await get('accuracy') * 100).toFixed(2)} %  size ${await get('size')} B  gzip ${await get('gzip')} B  batch-1 latency median ${(await get('latency')).toFixed(3)} ms, p90 ${p90}  (${backend})`);
      }
    }
    if (what === 'screenshot') {
      await page.getByTestId('compressed-accuracy').and(page.locator('[data-value]')).waitFor({ timeout: 120_000 });
      await page.getByTestId('progress').waitFor({ state: 'detached' });
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'docs', 'screenshot.png') });
      console.log('wrote docs/screenshot.png');
    }
  } finally {
    await browser.close();
    if (server?.pid) process.kill(-server.pid);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
