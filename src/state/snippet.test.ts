import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatasetEntry } from '../model/dataset';
import { encodeCompact } from '../model/export/compact';
import { compressMix } from '../model/export/fixtures';
import { loadCompressedModel } from '../model/export/loadCompressedModel';
import { bigImageModel, memoryFetch, partsOfLayersModel } from '../model/export/memoryServer';
import { exportTfjs } from '../model/export/tfjs';
import { partsFromArtifacts, type CompressedModel } from '../model/weights';
import { datasetCatalog, readArtifacts, ROOT, useWasm } from '../node/io';
import { exampleInputShape, loadSnippets, snippetClasses } from './snippet';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];
const cifar: DatasetEntry = { id: 'user-4', name: 'shots (your data)', dataset: 'user-4', split: 'val', count: 12, shape: [32, 32, 3], classes: [], images: 'x', scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD };
const mnist: DatasetEntry = { id: 'mnist-val', name: 'MNIST (validation)', dataset: 'mnist', split: 'val', count: 2000, shape: [28, 28, 1], classes: [], images: 'x', scale: 1 / 255 };
const photoClasses = Array.from({ length: 1000 }, (_, i) => `n${String(i).padStart(8, '0')} "class" ${i}`);
const photos: DatasetEntry = { ...cifar, id: 'photos', name: 'photos', shape: [224, 224, 3], classes: photoClasses, labels: 'l' };

let fashion: DatasetEntry;
let fashionModel: CompressedModel;
let big: CompressedModel;
beforeAll(async () => {
  await useWasm();
  fashion = datasetCatalog().find((e) => e.id === 'fashion-mnist-val') as DatasetEntry;
  fashionModel = compressMix(partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'fashion-cnn', 'model.json'))), () => 'affine8');
  const layers = bigImageModel();
  big = compressMix(await partsOfLayersModel(layers), () => 'float32');
  layers.dispose();
});
afterEach(() => vi.unstubAllGlobals());

const IMPORTS = ["import * as tf from '@tensorflow/tfjs';", "import { loadCompressedModel } from 'compression-studio/loader';"];
/**
 * Runs a snippet as written, its `import` lines bound to stock TF.js and the compact loader, with
 * `fetch` serving `files` as a web server would; returns what it logged.
 */
async function run(code: string, fetchFn: typeof fetch): Promise<string[]> {
  const lines = code.split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  expect(imports.every((l) => IMPORTS.includes(l))).toBe(true);
  const logs: string[] = [];
  vi.stubGlobal('fetch', fetchFn);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  const before = tf.memory().numTensors;
  await new AsyncFunction('tf', 'loadCompressedModel', 'console', lines.filter((l) => !l.startsWith('import ')).join('\n'))(
    tf, loadCompressedModel, { log: (...a: unknown[]) => logs.push(a.join(' ')) });
  expect(tf.memory().numTensors).toBeGreaterThan(before); // it did make the model and its prediction
  tf.disposeVariables();
  return logs;
}

describe('load snippets', () => {
  it("use the model's own input shape, batch 1 — not MNIST's", () => {
    const { tfjs, compact } = loadSnippets({ inputShape: [-1, 224, 224, 3] }, photos);
    expect(tfjs).toContain('.reshape([1, 224, 224, 3])');
    expect(tfjs).toContain('preprocess(tf.zeros([224, 224, 3]))');
    expect(compact).toContain('.reshape([1, 224, 224, 3])');
    expect(tfjs).not.toContain('28, 28');
    // An MLP on MNIST takes the 28×28×1 bytes reshaped to [1, 784].
    expect(loadSnippets({ inputShape: [null as unknown as number, 784] }, mnist).tfjs).toContain('preprocess(tf.zeros([28, 28, 1]))');
    expect(loadSnippets({ inputShape: [null as unknown as number, 784] }, mnist).tfjs).toContain('.reshape([1, 784])');
    expect(loadSnippets({ inputShape: [-1, 784] }).tfjs).toContain('const input = tf.zeros([1, 784]);');
  });

  it('spell out the preprocessing as code: fashion-cnn divides by 255, ImageNet also subtracts the mean and divides by the std', () => {
    const f = loadSnippets({ inputShape: [-1, 28, 28, 1], outputShape: [-1, 10] }, fashion).tfjs;
    expect(f).toContain('input = (byte × 0.00392157 − 0) ÷ 1');
    expect(f).toContain('const preprocess = (pixels) => tf.tidy(() => pixels.toFloat().mul(1 / 255).reshape([1, 28, 28, 1]));');
    expect(f).toContain('fromPixels(img, 1).resizeBilinear([28, 28])');
    const p = loadSnippets({ inputShape: [-1, 224, 224, 3], outputShape: [-1, 1000] }, photos).tfjs;
    expect(p).toContain('pixels.toFloat().mul(1 / 255).sub([0.485, 0.456, 0.406]).div([0.229, 0.224, 0.225]).reshape([1, 224, 224, 3])');
    expect(p).toContain('fromPixels(img, 3).resizeBilinear([224, 224])');
    expect(loadSnippets({ inputShape: [-1, 28, 28, 1] }, { ...mnist, scale: 0.003 }).tfjs).toContain('.mul(0.003)');
  });

  it('name the classes when the data has one per output, else print the index', () => {
    const f = loadSnippets({ inputShape: [-1, 28, 28, 1], outputShape: [-1, 10] }, fashion).tfjs;
    expect(f).toContain('const classes = ["T-shirt/top","Trouser","Pullover","Dress","Coat","Sandal","Shirt","Sneaker","Bag","Ankle boot"];');
    expect(f).toContain('console.log(`top class: ${classes[top]}');
    expect(snippetClasses(fashion, [-1, 5])).toBeUndefined();
    expect(snippetClasses(fashion)).toHaveLength(10);
    const none = loadSnippets({ inputShape: [-1, 28, 28, 1] }, mnist).tfjs;
    expect(none).not.toContain('const classes');
    expect(none).toContain('console.log(`top class: ${top}');
  });

  it('load a graph model with loadGraphModel, a layers model with loadLayersModel; the compact one with the loader package', () => {
    expect(loadSnippets({ inputShape: [-1, 28, 28, 1], format: 'graph-model' }, mnist).tfjs).toContain("tf.loadGraphModel('model/model.json')");
    expect(loadSnippets({ inputShape: [-1, 28, 28, 1] }, mnist).tfjs).toContain("tf.loadLayersModel('model/model.json')");
    expect(loadSnippets({ inputShape: [-1, 28, 28, 1] }, mnist).compact).toContain("import { loadCompressedModel } from 'compression-studio/loader';");
  });

  it('fill unknown dimensions from the data set, or say they are free', () => {
    expect(exampleInputShape([-1, -1, -1, 3], [64, 48, 3])).toEqual({ shape: [1, 64, 48, 3], unknown: [] });
    expect(exampleInputShape([-1, -1, 10], [28, 28, 1])).toEqual({ shape: [1, 1, 10], unknown: [1] });
    expect(loadSnippets({ inputShape: [-1, -1, 10] }, mnist).tfjs).toContain('any size in dimension 1');
  });

  it('run as written for fashion-cnn: both snippets load the exports and print a Fashion-MNIST class', async () => {
    const { tfjs, compact } = loadSnippets({ inputShape: [-1, 28, 28, 1], outputShape: [-1, 10] }, fashion);
    const files = exportTfjs(fashionModel).files;
    const served = memoryFetch(files, 'model');
    const logs = await run(tfjs, served.fetch);
    expect(served.requested.sort()).toEqual(files.map((f) => `model/${f.name}`).sort());
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^top class: (.+) \(\d\.\d{3}\)$/);
    expect(fashion.classes).toContain(/^top class: (.+) \(/.exec(logs[0])?.[1]);
    const viaCompact = await run(compact, memoryFetch([{ name: 'model.cstu', bytes: encodeCompact(fashionModel) }]).fetch);
    expect(viaCompact).toEqual(logs); // the same model, the same answer
  });

  it('run as written for a 224×224×3 model with ImageNet mean/std and 1000 classes (weights over 4 MiB: two shards)', async () => {
    const { tfjs } = loadSnippets({ inputShape: [-1, 224, 224, 3], outputShape: [-1, 1000] }, photos);
    const files = exportTfjs(big).files;
    expect(files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']);
    const served = memoryFetch(files, 'model');
    const logs = await run(tfjs, served.fetch);
    expect(served.requested.sort()).toEqual(files.map((f) => `model/${f.name}`).sort());
    const name = /^top class: (.+) \(\d\.\d{3}\)$/.exec(logs[0])?.[1];
    expect(photoClasses).toContain(name);
  });
});
