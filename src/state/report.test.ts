import { describe, expect, it } from 'vitest';
import { csvField, reportCsv, reportJson } from './report';
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
    expect(header).toBe('id,kind,model,dataset,backend,compression,accuracy,compactBytes,tfjsBytes,tfjsGzipBytes,latencyMs,plan,metric,meanKl');
    expect(row.startsWith('2,compressed,"LeNet-5, ""v2""",mnist-val,wasm,prune 80 % · 8-bit,0.9805,41037,270109,55640,0.41,')).toBe(true);
    expect(row.endsWith(',accuracy,')).toBe(true);
    expect(JSON.parse(row.slice(row.indexOf('"{') + 1, row.lastIndexOf('}"') + 1).replace(/""/g, '"'))).toEqual(point.plan);
  });
  it('JSON keeps every point with its plan', () => {
    expect(JSON.parse(reportJson([point], { model: 'LeNet-5' }))).toEqual({ generatedBy: 'Compression Studio', model: 'LeNet-5', points: [point] });
  });
});
