/**
 * Drives the built studio in Debian's Chromium (CHROMIUM_PATH overrides) for measurements and the
 * README screenshot. Serves dist/ with `vite preview` on port 4173 unless one is already running.
 *
 *   npx tsx scripts/browser.ts latency       # each bundled model on WASM: accuracy and batch-1 latency
 *   npx tsx scripts/browser.ts screenshot    # writes docs/screenshot.png (1280×720 viewport)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { ROOT } from '../src/cli/io';

const URL_BASE = 'http://localhost:4173';
const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function serverUp(): Promise<boolean> {
  try { return (await fetch(URL_BASE)).ok; } catch { return false; }
}

async function startServer(): Promise<ChildProcess | undefined> {
  if (await serverUp()) return undefined;
  const child = spawn('npx', ['vite', 'preview', '--port', '4173', '--strictPort'], { cwd: ROOT, stdio: 'ignore', detached: true });
  for (let i = 0; i < 100 && !(await serverUp()); i++) await new Promise((r) => setTimeout(r, 200));
  return child;
}

async function main() {
  const what = process.argv[2];
  if (what !== 'latency' && what !== 'screenshot') throw new Error('usage: tsx scripts/browser.ts latency|screenshot (run npm run build first)');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
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
