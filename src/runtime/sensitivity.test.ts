import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../node/io';
import { partsFromArtifacts } from '../model/weights';
import { evaluateModel } from './evaluate';
import { compressibleLayers, measureSensitivity, singleLayerPlan } from './sensitivity';

// Counts the evaluations a sensitivity run really performs (the baseline and one per cell).
vi.mock('./evaluate', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./evaluate')>();
  return { ...actual, evaluateModel: vi.fn(actual.evaluateModel) };
});

describe('measureSensitivity', () => {
  beforeAll(async () => { await useWasm(); });

  it('measures every layer alone at every level, against a baseline on the same samples', async () => {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
    expect(compressibleLayers(parts)).toEqual(['fc1', 'fc2', 'fc3']);
    expect(singleLayerPlan('quantize', 'fc2', 4)).toEqual({ version: 1, layers: { fc2: { bits: 4 } } });
    const progress: number[] = [];
    const r = await measureSensitivity(parts, readDataset('mnist', 'val'), { technique: 'prune', levels: [0, 0.99], limit: 300 },
      { isCancelled: () => false, onProgress: (done) => progress.push(done) });
    if (!r) throw new Error('cancelled');
    expect(r.count).toBe(300);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // ratio 0 changes nothing: exactly the baseline
    for (const row of r.accuracy) expect(row[0]).toBe(r.baseline);
    // pruning 99 % of the output layer alone is far worse than of the big first layer alone
    expect(r.baseline - r.accuracy[2][1]).toBeGreaterThan(r.baseline - r.accuracy[0][1]);
  });

  it('reports exact compact bytes per layer and level, and scores unlabelled data by agreement', async () => {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
    const val = readDataset('mnist', 'val');
    const r = await measureSensitivity(parts, { entry: { ...val.entry, labels: undefined }, images: val.images }, { technique: 'quantize', levels: [8, 2], limit: 200 },
      { isCancelled: () => false, onProgress: () => {} });
    if (!r) throw new Error('cancelled');
    expect(r.metric).toBe('agreement');
    expect(r.baseline).toBe(1);
    // 8-bit keeps nearly every top-1; 2-bit on the first layer changes more of them.
    expect(r.accuracy[0][0]).toBeGreaterThan(0.97);
    expect(r.accuracy[0][1]).toBeLessThan(r.accuracy[0][0]);
    // fc1 is 784×300 float32 (+ 300 biases): ~941 KB uncompressed, ~1/4 at 8 bits, ~1/16 at 2 bits.
    expect(r.baseBytes[0]).toBeGreaterThan(784 * 300 * 4);
    expect(r.bytes[0][0]).toBeLessThan(r.baseBytes[0] / 3.5);
    expect(r.bytes[0][1]).toBeLessThan(r.bytes[0][0] / 3);
    expect(r.totalBytes).toBeGreaterThan(r.baseBytes.reduce((a, b) => a + b, 0));
  });

  it('stops when cancelled: no cell runs after the cancel, far fewer than the full grid', async () => {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
    const progress: number[] = [];
    let grid = 0;
    vi.mocked(evaluateModel).mockClear();
    // Cancelled once the baseline and the first cell are reported.
    const r = await measureSensitivity(parts, readDataset('mnist', 'val'), { technique: 'quantize', levels: [8, 4], limit: 100 },
      { isCancelled: () => progress.length >= 2, onProgress: (done, total) => { progress.push(done); grid = total; } });
    expect(r).toBeUndefined();
    // 3 layers × 2 levels + the baseline would be 7 evaluations; it stopped after the baseline and one cell.
    expect(grid).toBe(7);
    expect(progress).toEqual([1, 2]);
    expect(vi.mocked(evaluateModel)).toHaveBeenCalledTimes(2);
  });

  it('joint: one column per (prune, bits) cell; skipped cells are NaN and each has a milder cell that justifies it', async () => {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'lenet-300-100', 'model.json')));
    const progress: [number, number][] = [];
    // maxDrop 1 point: 1-bit codes lose far more on fc3 alone, so its harsher cells are not measured.
    const r = await measureSensitivity(parts, readDataset('mnist', 'val'), { technique: 'joint', levels: [], joint: { prune: [0, 0.9], bits: [8, 1], maxDrop: 0.01 }, limit: 200 },
      { isCancelled: () => false, onProgress: (done, total) => progress.push([done, total]) });
    if (!r?.joint) throw new Error('cancelled');
    const { cells, skipped, calibrations } = r.joint;
    expect(cells).toEqual([{ prune: 0, bits: 8 }, { prune: 0.9, bits: 8 }, { prune: 0, bits: 1 }, { prune: 0.9, bits: 1 }]);
    expect(r.levels).toEqual([0, 1, 2, 3]);
    expect(r.accuracy.map((row) => row.length)).toEqual([4, 4, 4]);
    expect(calibrations).toEqual(['minmax', 'mse']); // no BatchNorm: bias correction has nothing to use
    // Progress counts skipped cells too: 1 + 3 × 4 steps, in order, ending at the total.
    expect(progress.map(([d]) => d)).toEqual(Array.from({ length: 13 }, (_, k) => k + 1));
    expect(progress.every(([, t]) => t === 13)).toBe(true);
    const nan = r.accuracy.flat().filter((a) => Number.isNaN(a)).length;
    expect(nan).toBe(skipped);
    expect(skipped).toBeGreaterThan(0);
    r.accuracy.forEach((row, i) => row.forEach((a, j) => {
      expect(Number.isNaN(r.bytes[i][j])).toBe(Number.isNaN(a));
      if (!Number.isNaN(a)) return;
      const why = cells.some((c, m) => m < j && c.prune <= cells[j].prune && c.bits >= cells[j].bits && (r.baseline - row[m] > 0.01 || Number.isFinite(r.bytes[i][m])));
      expect(why).toBe(true);
    }));
    // The mildest cell (8 bits, no pruning) is always measured and nearly lossless.
    for (const row of r.accuracy) expect(r.baseline - row[0]).toBeLessThan(0.02);
  });
});
