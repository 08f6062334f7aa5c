import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PUBLIC = join(import.meta.dirname, '..', '..', 'public');

export interface CatalogModel { id: string; name: string; model: string; dataset: string; accuracy: number }
export const modelCatalog = (): CatalogModel[] => JSON.parse(readFileSync(join(PUBLIC, 'models', 'catalog.json'), 'utf8'));

/** A bundled model's catalog entry; throws when the catalog lacks it. */
export function catalogModel(id: string): CatalogModel {
  const entry = modelCatalog().find((m) => m.id === id);
  if (!entry) throw new Error(`${id} missing from the catalog`);
  return entry;
}

/**
 * Fails the test on any request that leaves the page's origin: nothing may be sent over the
 * network (blob: and data: URLs stay in the page).
 */
export function forbidExternalRequests(page: Page, origin = new URL(process.env.E2E_BASE_URL ?? 'http://localhost:4173').origin) {
  const external: string[] = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) external.push(url);
  });
  return () => expect(external, 'requests that left the page origin').toEqual([]);
}

/** Header: model picker, file inputs, data set, backend. */
export class HeaderPanel {
  constructor(readonly page: Page) {}
  modelSelect = () => this.page.getByTestId('model-select');
  backendSelect = () => this.page.getByTestId('backend-select');
  activeBackend = () => this.page.getByTestId('backend-active');
  async selectModel(id: string) { await this.modelSelect().selectOption(id); }
  async selectBackend(choice: string) { await this.backendSelect().selectOption(choice); }
  async openFiles(files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await this.page.getByTestId('file-input').setInputFiles(files);
  }
  /** Drops files on the page the way a person drags them from the desktop. */
  async dropFiles(files: { name: string; bytes: Buffer }[]) {
    const encoded = files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') }));
    const dataTransfer = await this.page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
      return dt;
    }, encoded);
    await this.page.dispatchEvent('body', 'dragenter', { dataTransfer });
    await this.page.dispatchEvent('body', 'drop', { dataTransfer });
  }
}

/** Numbers panel: the current model's measured figures (data-value holds the raw number). */
export class NumbersPanel {
  constructor(readonly page: Page) {}
  modelName = () => this.page.getByTestId('model-name');
  metric = (name: string) => this.page.getByTestId(`metric-${name}`);
  async value(name: string): Promise<number> {
    const raw = await this.metric(name).getAttribute('data-value');
    return Number(raw);
  }
  /** Waits for an evaluation of the named model on the named backend and returns its accuracy. */
  async waitForEvaluation(modelName: string | RegExp, backend?: string): Promise<number> {
    await expect(this.modelName()).toHaveText(modelName);
    await expect(this.metric('accuracy')).toHaveAttribute('data-value', /\d/);
    if (backend) await expect(this.metric('latency')).toContainText(`on ${backend}`);
    await expect(this.page.getByTestId('progress')).toHaveCount(0);
    return this.value('accuracy');
  }
  async samplePredictions(): Promise<{ predicted: number; probabilities: number[] }[]> {
    const items = this.page.getByTestId('sample');
    const n = await items.count();
    const out = [];
    for (let i = 0; i < n; i++) {
      const el = items.nth(i);
      out.push({ predicted: Number(await el.getAttribute('data-predicted')), probabilities: JSON.parse((await el.getAttribute('data-probabilities')) ?? '[]') });
    }
    return out;
  }
}

export class ErrorPanel {
  constructor(readonly page: Page) {}
  banner = () => this.page.getByTestId('error');
  message = () => this.page.getByTestId('error-message');
}

/** Data & preprocessing panel (in the header): the user's images or data file, and the preprocessing form. */
export class DataPanel {
  constructor(readonly page: Page) {}
  root = () => this.page.getByTestId('data-panel');
  notes = () => this.page.getByTestId('data-notes');
  async open() {
    if ((await this.root().getAttribute('open')) === null) await this.root().locator('summary').click();
  }
  /** Picks a folder with the "Open image folder…" input, as a person would in the file dialog. */
  async openFolder(path: string) {
    await this.open();
    await this.page.getByTestId('data-folder-input').setInputFiles(path);
  }
  async openFiles(files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await this.open();
    await this.page.getByTestId('data-file-input').setInputFiles(files);
  }
  async setPreprocessing(p: { scale?: string; mean?: string; std?: string }) {
    await this.open();
    if (p.scale !== undefined) await this.page.getByTestId('pre-scale').fill(p.scale);
    if (p.mean !== undefined) await this.page.getByTestId('pre-mean').fill(p.mean);
    if (p.std !== undefined) await this.page.getByTestId('pre-std').fill(p.std);
    await this.page.getByTestId('pre-apply').click();
  }
}

export class ChartsPanel {
  constructor(readonly page: Page) {}
  root = () => this.page.getByTestId('charts');
  async pointCount() { return Number(await this.root().getAttribute('data-points')); }
}

export function studioPage(page: Page) {
  return { header: new HeaderPanel(page), numbers: new NumbersPanel(page), errors: new ErrorPanel(page), charts: new ChartsPanel(page), data: new DataPanel(page) };
}

/** Opens the studio on WASM and waits until the demo model is evaluated; returns the page objects. */
export async function openDemo(page: Page) {
  await page.goto('/#backend=wasm');
  const studio = studioPage(page);
  await studio.numbers.waitForEvaluation(modelCatalog()[0].name, 'wasm');
  return studio;
}

export function modelFile(id: string, name: string) {
  return { name, mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream', buffer: readFileSync(join(PUBLIC, 'models', id, name)) };
}
