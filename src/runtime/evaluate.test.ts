import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset, type DatasetEntry } from '../model/dataset';
import { evaluateModel, percentile } from './evaluate';

// A 1×1×2 "image" data set with 3 classes; pixel = byte / 10.
const entry: DatasetEntry = {
  id: 'tiny', name: 'tiny', dataset: 'tiny', split: 'val', count: 4, shape: [1, 1, 2],
  classes: ['a', 'b', 'c'], images: 'x', labels: 'y', scale: 0.1,
};
// Samples (x0, x1): (10,0)→1.0,0 label a; (0,10) label b; (10,10) label c; (0,0) label a.
const tiny = makeDataset(entry, Uint8Array.from([10, 0, 0, 10, 10, 10, 0, 0]), Uint8Array.from([0, 1, 2, 0]));

/** softmax(W·x + b) with logits a = 2·x0, b = 2·x1, c = x0 + x1 − 0.5: hand-checkable. */
function handModel(): tf.LayersModel {
  const model = tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: [1, 1, 2] }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  model.layers[1].setWeights([tf.tensor2d([[2, 0, 1], [0, 2, 1]]), tf.tensor1d([0, 0, -0.5])]);
  return model;
}

const softmax = (z: number[]) => { const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); };

describe('evaluateModel', () => {
  beforeAll(async () => { await tf.setBackend('wasm'); });

  it('computes accuracy, loss and the confusion matrix of a hand-checked model', async () => {
    const r = await evaluateModel(handModel(), tiny, { latencyRuns: 3, warmupRuns: 1, batchSize: 3 }, { job: 7, yieldNow: async () => {} });
    if (r.type !== 'done') throw new Error('cancelled');
    // logits: s0 (2,0,0.5) → a ✓; s1 (0,2,0.5) → b ✓; s2 (2,2,1.5) → tie a/b, first max a ✗ (label c); s3 (0,0,−0.5) → tie a/b → a ✓.
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion).toEqual([[2, 0, 0], [0, 1, 0], [1, 0, 0]]);
    const p = [softmax([2, 0, 0.5])[0], softmax([0, 2, 0.5])[1], softmax([2, 2, 1.5])[2], softmax([0, 0, -0.5])[0]];
    expect(r.loss).toBeCloseTo(-p.reduce((a, v) => a + Math.log(v), 0) / 4, 5);
    expect(r.job).toBe(7);
    expect(r.latency.runs).toBe(3);
    expect(r.latency.p90Ms).toBeGreaterThanOrEqual(r.latency.medianMs);
    expect(r.samples.map((s) => s.predicted)).toEqual([0, 1, 0, 0]);
    expect(Array.from(r.samples[1].pixels)).toEqual([0, 10]);
  });

  it('reports monotonic progress that ends at 1', async () => {
    const fractions: number[] = [];
    await evaluateModel(handModel(), tiny, { latencyRuns: 4, warmupRuns: 1, batchSize: 1 }, { job: 1, onProgress: (_p, f) => fractions.push(f) });
    expect(fractions.length).toBeGreaterThan(5);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions[fractions.length - 1]).toBe(1);
  });

  it('stops when cancelled and says so', async () => {
    let batches = 0;
    const r = await evaluateModel(handModel(), tiny, { batchSize: 1 }, {
      job: 3, onProgress: (phase) => { if (phase === 'accuracy') batches++; }, isCancelled: () => batches >= 2,
    });
    expect(r).toEqual({ type: 'cancelled', job: 3 });
    expect(batches).toBe(2);
  });

  it('refuses a data set whose class count differs from the model output', async () => {
    const five = makeDataset({ ...entry, classes: ['1', '2', '3', '4', '5'] }, tiny.images, tiny.labels);
    await expect(evaluateModel(handModel(), five, {}, { job: 0 })).rejects.toThrow(/outputs 3 classes but tiny has 5/);
  });

  it('without labels reports no accuracy but fidelity to a reference; mean/std change the inputs', async () => {
    const unlabelled = makeDataset({ ...entry, labels: undefined, classes: [] }, tiny.images);
    let outputs: Float32Array | undefined;
    const own = await evaluateModel(handModel(), unlabelled, { latencyRuns: 1, warmupRuns: 0 }, { job: 0, onOutputs: (o) => { outputs = o; } });
    if (own.type !== 'done' || !outputs) throw new Error('cancelled');
    expect(own.labelled).toBe(false);
    expect(own.accuracy).toBeNaN();
    expect(own.confusion).toEqual([]);
    expect(own.samples[0].label).toBe(-1);
    expect(outputs[0]).toBeCloseTo(softmax([2, 0, 0.5])[0], 5);
    // x = (byte · 0.1 − 1) / 0.5: sample (10, 0) → (0, −2); logits (0, −4, −2.5).
    const shifted = makeDataset({ ...entry, labels: undefined, classes: [], mean: [1], std: [0.5] }, tiny.images);
    const r = await evaluateModel(handModel(), shifted, { latencyRuns: 1, warmupRuns: 0 }, { job: 0, reference: outputs });
    if (r.type !== 'done' || !r.fidelity) throw new Error('no fidelity');
    expect(r.samples[0].probabilities[0]).toBeCloseTo(softmax([0, -4, -2.5])[0], 5);
    // Every shifted sample moves to (−2, −2) or similar: top-1 agreement and KL computed against the reference.
    const mine = r.samples.map((s) => s.predicted);
    const theirs = own.samples.map((s) => s.predicted);
    expect(r.fidelity.agreement).toBe(mine.filter((p, i) => p === theirs[i]).length / 4);
    expect(r.fidelity.meanKl).toBeGreaterThan(0);
  });

  it('limits the evaluation to the first samples when asked', async () => {
    const r = await evaluateModel(handModel(), tiny, { limit: 2, latencyRuns: 1, warmupRuns: 0 }, { job: 0 });
    expect(r.type === 'done' && r.count).toBe(2);
    expect(r.type === 'done' && r.accuracy).toBe(1);
  });
});

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1);
    expect(percentile([], 50)).toBeNaN();
  });
});
