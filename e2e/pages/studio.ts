import { expect, type Locator, type Page } from '@playwright/test';
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

/** A file picker opened by clicking `button`, as a person would, given `files` (or a folder's path). */
async function pick(page: Page, button: Locator, files: string | { name: string; mimeType: string; buffer: Buffer }[]) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button.click()]);
  await chooser.setFiles(files);
}

/** Header: model picker, file pickers, data set, backend, theme. */
export class HeaderPanel {
  constructor(readonly page: Page) {}
  modelSelect = () => this.page.getByRole('combobox', { name: 'Model', exact: true });
  datasetSelect = () => this.page.getByRole('combobox', { name: 'Data set', exact: true });
  backendSelect = () => this.page.getByRole('combobox', { name: 'Backend', exact: true });
  themeSelect = () => this.page.getByRole('combobox', { name: 'Theme', exact: true });
  /** The badge of what really runs (text, not a control: its data-backend holds the backend's id). */
  activeBackend = () => this.page.getByTestId('backend-active');
  async selectModel(id: string) { await this.modelSelect().selectOption(id); }
  async selectBackend(choice: string) { await this.backendSelect().selectOption(choice); }
  /** Opens model files with "Open model files…" and the file dialog. */
  async openFiles(files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await pick(this.page, this.page.getByRole('button', { name: 'Open model files…', exact: true }), files);
  }
  /** Opens a model's folder with "Open folder…" and the folder dialog. */
  async openFolder(path: string) {
    await pick(this.page, this.page.getByRole('button', { name: 'Open folder…', exact: true }), path);
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

/** Numbers panel: the current model's measured figures (result cells: data-value holds the raw number). */
export class NumbersPanel {
  constructor(readonly page: Page) {}
  modelName = () => this.page.getByTestId('model-name');
  /** Where a converted model came from ("Keras 3.14 file, converted in this page (…)"); absent for TF.js files. */
  origin = () => this.page.getByTestId('model-origin');
  metric = (name: string) => this.page.getByTestId(`metric-${name}`);
  /** The compressed model's figure (the "compressed" column). */
  compressed = (name: string) => this.page.getByTestId(`compressed-${name}`);
  async value(name: string): Promise<number> {
    const raw = await this.metric(name).getAttribute('data-value');
    return Number(raw);
  }
  async compressedValue(name: string): Promise<number> {
    return Number(await this.compressed(name).getAttribute('data-value'));
  }
  /** Waits for an evaluation of the named model on the named backend and returns its accuracy. */
  async waitForEvaluation(modelName: string | RegExp, backend?: string): Promise<number> {
    await expect(this.modelName()).toHaveText(modelName);
    await expect(this.metric('accuracy')).toHaveAttribute('data-value', /\d/);
    if (backend) await expect(this.metric('latency')).toContainText(`on ${backend}`);
    await waitUntilIdle(this.page);
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

/** The progress row of a running job (a status line with its bar; absent when nothing runs). */
export const progressRow = (page: Page) => page.getByTestId('progress');
/** Waits until no job runs. */
export const waitUntilIdle = (page: Page) => expect(progressRow(page)).toHaveCount(0);

/** Waits until the newest point is the compression described by `plan` and nothing runs. */
export async function waitForCompressed(page: Page, plan: string | RegExp) {
  await expect(new ChartsPanel(page).newestPlan()).toHaveText(plan);
  await waitUntilIdle(page);
}

export class ErrorPanel {
  constructor(readonly page: Page) {}
  banner = () => this.page.getByTestId('error');
  message = () => this.page.getByTestId('error-message');
  dismiss = () => this.page.getByRole('button', { name: 'Dismiss error' });
}

/** Data & preprocessing panel (in the header): the user's images or data file, and the preprocessing form. */
export class DataPanel {
  constructor(readonly page: Page) {}
  root = () => this.page.getByTestId('data-panel');
  notes = () => this.page.getByTestId('data-notes');
  field = (name: 'scale' | 'mean' | 'std') => this.page.getByRole('textbox', { name, exact: true });
  async open() {
    if ((await this.root().getAttribute('open')) === null) await this.page.getByText('Data & preprocessing', { exact: true }).click();
  }
  /** Picks a folder with "Open image folder…", as a person would in the file dialog. */
  async openFolder(path: string) {
    await this.open();
    await pick(this.page, this.page.getByRole('button', { name: 'Open image folder…', exact: true }), path);
  }
  async openFiles(files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await this.open();
    await pick(this.page, this.page.getByRole('button', { name: 'Open data files…', exact: true }), files);
  }
  async setPreprocessing(p: { scale?: string; mean?: string; std?: string }) {
    await this.open();
    for (const name of ['scale', 'mean', 'std'] as const) if (p[name] !== undefined) await this.field(name).fill(p[name]);
    await this.page.getByRole('button', { name: 'Apply preprocessing' }).click();
  }
}

/** The charts and the table of every evaluated point. */
export class ChartsPanel {
  constructor(readonly page: Page) {}
  /** The charts' figure (a drawing: its data-points and data-front attributes hold what is plotted). */
  root = () => this.page.getByTestId('charts');
  history = () => this.page.getByRole('table', { name: 'Every evaluated point' });
  rows = () => this.history().locator('tbody tr');
  /** The compression column of the newest point. */
  newestPlan = () => this.rows().first().getByRole('cell').nth(2);
  async pointCount() { return Number(await this.root().getAttribute('data-points')); }
  /** Clicks a point's number in the table, which restores its settings. */
  async restore(id: number) { await this.history().getByRole('button', { name: `Restore point ${id}`, exact: true }).click(); }
}

/** The technique cards: each a group named by its title, with an on/off checkbox of the same name. */
export class ControlsPanel {
  constructor(readonly page: Page) {}
  card = (title: string) => this.page.getByRole('group', { name: title, exact: true });
  toggle = (title: string) => this.page.getByRole('checkbox', { name: title, exact: true });
  slider = (name: string) => this.page.getByRole('slider', { name, exact: true });
  select = (name: string) => this.page.getByRole('combobox', { name, exact: true });
  preset = (name: string) => this.page.getByRole('button', { name, exact: true });
  async enable(title: string) { await this.toggle(title).check(); }
  /** Moves a slider as a person would with the keyboard: focus it and press arrows until it shows the value. */
  async slide(name: string, value: number) {
    const slider = this.slider(name);
    await slider.focus();
    const current = Number(await slider.inputValue());
    const key = value > current ? 'ArrowRight' : 'ArrowLeft';
    const step = Number((await slider.getAttribute('step')) ?? 1);
    for (let i = 0; i < Math.round(Math.abs(value - current) / step); i++) await slider.press(key);
    await expect(slider).toHaveValue(String(value));
  }
}

/** The sweep card: prune ratios × bit widths to run. */
export class SweepPanel {
  constructor(readonly page: Page) {}
  root = () => this.page.getByRole('group', { name: 'Sweep', exact: true });
  choice = (label: string) => this.root().getByRole('checkbox', { name: label, exact: true });
  run = () => this.root().getByRole('button', { name: /^Run \d+ points?$/ });
  cancel = () => this.root().getByRole('button', { name: 'Cancel sweep' });
  progress = () => this.root().getByRole('progressbar', { name: 'Sweep progress' });
  /** The finished sweep's summary line ("4/4 points"). */
  done = () => this.page.getByTestId('sweep-done');
}

/** The layer table with its per-layer overrides. */
export class LayersPanel {
  constructor(readonly page: Page) {}
  table = () => this.page.getByRole('table', { name: /^Layers of / });
  /** A layer's row (a result row: found by its test id). */
  row = (layer: string) => this.page.getByTestId(`layer-${layer}`);
  sparsity = (layer: string) => this.row(layer).getByTestId('layer-sparsity');
  exclude = (layer: string) => this.page.getByRole('checkbox', { name: `Exclude ${layer}`, exact: true });
  pruneOverride = (layer: string) => this.page.getByRole('combobox', { name: `Prune ratio for ${layer}`, exact: true });
}

/** Sensitivity analysis and "auto" per-layer settings. */
export class SensitivityPanel {
  constructor(readonly page: Page) {}
  analyse = () => this.page.getByRole('button', { name: 'Analyse', exact: true });
  table = () => this.page.getByRole('table', { name: /drop \(points\) with only that layer/ });
  goal = () => this.page.getByRole('combobox', { name: 'Auto for', exact: true });
  allowedDrop = () => this.page.getByRole('spinbutton', { name: /^allowed .* drop in points$/ });
  targetSize = () => this.page.getByRole('spinbutton', { name: 'target compact size in KB' });
  applyAuto = () => this.page.getByRole('button', { name: 'Apply auto', exact: true });
  explanation = () => this.page.getByTestId('auto-explanation').getByRole('listitem');
}

/** The export bar's downloads. */
export class ExportBar {
  constructor(readonly page: Page) {}
  tfjs = () => this.page.getByRole('button', { name: /^TF\.js \.zip/ });
  compact = () => this.page.getByRole('button', { name: /^Compact \.cstu/ });
  /** The compressed model as a Keras file again (shown only for a model opened from a Keras file). */
  keras = () => this.page.getByRole('button', { name: /^Keras (\.keras|\.h5|file)$/ });
  report = (format: 'JSON' | 'CSV') => this.page.getByRole('button', { name: format, exact: true });
  png = () => this.page.getByRole('button', { name: 'Chart PNG', exact: true });
  /** Clicks a download button and returns the downloaded file's path. */
  async download(button: Locator): Promise<string> {
    const [file] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    return file.path();
  }
  /** Clicks a download button and returns the downloaded file's path and the name the page gave it. */
  async downloadNamed(button: Locator): Promise<{ path: string; name: string }> {
    const [file] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    return { path: await file.path(), name: file.suggestedFilename() };
  }
}

/** Every panel's page object on `page`. */
export function studioPage(page: Page) {
  return { header: new HeaderPanel(page), numbers: new NumbersPanel(page), errors: new ErrorPanel(page), charts: new ChartsPanel(page), data: new DataPanel(page),
    controls: new ControlsPanel(page), sweep: new SweepPanel(page), layers: new LayersPanel(page), sensitivity: new SensitivityPanel(page), exports: new ExportBar(page) };
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

/** The project's real Keras test files (src/model/keras/fixtures, see PROVENANCE.md there). */
export const KERAS_FIXTURES = join(import.meta.dirname, '..', '..', 'src', 'model', 'keras', 'fixtures');

/** A Keras fixture as the file dialog gives it (`bytes` to give a damaged copy under `name`). */
export function kerasFile(fixture: string, name = fixture, bytes?: Buffer) {
  return { name, mimeType: 'application/octet-stream', buffer: bytes ?? readFileSync(join(KERAS_FIXTURES, fixture)) };
}
