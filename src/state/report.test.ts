import { describe, expect, it } from 'vitest';
import { csvField, reportCsv, reportJson, reportMeta } from './report';
import type { DatasetEntry } from '../model/dataset';
import type { LoadedModel } from '../runtime/protocol';
import type { ChartPoint } from './types';

const point: ChartPoint = { id: 2, kind: 'compressed', label: 'prune 80 % · 8-bit', modelName: 'LeNet-5, "v2"', metric: 'accuracy', accuracy: 0.9805, compactBytes: 41037,
  tfjsBytes: 270109, gzipBytes: 55640, latencyMs: 0.41, backend: 'wasm', dataset: 'mnist-val', plan: { version: 1, prune: { ratio: 0.8 }, quantize: { bits: 8 } } };

describe('report', () => {
  it('quotes CSV fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(undefined)).toBe('');
  });
  it('writes one CSV row per point under a header, parseable back', () => {
    const csv = reportCsv([point]);
    const [header, row] = csv.trim().split('\n');
    expect(header).toBe('id,kind,model,dataset,backend,compression,accuracy,compactBytes,tfjsBytes,tfjsGzipBytes,latencyMs,plan,metric,meanKl,trainData,'
      + 'openedBytes,float32Bytes,compactVsOpened,tfjsVsOpened,compactVsFloat32,tfjsVsFloat32');
    expect(row.startsWith('2,compressed,"LeNet-5, ""v2""",mnist-val,wasm,prune 80 % · 8-bit,0.9805,41037,270109,55640,0.41,')).toBe(true);
    // A point without reference bytes (an older one) leaves its ratios empty.
    expect(row.endsWith(',accuracy,,,,,,,,')).toBe(true);
    // A recovered point names the data it trained on, after the meanKl.
    expect(reportCsv([{ ...point, trainData: 'mnist-train' }]).trim().endsWith(',accuracy,,mnist-train,,,,,,')).toBe(true);
    expect(JSON.parse(row.slice(row.indexOf('"{') + 1, row.lastIndexOf('}"') + 1).replace(/""/g, '"'))).toEqual(point.plan);
  });
  it('gives each point its ratios against the files opened and against float32', () => {
    // A uint8 original: opened files 4× smaller than float32, so every ratio vs opened is 4× below the float32 one.
    const p = { ...point, openedBytes: 270_000, float32Bytes: 1_080_000 };
    const row = reportCsv([p]).trim().split('\n')[1];
    expect(row.endsWith(',270000,1080000,6.579,0.9996,26.32,3.998')).toBe(true);
    const json = JSON.parse(reportJson([p], {})).points[0];
    expect(json.ratios).toEqual({ compactVsOpened: 6.579, tfjsVsOpened: 0.9996, compactVsFloat32: 26.32, tfjsVsFloat32: 3.998 });
    expect(json.ratios.tfjsVsOpened).toBeLessThan(1); // the TF.js files are larger than what was opened
  });
  it('JSON keeps every point with its plan', () => {
    expect(JSON.parse(reportJson([point], { model: 'LeNet-5' }))).toEqual({ generatedBy: 'Compression Studio', model: 'LeNet-5', points: [point] });
  });
  it('takes the header from the model and data set measured, not from MNIST', () => {
    const model = { name: 'cats', format: 'graph-model', inputShape: [-1, 64, 64, 3], outputShape: [-1, 2], opened: { kind: 'tfjs', bytes: 1200, files: [{ name: 'model.json', bytes: 200 }, { name: 'w.bin', bytes: 1000 }] },
      float32: { raw: 4100, gzip: 3000 } } as LoadedModel;
    const data: DatasetEntry = { id: 'user-2', name: 'pets (your data)', dataset: 'user-2', split: 'val', count: 40, shape: [64, 64, 3], classes: [], images: 'x', scale: 1 / 127.5, mean: [1], std: [1] };
    const meta = reportMeta(model, data, 'WASM · SIMD', new Date('2026-01-02T03:04:05Z'));
    expect(meta).toEqual({ model: 'cats', modelFormat: 'graph-model', inputShape: [-1, 64, 64, 3], outputShape: [-1, 2], classes: 2, dataset: 'user-2', datasetName: 'pets (your data)',
      samples: 40, imageShape: [64, 64, 3], metric: 'agreement', preprocessing: { scale: 1 / 127.5, mean: [1], std: [1] }, backend: 'WASM · SIMD',
      opened: { kind: 'tfjs', bytes: 1200, files: ['model.json', 'w.bin'] }, float32Bytes: 4100, date: '2026-01-02T03:04:05.000Z' });
    expect(JSON.parse(reportJson([point], meta))).toMatchObject({ inputShape: [-1, 64, 64, 3], metric: 'agreement' });
    expect(reportMeta(undefined, undefined, undefined, new Date(0))).toMatchObject({ model: undefined, dataset: undefined });
  });
});
