/**
 * The worker's API, called directly in Node (createStudio has no worker globals): loading keeps
 * the previous model on failure, cancellation and superseded compressions report 'cancelled',
 * and exports come only from the compression that was measured.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalog, ROOT, useWasm } from '../node/io';
import { servePublic, type PublicServer } from '../node/publicServer';
import type { DatasetEntry } from '../model/dataset';
import type { ModelFile } from '../model/modelFiles';
import { badModels } from '../node/badModels';
import { createStudio } from './studio';
import type { EvalOutcome, ProgressEvent } from './protocol';

const file = (id: string, name: string): ModelFile => {
  const b = readFileSync(join(ROOT, 'public', 'models', id, name));
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

/** Files the test server serves from memory (path → bytes), besides public/. */
const memory = new Map<string, Buffer>();

describe('createStudio', () => {
  let server: PublicServer;
  let base: string;
  let val: DatasetEntry;
  beforeAll(async () => {
    await useWasm();
    server = await servePublic(memory);
    base = server.base;
    val = datasetCatalog().find((e) => e.id === 'mnist-val') as DatasetEntry;
  });
  afterAll(() => server.close());

  it('evaluates, keeps the previous model when a load fails, and cancels on request', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    const info = await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('lenet-300-100', 'model.json'), file('lenet-300-100', 'weights.bin')] });
    expect(info.compact.raw).toBeGreaterThan(1_000_000);
    // A float32 model: the files opened are model.json + weights.bin as read, and the float32 export is the same weights.
    const onDisk = ['model.json', 'weights.bin'].reduce((a, n) => a + readFileSync(join(ROOT, 'public', 'models', 'lenet-300-100', n)).length, 0);
    expect(info.opened).toEqual({ kind: 'tfjs', bytes: onDisk, files: [{ name: 'model.json', bytes: expect.any(Number) }, { name: 'weights.bin', bytes: expect.any(Number) }] });
    expect(Math.abs(info.float32.raw / info.opened.bytes - 1)).toBeLessThan(0.01);
    await expect(studio.loadModel({ kind: 'files', name: 'broken', files: [file('lenet-300-100', 'model.json')] })).rejects.toThrow(/weights\.bin/);
    const fractions: number[] = [];
    const done = await studio.evaluate(1, val, base, { latencyRuns: 3 }, (p: ProgressEvent) => fractions.push(p.fraction));
    expect(done.type === 'done' && done.accuracy).toBeCloseTo(0.976, 3);
    expect(fractions[fractions.length - 1]).toBe(1);
    const running = studio.evaluate(2, val, base, { batchSize: 100 }, (p) => { if (p.phase === 'accuracy') studio.cancel(2); });
    expect(await running).toEqual<EvalOutcome>({ type: 'cancelled', job: 2 });
  });

  it('a model that cannot be built or holds NaN weights is refused and the previous model stays held and usable', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    const info = await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('lenet-300-100', 'model.json'), file('lenet-300-100', 'weights.bin')] });
    const asFiles = (id: string) => {
      const c = badModels().find((m) => m.id === id)!;
      return { c, files: c.files.map((f) => ({ name: f.name, bytes: f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer })) };
    };
    for (const id of ['graph-cycle', 'graph-dangling', 'input-shape-mismatch', 'nan-weights']) {
      const { c, files } = asFiles(id);
      await expect(studio.loadModel({ kind: 'files', name: 'your model', files })).rejects.toThrow(c.expected);
    }
    // Fetched by URL, a manifest is checked before any shard is fetched: no raw "group.paths is not iterable", no ../ fetch.
    const json = JSON.parse(readFileSync(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json'), 'utf8'));
    memory.set('/bad/null/model.json', Buffer.from(JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: null }] })));
    memory.set('/bad/up/model.json', Buffer.from(JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: ['../../models/lenet-300-100/weights.bin'] }] })));
    await expect(studio.loadModel({ kind: 'url', name: 'null', url: `${base}bad/null/model.json` })).rejects.toThrow(/^model\.json: weightsManifest group 1 has no "paths" list/);
    await expect(studio.loadModel({ kind: 'url', name: 'up', url: `${base}bad/up/model.json` })).rejects.toThrow(/"\.\.\/\.\.\/models\/lenet-300-100\/weights\.bin", which is outside the model's folder/);
    // The model loaded before is still the one evaluated and compressed.
    const done = await studio.evaluate(1, val, base, { latencyRuns: 1, limit: 500 }, () => {});
    expect(done.type === 'done' && done.count).toBe(500);
    expect(done.type === 'done' && done.accuracy).toBeGreaterThan(0.95);
    const compressed = await studio.compress(2, { version: 1, quantize: { bits: 8 } });
    expect(compressed.type === 'done' && compressed.summary.sizes.compact.raw).toBeLessThan(info.compact.raw);
    const ev = await studio.evaluate(3, val, base, { latencyRuns: 1, limit: 500 }, () => {}, 'compressed');
    expect(ev.type === 'done' && ev.accuracy).toBeGreaterThan(0.95);
  });

  it('imports a catalog-format data file without labels, fits it to the model and measures fidelity', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    const info = await studio.loadModel({ kind: 'files', name: 'lenet-5', files: [file('lenet-5', 'model.json'), file('lenet-5', 'weights.bin')] });
    // 300 MNIST digits downsampled to 14×14 (every other pixel), no labels file.
    const src = readFileSync(join(ROOT, 'public', val.images));
    const small = new Uint8Array(300 * 196);
    for (let n = 0; n < 300; n++) for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) small[n * 196 + y * 14 + x] = src[n * 784 + y * 2 * 28 + x * 2];
    const entry = { id: 'mine', name: 'Mine', split: 'val', count: 300, shape: [14, 14, 1], images: 'px.u8', scale: 1 / 255 };
    const files = [{ name: 'd/mine.json', blob: new Blob([JSON.stringify(entry)]) }, { name: 'd/px.u8', blob: new Blob([small]) }];
    const target = { shape: [28, 28, 1] as [number, number, number], classes: 10, preprocessing: { scale: 1 / 255, mean: [0], std: [1] } };
    const imported = await studio.importData(1, 'user-1', 'mine', files, target, () => {});
    if (!imported) throw new Error('cancelled');
    expect(imported.entry).toMatchObject({ id: 'user-1', count: 300, shape: [14, 14, 1], classes: [] });
    expect(imported.notes.join(' ')).toMatch(/no labels: measured by fidelity.*resized to the model's 28×28×1 input/);
    expect(info.inputShape).toEqual([-1, 28, 28, 1]);
    const original = await studio.evaluate(2, imported.entry, base, { latencyRuns: 1 }, () => {});
    if (original.type !== 'done') throw new Error('cancelled');
    expect(original.labelled).toBe(false);
    expect(original.fidelity).toEqual({ agreement: 1, meanKl: 0 });
    expect(original.samples[0].shape).toEqual([28, 28, 1]);
    await studio.compress(3, { version: 1, quantize: { bits: 2 } });
    const two = await studio.evaluate(4, imported.entry, base, { latencyRuns: 1 }, () => {}, 'compressed');
    await studio.compress(5, { version: 1, quantize: { bits: 8 } });
    const eight = await studio.evaluate(6, imported.entry, base, { latencyRuns: 1 }, () => {}, 'compressed');
    if (two.type !== 'done' || eight.type !== 'done' || !two.fidelity || !eight.fidelity) throw new Error('no fidelity');
    expect(eight.fidelity.agreement).toBeGreaterThan(0.97);
    expect(eight.fidelity.meanKl).toBeLessThan(two.fidelity.meanKl);
    expect(two.fidelity.agreement).toBeLessThanOrEqual(eight.fidelity.agreement);
    // A preprocessing the model was not trained for changes what it sees: the reference is recomputed for it.
    const inverted = await studio.evaluate(7, { ...imported.entry, scale: 2 / 255, mean: [1] }, base, { latencyRuns: 1 }, () => {}, 'compressed');
    expect(inverted.type === 'done' && inverted.fidelity && inverted.fidelity.agreement).toBeGreaterThan(0.9);
    await expect(studio.evaluate(8, { ...imported.entry, std: [0] }, base, {}, () => {})).rejects.toThrow(/std must be positive/);
    // Sensitivity sees what evaluation sees: the data fitted to 28×28 and scored by agreement.
    const s = await studio.sensitivity(10, imported.entry, base, { technique: 'quantize', levels: [8], limit: 100 }, () => {});
    expect(s?.metric).toBe('agreement');
    expect(s?.accuracy.every((row) => row[0] > 0.9)).toBe(true);
    // A labelled data file whose classes are not the model's is refused at import, naming the file.
    const five = { ...entry, labels: 'lab.u8', classes: ['a', 'b', 'c', 'd', 'e'] };
    await expect(studio.importData(11, 'user-3', 'five', [{ name: 'five.json', blob: new Blob([JSON.stringify(five)]) }, { name: 'px.u8', blob: new Blob([small]) }, { name: 'lab.u8', blob: new Blob([new Uint8Array(300)]) }], target, () => {}))
      .rejects.toThrow(/px.u8: the entry lists 5 classes but the model outputs 10/);
    await expect(studio.importData(9, 'user-2', 'x', [{ name: 'a/cat/1.png', blob: new Blob([new Uint8Array(4)]) }, { name: 'a/dog/2.png', blob: new Blob([new Uint8Array(4)]) }], target, () => {}))
      .rejects.toThrow(/found 2 class folders \(cat, dog\) but the model outputs 10 classes/);
  });

  it('a newer compression supersedes a queued one; exports come from the measured job only', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('lenet-300-100', 'model.json'), file('lenet-300-100', 'weights.bin')] });
    const first = studio.compress(10, { version: 1, prune: { ratio: 0.5 } });
    const second = studio.compress(11, { version: 1, prune: { ratio: 0.9 }, quantize: { bits: 8 } });
    expect((await first).type).toBe('cancelled');
    const measured = await second;
    if (measured.type !== 'done') throw new Error('second compression was cancelled');
    expect(measured.summary.sparsity).toBeGreaterThan(0.85);
    await expect(studio.exportModel('compact', 10)).rejects.toThrow(/not the one held/);
    const compact = await studio.exportModel('compact', 11);
    expect(compact.bytes.length).toBe(measured.summary.sizes.compact.raw);
    const zip = await studio.exportModel('tfjs-zip', 11);
    expect(zip.bytes.length).toBe(measured.summary.sizes.tfjs.zip);
    const ev = await studio.evaluate(12, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
    expect(ev.type === 'done' && ev.accuracy).toBeGreaterThan(0.5);
    studio.clearCompression();
    await expect(studio.exportModel('compact', 11)).rejects.toThrow(/nothing is compressed/);
  });

  it('opens a Keras file like TF.js files: converted in the worker, evaluated, compressed and rebuilt on another backend; a bad Keras file leaves it held', async () => {
    const keras = (name: string): ModelFile => {
      const b = readFileSync(join(ROOT, 'src', 'model', 'keras', 'fixtures', name));
      return { name: `models/${name}`, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
    };
    const studio = createStudio();
    await studio.init('wasm');
    const cnn = keras('mnist-cnn-keras2.h5');
    const info = await studio.loadModel({ kind: 'files', name: 'mnist-cnn-keras2.h5 (your model)', files: [cnn] });
    expect(info).toMatchObject({ name: 'mnist-cnn-keras2.h5 (your model)', params: 44426, format: 'layers-model', converted: { from: 'keras', file: 'mnist-cnn-keras2.h5', kerasVersion: '2.1.6', format: 'hdf5' } });
    expect(info.size.files.map((f) => f.name)).toEqual(['model.json', 'weights.bin']);
    // Opened: the .h5 itself (with its optimizer state), not the TF.js files converted from it; float32: those files, measured.
    expect(info.opened).toEqual({ kind: 'keras', bytes: cnn.bytes.byteLength, files: [{ name: 'models/mnist-cnn-keras2.h5', bytes: cnn.bytes.byteLength }] });
    expect(Math.abs(info.float32.raw / info.size.raw - 1)).toBeLessThan(0.01);
    expect(info.layers.map((l) => l.className)).toContain('Conv2D');
    const done = await studio.evaluate(1, val, base, { latencyRuns: 1 }, () => {});
    expect(done.type === 'done' && done.accuracy).toBeCloseTo(0.995, 4);
    // Refused with the reader's own message, naming the file; the converted model stays held.
    const truncated = { name: 'cut.keras', bytes: keras('mnist-cnn-keras3.keras').bytes.slice(0, 100_000) };
    await expect(studio.loadModel({ kind: 'files', name: 'cut.keras (your model)', files: [truncated] })).rejects.toThrow(/^cut\.keras: /);
    const text = { name: 'notes.h5', bytes: new TextEncoder().encode('not a model').buffer as ArrayBuffer };
    await expect(studio.loadModel({ kind: 'files', name: 'notes.h5 (your model)', files: [text] })).rejects.toThrow(/^notes\.h5: is neither a Keras \.keras file/);
    await expect(studio.loadModel({ kind: 'files', name: 'two', files: [cnn, keras('mnist-mlp-keras3-legacy.h5')] })).rejects.toThrow(/several Keras files/);
    const compressed = await studio.compress(2, { version: 1, prune: { ratio: 0.5 }, quantize: { bits: 8 } });
    expect(compressed.type === 'done' && compressed.summary.sizes.compact.raw).toBeLessThan(info.compact.raw / 4);
    const ev = await studio.evaluate(3, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
    expect(ev.type === 'done' && ev.accuracy).toBeGreaterThan(0.98);
    // Sensitivity and fine-tuning run on the converted model (its input [N, 28, 28] has no channel axis).
    const sens = await studio.sensitivity(5, val, base, { technique: 'prune', levels: [0.9], limit: 200 }, () => {});
    expect(sens?.layers).toContain('Conv2D_1');
    // Fine-tuning runs too: trained (one epoch, on the 2 000 validation digits to keep the test
    // short — this checks that training runs and helps, not what it reaches) it beats pruning alone.
    const pruneOnly = async (job: number, finetune: boolean) => {
      await studio.compress(job, { version: 1, prune: { ratio: 0.9 }, ...(finetune ? { finetune: { epochs: 1 } } : {}) }, { entry: val, baseUrl: base });
      const r = await studio.evaluate(job + 1, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
      return r.type === 'done' ? r.accuracy : NaN;
    };
    const untuned = await pruneOnly(6, false);
    expect(await pruneOnly(8, true)).toBeGreaterThan(untuned + 0.03);
    // A weights-only model.weights.h5 opens with the config.json dropped beside it (here the two taken out of the .keras zip).
    const zip = unzipSync(new Uint8Array(keras('mnist-cnn-keras3.keras').bytes));
    const entry = (name: string) => ({ name: `unzipped/${name}`, bytes: zip[name].slice().buffer as ArrayBuffer });
    const weightsOnly = await studio.loadModel({ kind: 'files', name: 'model.weights.h5 (your model)', files: [entry('config.json'), entry('model.weights.h5')] });
    expect(weightsOnly.converted).toEqual({ from: 'keras', file: 'model.weights.h5', kerasVersion: '3', format: 'weights-h5' });
    const fromWeights = await studio.evaluate(20, val, base, { latencyRuns: 1 }, () => {});
    expect(fromWeights.type === 'done' && fromWeights.accuracy).toBeCloseTo(0.998, 4);
    await expect(studio.loadModel({ kind: 'files', name: 'alone', files: [entry('model.weights.h5')] })).rejects.toThrow(/^model\.weights\.h5: holds only weights/);
    // Another backend rebuilds the converted model from its TF.js files.
    await studio.setBackend('cpu');
    const again = await studio.evaluate(4, val, base, { latencyRuns: 1, limit: 100 }, () => {});
    expect(again.type === 'done' && again.count).toBe(100);
    expect(again.type === 'done' && again.accuracy).toBeGreaterThan(0.98);
  });

  it('distils from the original on unlabelled images with live figures; a cancelled distillation leaves the previous compression held', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name: 'lenet', files: [file('lenet-300-100', 'model.json'), file('lenet-300-100', 'weights.bin')] });
    const first = await studio.compress(1, { version: 1, prune: { ratio: 0.9 }, quantize: { bits: 4 } });
    if (first.type !== 'done') throw new Error('cancelled');
    const held = await studio.exportModel('compact', 1);
    const evBefore = await studio.evaluate(2, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
    // The training split without its labels, as a dropped folder of images would be.
    const trainEntry = datasetCatalog().find((e) => e.id === 'mnist-train') as DatasetEntry;
    const unlabelled: DatasetEntry = { ...trainEntry, id: 'mnist-train-nolabels', labels: undefined, classes: [] };
    const plan = { version: 1 as const, prune: { ratio: 0.9 }, quantize: { bits: 4 }, distill: { epochs: 1, limit: 1024 } };
    // Cancelled after a few training reports: the compression of job 1 stays the one held and exported.
    let reports = 0;
    const cancelledRun = await studio.compress(3, plan, { entry: unlabelled, baseUrl: base }, (p) => { if (p.training && ++reports === 2) studio.cancel(3); });
    expect(cancelledRun).toEqual({ type: 'cancelled', job: 3 });
    expect(await studio.exportModel('compact', 1)).toEqual(held);
    const evHeld = await studio.evaluate(4, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
    expect(evHeld.type === 'done' && evHeld.accuracy).toBe(evBefore.type === 'done' && evBefore.accuracy);
    // Run to the end: loss and agreement come with the progress, the steps in order.
    const seen: NonNullable<ProgressEvent['training']>[] = [];
    const done = await studio.compress(5, plan, { entry: unlabelled, baseUrl: base }, (p) => { if (p.training) seen.push(p.training); });
    expect(done.type).toBe('done');
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.map((t) => t.step)).toEqual([...seen.map((t) => t.step)].sort((a, b) => a - b));
    expect(seen.at(-1)?.step).toBe(seen.at(-1)?.steps);
    for (const t of seen) expect(t.agreement).toBeGreaterThanOrEqual(0);
    const evAfter = await studio.evaluate(6, val, base, { latencyRuns: 1 }, () => {}, 'compressed');
    if (evAfter.type !== 'done' || evBefore.type !== 'done') throw new Error('cancelled');
    console.log(`lenet-300-100 prune 90 % + 4-bit: agreement ${evBefore.fidelity?.agreement} → distilled on 1 024 unlabelled ${evAfter.fidelity?.agreement}`);
    expect(evAfter.fidelity?.agreement).toBeGreaterThan(evBefore.fidelity?.agreement as number);
    // Fine-tuning on the same unlabelled data is refused with what to do instead.
    await expect(studio.compress(7, { version: 1, prune: { ratio: 0.5 }, finetune: { epochs: 1 } }, { entry: unlabelled, baseUrl: base })).rejects.toThrow(/has no labels/);
  });
});
