/**
 * `npm run bench -- --part keras`: the cost of opening Keras files.
 *   - Node: time to open each real fixture in src/model/keras/fixtures/ — readKerasFile alone
 *     (unzip, HDF5, translation, TF.js build to order the weights) and loadKerasModel (that, plus
 *     the TF.js files' checks, tf.loadLayersModel and one run on zeros, as the worker does). All
 *     fixtures are timed side by side in one process, round after round (one warm-up round), on
 *     the backend already chosen (bench.ts: WASM); medians. Also the .keras unzip alone: the
 *     reader's platform inflate (unzip.ts) beside fflate's unzipSync.
 *   - Bundle: `vite build` into a temp folder; raw and gzip -9 bytes of every JS chunk: the studio
 *     worker's first-load chunk, the page's index chunk, the lazy loadKeras chunk (the reader,
 *     jsfive, the translation) and any other lazy chunk.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { unzipSync, zipSync } from 'fflate';
import { ROOT } from '../src/node/io';
import { loadKerasModel } from '../src/model/keras/loadKeras';
import { readKerasFile } from '../src/model/keras/readKeras';
import { unzipEntries } from '../src/model/keras/unzip';

const FIXTURES = ['mnist-cnn-keras3.keras', 'mnist-mlp-keras3-legacy.h5', 'mnist-cnn-keras2.h5'];
const KERAS_ENTRIES = ['config.json', 'metadata.json', 'model.weights.h5', 'model.weights.npz'];

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

async function time(f: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function openingTimes(rounds: number): Promise<void> {
  const files = FIXTURES.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(ROOT, 'src', 'model', 'keras', 'fixtures', name))) }));
  const read = new Map<string, number[]>(FIXTURES.map((n) => [n, []]));
  const load = new Map<string, number[]>(FIXTURES.map((n) => [n, []]));
  // The fixture's entries are stored; the same entries DEFLATEd (level 6) time the inflate itself.
  const zips = { stored: files[0].bytes, deflated: zipSync(unzipSync(files[0].bytes), { level: 6 }) };
  const unzipTimes = { stored: { platform: [] as number[], fflate: [] as number[] }, deflated: { platform: [] as number[], fflate: [] as number[] } };
  const params = new Map<string, number>();
  for (let round = 0; round <= rounds; round++) {
    const keep = round > 0; // round 0 warms up
    for (const { name, bytes } of files) {
      const r = await time(() => readKerasFile(name, bytes));
      let loaded: Awaited<ReturnType<typeof loadKerasModel>> | undefined;
      const l = await time(async () => { loaded = await loadKerasModel(name, bytes); });
      params.set(name, loaded!.info.params);
      loaded!.model.dispose();
      if (keep) { read.get(name)!.push(r); load.get(name)!.push(l); }
    }
    for (const kind of ['stored', 'deflated'] as const) {
      const p = await time(() => unzipEntries(zips[kind], (n) => KERAS_ENTRIES.includes(n)));
      const f = await time(() => unzipSync(zips[kind], { filter: (e) => KERAS_ENTRIES.includes(e.name) }));
      if (keep) { unzipTimes[kind].platform.push(p); unzipTimes[kind].fflate.push(f); }
    }
  }
  console.log(`\nOpening the real Keras files in Node ${process.version} (median of ${rounds} rounds after 1 warm-up, side by side):\n`);
  console.log('| file | bytes | parameters | readKerasFile | loadKerasModel (incl. TF.js build + probe) |');
  console.log('|---|---|---|---|---|');
  for (const { name, bytes } of files) {
    console.log(`| ${name} | ${bytes.length.toLocaleString('en')} | ${params.get(name)?.toLocaleString('en')} | ${ms(median(read.get(name)!))} | ${ms(median(load.get(name)!))} |`);
  }
  console.log(`\nUnzip alone, the reader's (unzip.ts: DecompressionStream) vs fflate's unzipSync: ${FIXTURES[0]} as written (entries stored) ${ms(median(unzipTimes.stored.platform))} vs ${ms(median(unzipTimes.stored.fflate))}; its entries DEFLATEd (${zips.deflated.length.toLocaleString('en')} B) ${ms(median(unzipTimes.deflated.platform))} vs ${ms(median(unzipTimes.deflated.fflate))}`);
}

function bundleSizes(): void {
  const out = mkdtempSync(join(tmpdir(), 'bench-keras-dist-'));
  try {
    const build = spawnSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
    const assets = join(out, 'assets');
    const label = (file: string) => (/^studio\.worker-/.test(file) ? 'studio worker (first load)'
      : /^index-/.test(file) ? 'page index'
        : /^loadKeras-/.test(file) ? 'loadKeras (lazy: the reader, on the first Keras file)'
          : /^deflate\.worker-/.test(file) ? 'deflate worker (gzip sizes)'
            : 'lazy chunk');
    const order = (file: string) => ['studio worker', 'page index', 'loadKeras', 'lazy chunk', 'deflate'].findIndex((p) => label(file).startsWith(p));
    const files = readdirSync(assets).filter((n) => n.endsWith('.js')).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
    console.log('\nBundle (vite build; the worker chunks are not minified, see vite.config.ts):\n');
    console.log('| chunk | file | raw | gzip -9 |');
    console.log('|---|---|---|---|');
    for (const file of files) {
      const bytes = readFileSync(join(assets, file));
      const gz = gzipSync(bytes, { level: 9 }).length;
      console.log(`| ${label(file)} | ${file} | ${bytes.length.toLocaleString('en')} B (${kb(bytes.length)}) | ${gz.toLocaleString('en')} B (${kb(gz)}) |`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The keras part of bench.ts (the TF.js backend is chosen by the caller). */
export async function benchKeras(options: { quick?: boolean } = {}): Promise<void> {
  console.log('\n== Keras files: opening time and bundle size ==');
  await openingTimes(options.quick ? 3 : 7);
  bundleSizes();
}
