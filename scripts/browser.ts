/**
 * Drives the built studio in Debian's Chromium (CHROMIUM_PATH overrides) for measurements and the
 * README screenshot. Serves dist/ with `vite preview` on port 4173 (or STUDIO_URL's) unless one is already running.
 *
 *   npx tsx scripts/browser.ts latency       # each bundled model on WASM: accuracy and batch-1 latency
 *   npx tsx scripts/browser.ts screenshot    # writes docs/screenshot.png (1280×720 viewport)
 *   npx tsx scripts/browser.ts slider        # LeNet-5 on WASM: slider move → new chart point, and main-thread long tasks
 *   npx tsx scripts/browser.ts keras         # each real Keras fixture opened with the file input: until its name, then its accuracy, shows
 *                                            # (also npm run bench:browser -- keras)
 *   npx tsx scripts/browser.ts train         # training speed in Chromium, side by side in one run: steps/s of each bundled
 *                                            # layers model at 1 thread and at every core, per batch size, previous vs current
 *                                            # gradient kernels (scripts/train-bench/, a tiny page of its own, built and served
 *                                            # on TRAIN_BENCH_PORT, default 4303); then the studio's "Deep Compression +
 *                                            # fine-tuning" preset on LeNet-5, clicked in the real UI, until its point shows.
 *                                            # PRESET=0 skips the preset, SPEED=0 the steps; BATCHES=32,64 and STEPS=5 narrow the grid;
 *                                            # THREADS=1: the studio's worker is served seeing 1 core, so it starts 1 thread;
 *                                            # THREAD_COUNTS=2,1 sets the thread counts (and order) of the steps table.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

/** The training benchmark page (scripts/train-bench), built into a temp folder and served; its URL and server. */
async function startTrainBench(): Promise<{ url: string; child: ChildProcess }> {
  const port = process.env.TRAIN_BENCH_PORT ?? '4303';
  const out = process.env.TRAIN_BENCH_DIST ?? '/tmp/dist-train-bench';
  const config = join(ROOT, 'scripts', 'train-bench', 'vite.config.ts');
  const build = spawnSync('npx', ['vite', 'build', '--config', config, '--outDir', out, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building scripts/train-bench failed');
  const child = spawn('npx', ['vite', 'preview', '--config', config, '--outDir', out, '--port', port, '--strictPort'], { cwd: ROOT, stdio: 'ignore', detached: true });
  const url = `http://localhost:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) return { url, child }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the training benchmark page did not come up on ${url}`);
}

/**
 * Training steps/s in Chromium's worker at 1 thread and at every core (one page load each: the
 * thread count is fixed when tfjs-wasm starts), for each model and batch size, previous vs current
 * gradient kernels; one markdown table.
 */
async function trainingSpeed(browser: import('@playwright/test').Browser) {
  const { url, child } = await startTrainBench();
  try {
    const probe = await browser.newPage();
    await probe.goto(`${url}/?steps=0&models=`);
    const cores = await probe.evaluate(() => navigator.hardwareConcurrency);
    await probe.close();
    const batches = process.env.BATCHES ?? '32,64,128,256';
    const steps = process.env.STEPS ?? '5';
    type Result = import('./train-bench/protocol').TrainBenchResult;
    const results: Result[] = [];
    // THREAD_COUNTS=2,1 changes the order (or adds counts); each count is one page load.
    const counts = process.env.THREAD_COUNTS ? process.env.THREAD_COUNTS.split(',').map(Number) : [...new Set([1, cores])];
    for (const threads of counts) {
      const page = await browser.newPage();
      page.on('console', (m) => { if (m.type() === 'log') console.error(`  [${threads} thread${threads > 1 ? 's' : ''}] ${m.text()}`); });
      await page.goto(`${url}/?threads=${threads}&batches=${batches}&steps=${steps}`);
      results.push(await page.evaluate(() => (window as unknown as { trainBench: Promise<Result> }).trainBench));
      await page.close();
    }
    const cell = (r: Result, model: string, batch: number, kernels: string) => r.rows.find((x) => x.model === model && x.batch === batch && x.kernels === kernels)?.msPerStep ?? NaN;
    const head = results.flatMap((r) => [`${r.threads} thr, previous kernels`, `${r.threads} thr, current`]);
    console.log(`\n### Training steps in Chromium's worker (tfjs-wasm ${results[0].simd ? 'SIMD' : 'no SIMD'}, cross-origin isolated: ${results[0].crossOriginIsolated}; ${cores} cores; median of ${steps} steps; samples/s in brackets)\n`);
    console.log(`XNNPACK ops alone (LeNet-5 conv2 forward at batch 256; MatMul 512×800·800×500), median ms: ${results.map((r) => `${r.threads} thr ${r.opsMs.conv.toFixed(1)} / ${r.opsMs.matMul.toFixed(1)}`).join(', ')}\n`);
    const base = Math.max(0, results.findIndex((r) => r.threads === 1));
    console.log(`| model | batch | ${head.join(' | ')} | best vs ${results[base].threads} thr previous |`);
    console.log(`|---|---|${head.map(() => '---').join('|')}|---|`);
    for (const model of [...new Set(results[0].rows.map((r) => r.model))]) {
      for (const batch of [...new Set(results[0].rows.map((r) => r.batch))]) {
        const ms = results.flatMap((r) => [cell(r, model, batch, 'previous'), cell(r, model, batch, 'current')]);
        const fmt = (m: number) => `${m.toFixed(1)} ms (${Math.round((1000 * batch) / m)})`;
        console.log(`| ${model} | ${batch} | ${ms.map(fmt).join(' | ')} | ${(ms[2 * base] / Math.min(...ms)).toFixed(2)}× |`);
      }
    }
  } finally {
    if (child.pid) process.kill(-child.pid);
  }
}

/**
 * The studio's "Deep Compression + fine-tuning" preset on LeNet-5 on WASM, as a person does it:
 * the demo measured, the preset button clicked; timed inside the page from the click to the new
 * point in the charts (data-points grows), with Playwright then reading the new history row.
 */
async function presetTime(page: import('@playwright/test').Page) {
  // THREADS=n: the studio's worker is served with a first line that makes it see n cores, so it
  // starts tfjs-wasm with n threads (CDP's hardware-concurrency override does not reach workers).
  if (process.env.THREADS) {
    await page.route(/studio\.worker[^/]*\.js$/, async (route) => {
      const response = await route.fetch();
      const body = `Object.defineProperty(navigator, 'hardwareConcurrency', { value: ${Number(process.env.THREADS)}, configurable: true });\n${await response.text()}`;
      await route.fulfill({ response, body });
    });
  }
  await page.goto(`${URL_BASE}/#model=lenet-5&backend=wasm`);
  await page.reload();
  await page.getByTestId('metric-accuracy').and(page.locator('[data-value]')).waitFor({ timeout: 120_000 });
  await page.getByTestId('progress').waitFor({ state: 'detached' });
  const charts = page.getByTestId('charts');
  const before = Number(await charts.getAttribute('data-points'));
  await page.evaluate((n) => {
    const w = window as unknown as { presetMs?: Promise<number> };
    w.presetMs = new Promise((resolve) => {
      let t0 = NaN;
      document.addEventListener('click', () => { t0 = performance.now(); }, { capture: true, once: true });
      const observer = new MutationObserver(() => {
        if (Number.isNaN(t0) || Number(document.querySelector('[data-testid="charts"]')?.getAttribute('data-points')) <= n) return;
        observer.disconnect();
        resolve(performance.now() - t0);
      });
      observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-points'] });
    });
  }, before);
  await page.getByRole('button', { name: 'Deep Compression + fine-tuning' }).click();
  const ms = await page.evaluate(() => (window as unknown as { presetMs: Promise<number> }).presetMs);
  const row = page.getByTestId('history').locator('tbody tr').first().locator('td');
  const backend = await page.getByTestId('backend-active').textContent();
  console.log(`\nLeNet-5, "Deep Compression + fine-tuning" preset clicked in the studio (${backend?.replace(/^Running on /, '')}): ${(ms / 1000).toFixed(1)} s (${(ms / 60000).toFixed(2)} min) from the click to the new point: ${await row.nth(2).textContent()}, top-1 ${await row.nth(5).textContent()}`);
}

async function main() {
  // The last word wins, so `npm run bench:browser -- keras` (…browser.ts latency keras) runs the keras measurement.
  const what = process.argv.slice(2).at(-1);
  if (what !== 'latency' && what !== 'screenshot' && what !== 'slider' && what !== 'keras' && what !== 'train') throw new Error('usage: tsx scripts/browser.ts latency|screenshot|slider|keras|train (run npm run build first)');
  const server = what === 'train' && process.env.PRESET === '0' ? undefined : await startServer();
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
    if (what === 'train') {
      if (process.env.SPEED !== '0') await trainingSpeed(browser);
      if (process.env.PRESET !== '0') await presetTime(page);
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
