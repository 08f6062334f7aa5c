import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDataset, useWasm } from '../../node/io';
import type { LabelledDataset } from '../dataset';
import { imagesToTensor } from '../datasetTensor';
import { quantizeUniform } from '../../core';
import { fineTune, type StepMetrics } from './finetune';

function net(): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: [28, 28, 1] }),
    tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'a' }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'b' }),
  ] });
}

function loss(model: tf.LayersModel, ds: LabelledDataset): number {
  return tf.tidy(() => {
    const p = model.predict(imagesToTensor(ds, 0, 500)) as tf.Tensor;
    const y = tf.oneHot(tf.tensor1d(Array.from(ds.labels.subarray(0, 500)), 'int32'), 10);
    return tf.losses.softmaxCrossEntropy(y, p.log()).dataSync()[0];
  });
}

describe('fineTune', () => {
  let train: LabelledDataset;
  beforeAll(async () => { await useWasm(); train = readDataset('mnist', 'train'); });

  it('masked: lowers the loss and pruned weights stay exactly zero', async () => {
    const model = net();
    const kernel = model.getLayer('a').getWeights()[0];
    const mask = new Uint8Array(kernel.size).map((_, i) => (i % 3 === 0 ? 0 : 1));
    const before = loss(model, train);
    await fineTune(model, train, new Map([['a/kernel', { kind: 'mask', mask }]]), { epochs: 1, limit: 1000, learningRate: 3e-3 });
    expect(loss(model, train)).toBeLessThan(before);
    const after = model.getLayer('a').getWeights()[0].dataSync();
    let nonZeroPruned = 0;
    mask.forEach((m, i) => { if (m === 0 && after[i] !== 0) nonZeroPruned++; });
    expect(nonZeroPruned).toBe(0);
  });

  it('shared: every cluster keeps one value and the zero cluster stays zero', async () => {
    const model = net();
    const n = model.getLayer('b').getWeights()[0].size;
    const indices = new Uint8Array(n).map((_, i) => i % 4);
    await fineTune(model, train, new Map([['b/kernel', { kind: 'shared', indices, clusters: 4, zeroIndex: 0 }]]), { epochs: 1, limit: 300 });
    const w = model.getLayer('b').getWeights()[0].dataSync();
    const perCluster = [new Set<number>(), new Set<number>(), new Set<number>(), new Set<number>()];
    w.forEach((v, i) => perCluster[indices[i]].add(v));
    expect(perCluster.map((s) => s.size)).toEqual([1, 1, 1, 1]);
    expect([...perCluster[0]]).toEqual([0]);
  });

  it('grid: quantization-aware training — every step\'s weights lie exactly on the 3-bit grid, the loss falls, zeros stay', async () => {
    const model = net();
    const w = model.getLayer('a').getWeights()[0];
    const shape = w.shape;
    const mask = new Uint8Array(w.size).map((_, i) => (i % 5 === 0 ? 0 : 1));
    const project = (latent: Float32Array) => quantizeUniform(latent, shape, { bits: 3, scheme: 'symmetric' }).values;
    const before = loss(model, train);
    let offGrid = 0;
    let steps = 0;
    await fineTune(model, train, new Map([['a/kernel', { kind: 'grid', project, mask }]]), {
      epochs: 1, limit: 1000, learningRate: 3e-3,
      onStep: () => {
        steps++;
        const v = model.getLayer('a').getWeights()[0].dataSync() as Float32Array;
        const again = project(v);
        for (let i = 0; i < v.length; i++) if (again[i] !== v[i]) offGrid++;
      },
    });
    expect(steps).toBe(16);
    expect(offGrid).toBe(0);
    const after = model.getLayer('a').getWeights()[0].dataSync() as Float32Array;
    expect(new Set(after).size).toBeLessThanOrEqual(7); // symmetric 3-bit: codes −3…3
    mask.forEach((m, i) => { if (m === 0) expect(after[i]).toBe(0); });
    expect(loss(model, train)).toBeLessThan(before);
  });

  it('grid: the latent weights move, so training crosses grid cells (rounding each step alone would stall)', async () => {
    const model = net();
    const shape = model.getLayer('a').getWeights()[0].shape;
    const project = (latent: Float32Array) => quantizeUniform(latent, shape, { bits: 2, scheme: 'affine' }).values;
    const start = project(model.getLayer('a').getWeights()[0].dataSync() as Float32Array);
    await fineTune(model, train, new Map([['a/kernel', { kind: 'grid', project }]]), { epochs: 1, limit: 640, learningRate: 1e-2 });
    const end = model.getLayer('a').getWeights()[0].dataSync() as Float32Array;
    let moved = 0;
    for (let i = 0; i < end.length; i++) if (Math.abs(end[i] - start[i]) > 1e-6) moved++;
    expect(moved).toBeGreaterThan(end.length * 0.01);
  });

  it('distillation without labels: agreement with the teacher rises, and nothing leaks', async () => {
    const teacherModel = net();
    await fineTune(teacherModel, train, new Map(), { epochs: 1, limit: 2000, learningRate: 3e-3 });
    const unlabelled = { ...train, labels: undefined };
    const teacher = tf.tidy(() => (teacherModel.predict(imagesToTensor(train, 0, 1280)) as tf.Tensor).clipByValue(1e-7, 1).log().dataSync() as Float32Array);
    const student = net();
    const seen: StepMetrics[] = [];
    const before = tf.memory().numTensors;
    const ok = await fineTune(student, unlabelled, new Map(), {
      epochs: 2, limit: 1280, learningRate: 3e-3, loss: { kind: 'distill', temperature: 4, alpha: 0, mode: 'soft' }, teacher,
      onStep: (_d, _t, m) => { seen.push(m); },
    });
    expect(ok).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const mean = (xs: StepMetrics[], k: keyof StepMetrics) => xs.reduce((a, m) => a + m[k], 0) / xs.length;
    expect(mean(seen.slice(-5), 'agreement')).toBeGreaterThan(mean(seen.slice(0, 5), 'agreement') + 0.2);
    expect(mean(seen.slice(-5), 'loss')).toBeLessThan(mean(seen.slice(0, 5), 'loss'));
    await expect(fineTune(student, unlabelled, new Map(), { epochs: 1 })).rejects.toThrow(/has no labels: fine-tuning needs labelled data; distill/);
  });

  it('stops at once when cancelled and says so', async () => {
    const model = net();
    let steps = 0;
    const ok = await fineTune(model, train, new Map(), { epochs: 1, limit: 640, isCancelled: () => steps >= 2, onStep: () => { steps++; } });
    expect(ok).toBe(false);
    expect(steps).toBe(2);
  });
});
