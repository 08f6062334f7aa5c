/**
 * Big models in the tab: step progress of loading and compressing (per layer, monotonic, ending
 * at 1), the worker's memory report, and refusals with numbers — on synthetic models from
 * src/node/bigModel.ts (a conv net of Conv2D → BN → ReLU blocks), small enough to run in seconds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasm } from '../node/io';
import { bigModelFiles, type BigModelSpec } from '../node/bigModel';
import { compressUnmeasured, measureSizes, measureSizesStepwise } from '../model/compress/session';
import { deflatedLengthsAsync } from '../model/export';
import { partsFromArtifacts } from '../model/weights';
import { checkModelFiles, toArtifacts, type ModelFile } from '../model/modelFiles';
import { supportedLayerClasses } from '../model/modelInfo';
import { createStudio } from './studio';
import type { ProgressEvent } from './protocol';

const filesOf = (spec: BigModelSpec): ModelFile[] => bigModelFiles(spec).files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer as ArrayBuffer }));
const SMALL: BigModelSpec = { input: 32, stem: [8, 16], pairs: 3, classes: 10, shardBytes: 4096 };
const PLAN = { version: 1 as const, prune: { ratio: 0.5 }, quantize: { bits: 8 } };

/** Fractions never go down and the last is 1. */
function expectMonotonicToOne(events: ProgressEvent[]) {
  expect(events.length).toBeGreaterThan(1);
  for (let i = 1; i < events.length; i++) expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction);
  expect(events[events.length - 1].fraction).toBe(1);
}

describe('big models: progress, memory, refusals', () => {
  beforeAll(async () => { await useWasm(); });

  it('compressUnmeasured reports every tensor (each kernel as "Quantizing …"), the TF.js files and the compact file, in order, ending at 1', () => {
    const made = bigModelFiles(SMALL);
    const parts = partsFromArtifacts(toArtifacts(checkModelFiles(filesOf(SMALL), supportedLayerClasses())));
    const events: { fraction: number; message: string }[] = [];
    compressUnmeasured(parts, PLAN, undefined, (fraction, message) => events.push({ fraction, message }));
    const n = parts.weights.length;
    expect(made.params).toBe(parts.weights.reduce((a, w) => a + w.values.length, 0));
    const quantizing = events.filter((e) => e.message.startsWith('Quantizing '));
    // One event per kernel (2 stem convs + 2 per pair + the Dense), numbered among all n = 4 per conv + 2 tensors;
    // the last conv's kernel (tensor 29 of 34, 1-based) is followed by its BN's 3 tensors and the Dense's 2.
    expect(n).toBe(4 * 8 + 2);
    expect(quantizing.map((e) => e.message)).toContain(`Quantizing mixed3_3x3_conv/kernel (${n - 5}/${n})`);
    expect(quantizing).toHaveLength(2 + 2 * 3 + 1);
    expect(events.filter((e) => e.message.startsWith('Writing TF.js weights of '))).toHaveLength(n);
    expect(events.some((e) => e.message === 'Encoding the compact file')).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction);
    expect(events[events.length - 1]).toEqual({ fraction: 1, message: 'Compressed and written' });
  });

  it('measureSizesStepwise gives measureSizes\' figures, the largest file off the thread, the others file by file', async () => {
    const parts = partsFromArtifacts(toArtifacts(checkModelFiles(filesOf(SMALL), supportedLayerClasses())));
    const session = compressUnmeasured(parts, PLAN);
    const messages: string[] = [];
    const stepwise = await measureSizesStepwise(session, deflatedLengthsAsync, (_, m) => messages.push(m));
    expect(stepwise).toEqual(measureSizes(session));
    // Every file but the largest (measured on another thread) reported as it starts, then the largest.
    expect(messages.filter((m) => m.startsWith('Measuring gzip -9 of ') && m.includes('on another thread'))).toHaveLength(session.tfjs.files.length);
    expect(messages.some((m) => m.startsWith('Measuring gzip -9 of model.cstu ('))).toBe(true);
    expect(messages[messages.length - 1]).toBe('Sizes measured');
  });

  it('the worker forwards loading and compression progress (phases, monotonic, last = 1) and reports its memory', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    expect((await studio.memory()).weightsFloat32).toBe(0);
    const loading: ProgressEvent[] = [];
    const info = await studio.loadModel({ kind: 'files', name: 'small', files: filesOf(SMALL) }, (p) => loading.push(p));
    expect(loading.every((p) => p.phase === 'loading' && p.job === 0)).toBe(true);
    expectMonotonicToOne(loading);
    const messages = loading.map((p) => p.message);
    for (const step of ['Checking model.json', 'Building the layers', 'Running the model once on zeros', 'Decoding the weights to float32', 'Sizes measured']) {
      expect(messages.some((m) => m.startsWith(step))).toBe(true);
    }
    const loaded = await studio.memory();
    expect(loaded.weightsFloat32).toBe(info.params * 4);
    // The decoded weights alone take the float32 bytes; the opened shards come on top.
    expect(loaded.arrays.bytes).toBeGreaterThanOrEqual(info.params * 4 + info.opened.bytes - 1000);
    expect(loaded.tensors.bytes).toBeGreaterThanOrEqual(info.params * 4);
    expect(loaded.tensors.backend).toBe('wasm');

    const compressing: ProgressEvent[] = [];
    const done = await studio.compressStaged(1, PLAN, undefined, (p) => compressing.push(p));
    expect(done.type).toBe('done');
    expect(compressing.every((p) => p.phase === 'compressing' && p.job === 1)).toBe(true);
    expectMonotonicToOne(compressing);
    expect(compressing.some((p) => p.message === 'Building the compressed model from its TF.js files')).toBe(true);
    const after = await studio.memory();
    // The compression's weights, export files and model come on top of the original's.
    expect(after.arrays.bytes).toBeGreaterThan(loaded.arrays.bytes);
    expect(after.tensors.bytes).toBeGreaterThan(loaded.tensors.bytes);

    const exporting: ProgressEvent[] = [];
    const zip = await studio.exportModel('tfjs-zip', 1, (p) => exporting.push(p));
    // The zip written file by file (model.json + 1 shard of this small model), each step reported, the same bytes as without a listener.
    expect(exporting.every((p) => p.phase === 'exporting')).toBe(true);
    expect(exporting.map((p) => p.message).filter((m) => m.startsWith('Zipping '))).toEqual([expect.stringMatching(/^Zipping 2 TF\.js files \([\d,]+ bytes/), 'Zipping model.json (1/2)', 'Zipping group1-shard1of1.bin (2/2)']);
    expect(exporting[exporting.length - 1]).toMatchObject({ fraction: 1, message: `model-tfjs.zip: ${zip.bytes.length.toLocaleString('en-US')} bytes` });
    expect((await studio.exportModel('tfjs-zip', 1)).bytes).toEqual(zip.bytes);
  });

  it('evaluates a 224×224 model in batches lowered to fit 256 MiB of activations, saying so with the numbers', async () => {
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name: 'wide', files: filesOf({ input: 224, stem: [48, 64], pairs: 0, classes: 10 }) });
    // Four unlabelled 28×28 digits in the catalog format, fitted to 224×224×3 when evaluated.
    const entry = { id: 'tiny', name: 'tiny', dataset: 'tiny', split: 'val', count: 4, shape: [28, 28, 1], classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], images: 'tiny.u8', scale: 1 / 255 };
    const files = [{ name: 'tiny.json', blob: new Blob([JSON.stringify(entry)]) }, { name: 'tiny.u8', blob: new Blob([new Uint8Array(4 * 784).fill(128)]) }];
    const imported = await studio.importData(1, 'tiny', 'tiny', files, { shape: [224, 224, 3], classes: 10, preprocessing: { scale: 1 / 255, mean: [0], std: [1] } }, () => {});
    const events: ProgressEvent[] = [];
    const done = await studio.evaluate(2, imported!.entry, 'http://localhost/', { latencyRuns: 1, warmupRuns: 0, throughputBatch: 1 }, (p) => events.push(p));
    expect(done.type).toBe('done');
    // By hand: stem1 outputs 112²·48·4 B = 2.30 MiB per image; 256 MiB ÷ (2 × 2.30 MiB) = 55 images.
    expect(events.map((p) => p.message)).toContain('batches of 55 images, not 250: layer "stem1_conv" outputs 2.3 MiB per image and a batch may take 256 MiB');
  });

  it('refuses fine-tuning a 224×224 model whose training batch would not fit, with the numbers, and leaves the model usable', async () => {
    // Per image, by hand: 2 × (3 × 112²·48 + 3 × 56²·64 + 64 + 10) × 4 B = 19 268 176 B ≈ 18.4 MiB; × 64 = 1 176 MiB; ⌊1 024 / 18.38⌋ = 55.
    const studio = createStudio();
    await studio.init('wasm');
    await studio.loadModel({ kind: 'files', name: 'wide', files: filesOf({ input: 224, stem: [48, 64], pairs: 0, classes: 10 }) });
    const plan = { ...PLAN, finetune: { epochs: 1 } };
    await expect(studio.compressStaged(1, plan)).rejects.toThrow(/fine-tuning trains in batches of 64 images; at this model's input one image needs ≈ 18 MiB .*\(Σ of 8 layers' outputs × 2\), so a batch needs ≈ 1,176 MiB, more than the 1,024 MiB .* \(55 images fit\)\. Compress it without training/);
    expect((await studio.compressStaged(2, PLAN)).type).toBe('done');
  });
});
