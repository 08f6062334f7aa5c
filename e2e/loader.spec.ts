import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readDataset, ROOT } from '../src/node/io';
import { imagesToTensor } from '../src/model/datasetTensor';
import { loadCompressedModel } from '../src/model/export';
import { studioPage, waitForCompressed } from './pages/studio';

/**
 * The package entry `compression-studio/loader` in a plain page: the studio's *Compact .cstu*
 * download, loaded by the example page (examples/loader) that imports only the built loader
 * (dist-loader, from `npm run build:loader`) and stock TF.js (its ES module build), all served from
 * disk on a made-up origin, so nothing of the studio's own bundle is there. Its predictions must
 * equal those Node computes from the same file with the studio's own decoder.
 */
const ORIGIN = 'http://loader.example';
/** The only files the plain page may request (paths on ORIGIN → files under the repository root). */
const SERVED = ['/examples/loader/index.html', '/examples/loader/main.js', '/dist-loader/loader.js', '/node_modules/@tensorflow/tfjs/dist/tf.fesm.min.js'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
const SAMPLES = 32;

/** Runs `model` on `x` with TF.js's CPU backend in Node and returns the outputs. */
async function nodePredict(model: tf.LayersModel, x: tf.Tensor): Promise<number[]> {
  const y = model.predict(x) as tf.Tensor;
  const out = Array.from(await y.data());
  y.dispose();
  return out;
}

const argmaxes = (scores: number[], classes: number) =>
  Array.from({ length: scores.length / classes }, (_, i) => {
    const row = scores.slice(i * classes, (i + 1) * classes);
    return row.indexOf(Math.max(...row));
  });

test('a plain page with only the built loader and stock TF.js predicts as the studio\'s compressed model', async ({ page, context }) => {
  expect(existsSync(join(ROOT, 'dist-loader', 'loader.js')), 'dist-loader/loader.js (run npm run build:loader)').toBe(true);

  // The studio compresses LeNet-5 (pruning + shared values: sparse index and Huffman-coded records) and we download its compact file.
  await page.goto('/#model=lenet-5&backend=wasm&prune=0.9&scope=layer&k=32');
  const { numbers, exports } = studioPage(page);
  await numbers.waitForEvaluation('LeNet-5 (MNIST)', 'wasm');
  await waitForCompressed(page, 'prune 90 % per layer · 32 clusters');
  const cstu = readFileSync(await exports.download(exports.compact()));
  expect(cstu.length).toBe(await numbers.compressedValue('compact'));

  // Node's reference: the same file through src/model/export, on TF.js's CPU backend (as the page uses).
  const backend = tf.getBackend() as string | undefined; // undefined before any backend started
  await tf.setBackend('cpu');
  const reference = await loadCompressedModel(new Uint8Array(cstu));
  const images = imagesToTensor(readDataset('mnist', 'val'), 0, SAMPLES);
  const [, ...dims] = reference.inputs[0].shape;
  const zeros = tf.zeros([1, ...dims.map((d) => d ?? 1)]);
  const expected = await nodePredict(reference, images);
  const zerosClass = argmaxes(await nodePredict(reference, zeros), 10)[0];
  const input = { data: Array.from(await images.data()), shape: images.shape };
  tf.dispose([images, zeros]);
  reference.dispose();
  if (backend) await tf.setBackend(backend); // leave other spec files the backend they had

  const plain = await context.newPage();
  const requested: string[] = [];
  plain.on('request', (r) => requested.push(r.url()));
  await plain.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/model.cstu') return route.fulfill({ body: cstu, contentType: 'application/octet-stream' });
    if (!SERVED.includes(url.pathname)) return route.fulfill({ status: 404, body: 'not served' });
    const file = join(ROOT, normalize(url.pathname));
    return route.fulfill({ body: readFileSync(file), contentType: TYPES[extname(file)] });
  });
  await plain.goto(`${ORIGIN}/examples/loader/index.html?model=/model.cstu`);
  // The example prints the model's prediction for an all-zeros input: the class Node finds.
  await expect(plain.getByTestId('output')).toContainText(`prediction for an all-zeros input: class ${zerosClass} `);

  // The same page runs the MNIST samples through the loader, on the CPU backend.
  await plain.evaluate((x) => { (window as unknown as { input: typeof x }).input = x; }, input);
  const scores = (await plain.evaluate(`(async () => {
    const tf = await import('@tensorflow/tfjs');
    const { loadCompressedModel } = await import('compression-studio/loader');
    await tf.setBackend('cpu');
    const model = await loadCompressedModel('/model.cstu');
    const y = model.predict(tf.tensor(window.input.data, window.input.shape));
    return Array.from(await y.data());
  })()`)) as number[];
  expect(scores).toHaveLength(SAMPLES * 10);
  expect(argmaxes(scores, 10)).toEqual(argmaxes(expected, 10));
  const worst = Math.max(...scores.map((s, i) => Math.abs(s - expected[i])));
  console.log(`loader page vs Node on ${SAMPLES} MNIST images: largest |Δ score| = ${worst}`);
  expect(worst).toBeLessThanOrEqual(1e-6);

  // Only the built loader, stock TF.js, the example's own two files and the model were fetched.
  const paths = [...new Set(requested.map((u) => new URL(u).pathname))].sort();
  expect(paths).toEqual([...SERVED, '/model.cstu'].sort());
});
