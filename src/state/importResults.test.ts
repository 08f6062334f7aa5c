import { describe, expect, it } from 'vitest';
import type { DatasetEntry } from '../model/dataset';
import type { LoadedModel } from '../runtime/protocol';
import { importResultsFile, importSummary, parseResults, toChartPoints } from './importResults';
import type { ChartPoint } from './types';

const PRE = '{"scale":0.00392156862745098,"mean":[0],"std":[1]}';
const point = (o: Record<string, unknown> = {}) => ({
  id: 1, kind: 'sweep', label: '8-bit', modelName: 'LeNet-300-100 (MNIST)', accuracy: 0.97, metric: 'accuracy', compactBytes: 270000, tfjsBytes: 270500,
  gzipBytes: 240000, latencyMs: 0.3, backend: 'wasm', dataset: 'mnist-val', preprocessing: PRE, plan: { version: 1, quantize: { bits: 8 } },
  openedBytes: 1068448, float32Bytes: 1068442, ratios: { compactVsOpened: 3.957 }, cell: 0, cells: 2, grid: 'bits=8,4', shard: '0/1', ...o,
});

describe('parseResults', () => {
  it('reads JSON lines and a report with "points" alike', () => {
    const lines = `${JSON.stringify(point())}\n\n${JSON.stringify(point({ cell: 1, label: '4-bit', plan: { version: 1, quantize: { bits: 4 } } }))}\n`;
    const a = parseResults(lines, 'results.jsonl');
    expect(a.map((p) => p.label)).toEqual(['8-bit', '4-bit']);
    expect(a[1].plan).toEqual({ version: 1, quantize: { bits: 4 } });
    expect('ratios' in a[0]).toBe(false);
    const report = JSON.stringify({ generatedBy: 'Compression Studio', model: 'x', points: [point({ kind: 'compressed' })] }, null, 2);
    expect(parseResults(report, 'pareto.json')).toHaveLength(1);
    // A one-line results file is JSON lines, not a report.
    expect(parseResults(JSON.stringify(point()), 'one.jsonl')).toHaveLength(1);
  });

  it('refuses a bad file naming the file, the line or point, the field and what it needs', () => {
    expect(() => parseResults('', 'x.jsonl')).toThrow(/^x\.jsonl: is empty/);
    expect(() => parseResults(`${JSON.stringify(point())}\nnot json\n`, 'r.jsonl')).toThrow(/^r\.jsonl, line 2: is not JSON/);
    expect(() => parseResults(JSON.stringify(point({ compactBytes: -3 })), 'r.jsonl')).toThrow(/^r\.jsonl, line 1: "compactBytes" must be a whole number of bytes ≥ 1, got -3/);
    expect(() => parseResults(JSON.stringify(point({ metric: 'top5' })), 'r.jsonl')).toThrow(/"metric" must be "accuracy" or "agreement", got "top5"/);
    expect(() => parseResults(JSON.stringify(point({ modelName: undefined })), 'r.jsonl')).toThrow(/"modelName" must be the model's name \(a string\), got nothing/);
    expect(() => parseResults(JSON.stringify(point({ plan: { version: 2 } })), 'r.jsonl')).toThrow(/line 1: "plan": .*"version" must be 1/);
    expect(() => parseResults(JSON.stringify({ points: [point(), point({ accuracy: 'high' })] }), 'p.json')).toThrow(/^p\.json, point 2: "accuracy" must be a number in \[0, 1\]/);
    expect(() => parseResults(JSON.stringify({ points: [] }), 'p.json')).toThrow(/p\.json: holds no points/);
    expect(() => parseResults('[1, 2]', 'arr.json')).toThrow(/arr\.json, line 1: is not a JSON object/);
  });
});

describe('toChartPoints / importSummary', () => {
  const existing = [{ id: 7 } as ChartPoint];
  it('makes sweep points with ids after the newest, without the file-only fields', () => {
    const pts = toChartPoints(existing, parseResults(`${JSON.stringify(point({ kind: 'compressed' }))}\n${JSON.stringify(point({ cell: 1 }))}`, 'r.jsonl'));
    expect(pts.map((p) => [p.id, p.kind])).toEqual([[8, 'sweep'], [9, 'sweep']]);
    expect(Object.keys(pts[0])).not.toEqual(expect.arrayContaining(['cell']));
    expect(pts[0]).not.toHaveProperty('grid');
    expect(pts[0]).not.toHaveProperty('shard');
  });

  it('counts the points the chart draws and names the model and data of the others', () => {
    const pts = toChartPoints([], parseResults([point(), point({ modelName: 'LeNet-5 (MNIST)' }), point({ preprocessing: '{}' }), point({ modelName: 'LeNet-5 (MNIST)' })].map((p) => JSON.stringify(p)).join('\n'), 'r.jsonl'));
    const s = importSummary('r.jsonl', pts, { modelName: 'LeNet-300-100 (MNIST)', datasetId: 'mnist-val', preprocessing: PRE });
    expect(s).toEqual({ file: 'r.jsonl', added: 4, shown: 1, elsewhere: ['LeNet-5 (MNIST) on mnist-val', 'LeNet-300-100 (MNIST) on mnist-val (other preprocessing)'] });
    expect(importSummary('r.jsonl', pts, {}).shown).toBe(0);
    // Points measured on fewer samples than the data set holds (sweep --limit): the fewest, of how many.
    const limited = pts.map((p, i) => ({ ...p, samples: [500, 300, 200, 100][i] }));
    expect(importSummary('r.jsonl', limited, { modelName: 'LeNet-300-100 (MNIST)', datasetId: 'mnist-val', preprocessing: PRE, samples: 2000 }).fewerSamples).toEqual({ count: 500, of: 2000 });
    expect(importSummary('r.jsonl', pts, { modelName: 'LeNet-300-100 (MNIST)', datasetId: 'mnist-val', preprocessing: PRE, samples: 2000 })).not.toHaveProperty('fewerSamples');
  });
});

describe('importResultsFile', () => {
  it('reads a file as the store does: points after the store\'s, the summary for the selection', async () => {
    const file = { name: 'results.jsonl', text: async () => `${JSON.stringify(point({ samples: 500 }))}\n` };
    const entry = { id: 'mnist-val', count: 2000, scale: 0.00392156862745098 } as DatasetEntry;
    const state = { points: [{ id: 3 } as ChartPoint], model: { name: 'LeNet-300-100 (MNIST)' } as LoadedModel, datasets: [entry], datasetId: 'mnist-val' };
    const { points, summary } = await importResultsFile(file, state);
    expect(points.map((p) => p.id)).toEqual([4]);
    expect(points[0]).not.toHaveProperty('samples');
    expect(summary).toEqual({ file: 'results.jsonl', added: 1, shown: 1, elsewhere: [], fewerSamples: { count: 500, of: 2000 } });
    await expect(importResultsFile({ name: 'x.jsonl', text: async () => '{' }, state)).rejects.toThrow(/^x\.jsonl, line 1: is not JSON/);
  });
});
