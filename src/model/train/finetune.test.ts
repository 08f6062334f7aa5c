import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDataset, useWasm } from '../../node/io';
import type { LabelledDataset } from '../dataset';
import { imagesToTensor } from '../datasetTensor';
import { fineTune } from './finetune';

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
});
