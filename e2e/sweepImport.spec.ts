import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDemo, PUBLIC } from './pages/studio';

const BIN = join(PUBLIC, '..', 'bin', 'compression-studio.js');

/** Runs the real CLI; returns its summary line. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`compression-studio ${args[0]}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

/** The demo model swept by the CLI in two shards and merged: the files a user brings back from a batch job. */
function cliResults() {
  const dir = mkdtempSync(join(tmpdir(), 'cs-sweep-e2e-'));
  const sweep = [join(PUBLIC, 'models', 'lenet-300-100', 'model.json'), '--grid', 'prune=0.5,0.9', 'bits=8,4', '--dataset', 'mnist-val', '--limit', '500'];
  for (const i of [0, 1]) cli('sweep', ...sweep, '--shard', `${i}/2`, '--out', join(dir, `shard-${i}.jsonl`));
  cli('merge', join(dir, 'shard-0.jsonl'), join(dir, 'shard-1.jsonl'), '--out', join(dir, 'merged'));
  const file = (name: string, text = readFileSync(join(dir, 'merged', name), 'utf8')) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  return { dir, file, lines: readFileSync(join(dir, 'merged', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) };
}

/** The sweep card's import: the "Import results…" button, its file dialog and the note it leaves. */
class SweepImport {
  constructor(readonly page: Page) {}
  button = () => this.page.getByRole('group', { name: 'Sweep', exact: true }).getByRole('button', { name: 'Import results…', exact: true });
  note = () => this.page.getByTestId('sweep-import-note');
  async pick(file: { name: string; mimeType: string; buffer: Buffer }) {
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), this.button().click()]);
    await chooser.setFiles(file);
  }
}

/** The markers drawn on the accuracy-vs-size chart (baseline, earlier points and current; the front is a line). */
const sizeMarkers = (page: Page) => page.getByRole('figure', { name: 'Accuracy against size' }).locator('.recharts-symbols');

test('a CLI sweep merged from two shards imports onto the chart; a bad file and another model are said plainly', async ({ page }) => {
  const results = cliResults();
  const { charts, errors } = await openDemo(page);
  const imports = new SweepImport(page);
  const before = await charts.pointCount();
  const markers = await sizeMarkers(page).count();
  const lastId = Number(await charts.rows().first().getByRole('button').textContent());

  await imports.pick(results.file('results.jsonl'));
  // Measured with --limit 500: the note says so, against the 2 000 samples the studio measures on.
  await expect(imports.note()).toHaveText('Imported 4 points from results.jsonl: all 4 on the chart; measured on the first 500 of 2000 samples (sweep --limit), the studio\'s own points on all 2000.');
  await expect(charts.root()).toHaveAttribute('data-points', String(before + 4));
  await expect(sizeMarkers(page)).toHaveCount(markers + 4);
  // The rows are the CLI's points, in cell order, with new ids; the smallest file is on the Pareto front.
  for (const [i, line] of results.lines.entries()) {
    const row = page.getByTestId(`point-${lastId + 1 + i}`);
    await expect(row.getByRole('cell').nth(2)).toHaveText(line.label);
    await expect(row).toHaveAttribute('data-kind', 'sweep');
  }
  const smallest = results.lines.reduce((a, l, i) => (l.compactBytes < results.lines[a].compactBytes ? i : a), 0);
  expect((await charts.root().getAttribute('data-front'))?.split(',')).toContain(String(lastId + 1 + smallest));

  // merge's pareto.json (the report form) imports too.
  await imports.pick(results.file('pareto.json'));
  await expect(imports.note()).toHaveText(/^Imported \d points? from pareto\.json: all \d on the chart; measured on the first 500 of 2000 samples/);

  // Another model's results: kept (the table lists them), not drawn, and the note says what to open.
  const count = await charts.pointCount();
  const drawn = await sizeMarkers(page).count();
  const other = results.lines.map((l) => JSON.stringify({ ...l, modelName: 'LeNet-5 (MNIST)' })).join('\n');
  await imports.pick(results.file('results.jsonl', other));
  await expect(imports.note()).toContainText('Imported 4 points from results.jsonl: 0 of 4 on the chart; the others are of LeNet-5 (MNIST) on mnist-val');
  await expect(charts.root()).toHaveAttribute('data-points', String(count + 4));
  await expect(sizeMarkers(page)).toHaveCount(drawn);

  // A damaged line: refused, naming the file, the line and the field; nothing added.
  const bad = results.lines.map((l, i) => JSON.stringify(i === 2 ? { ...l, accuracy: 'high' } : l)).join('\n');
  await imports.pick(results.file('broken.jsonl', bad));
  await expect(errors.banner()).toContainText('Could not import broken.jsonl');
  await expect(errors.message()).toHaveText('broken.jsonl, line 3: "accuracy" must be a number in [0, 1], got "high"');
  await expect(charts.root()).toHaveAttribute('data-points', String(count + 4));
});

test('the CLI measures a cell exactly as the studio does: an imported sweep equals the studio\'s own sweep of the same grid', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-sweep-e2e-'));
  cli('sweep', join(PUBLIC, 'models', 'lenet-300-100', 'model.json'), '--grid', 'prune=0.5,0.9', 'bits=32,4', '--dataset', 'mnist-val', '--out', join(dir, 'r.jsonl'));
  const { sweep, exports } = await openDemo(page);
  await new SweepImport(page).pick({ name: 'r.jsonl', mimeType: 'application/json', buffer: readFileSync(join(dir, 'r.jsonl')) });
  await expect(new SweepImport(page).note()).toHaveText('Imported 4 points from r.jsonl: all 4 on the chart.');
  // The studio's sweep of prune {50 %, 90 %} × {float32, 4-bit}.
  await sweep.choice('Prune 80 %').uncheck();
  await sweep.choice('8-bit').uncheck();
  await sweep.run().click();
  await expect(sweep.done()).toHaveText('4/4 points', { timeout: 90_000 });
  type Point = Record<string, unknown> & { id: number; label: string; latencyMs: number };
  const report = JSON.parse(readFileSync(await exports.download(exports.report('JSON')), 'utf8')) as { points: Point[] };
  const sweeps = report.points.filter((p) => p.kind === 'sweep');
  const [imported, studio] = [sweeps.slice(0, 4), sweeps.slice(4)];
  expect(studio.map((p) => p.label)).toEqual(['prune 50 %', 'prune 50 % · 4-bit', 'prune 90 %', 'prune 90 % · 4-bit']);
  // Every field but the id and the measured latency is the same: bytes, accuracy, KL, plan, backend.
  const same = ({ id: _i, latencyMs: _l, ...rest }: Point) => rest;
  expect(imported.map(same)).toEqual(studio.map(same));
});
