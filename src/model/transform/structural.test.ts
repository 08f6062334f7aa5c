import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import { artifactsFromParts } from '../weights';
import { accuracy, bundledParts, valImages } from './fixtures';
import { applyStructural } from './structural';

let mnist: { x: tf.Tensor4D; labels: Uint8Array };
beforeAll(async () => {
  await useWasm();
  mnist = valImages('mnist', 500);
});
afterAll(() => mnist.x.dispose());

describe('applyStructural', () => {
  it('a plan without structural settings returns the same parts', () => {
    const parts = bundledParts('lenet-300-100');
    const { parts: out, report } = applyStructural(parts, { version: 1, prune: { ratio: 0.5 } });
    expect(out).toBe(parts);
    expect(report).toMatchObject({ channels: [], lowRank: [], before: { params: 266_610, flops: 532_400 }, after: { params: 266_610 } });
  });

  it('keeps a model_config wrapper; the result still loads', async () => {
    const plain = bundledParts('lenet-300-100');
    const parts = { ...plain, topology: { model_config: plain.topology, keras_version: '2.15.0', backend: 'tensorflow' } };
    const { parts: out, report } = applyStructural(parts, { version: 1, channels: { ratio: 0.5 }, lowRank: { by: 'rank', value: 16 } });
    expect(Object.keys(out.topology)).toEqual(['model_config', 'keras_version', 'backend']);
    expect(report.lowRank.map((r) => r.rank)).toEqual([16, 16, undefined]);
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifactsFromParts(out)));
    expect(model.layers.map((l) => l.name)).toEqual(['flatten', 'fc1_lr', 'fc1', 'fc2_lr', 'fc2', 'fc3']);
    // by hand: fc1 300 → 150 and fc2 100 → 50 units; fc1, fc2 factorised at rank 16, fc3 (the output) kept whole
    const fc1 = 784 * 16 + 16 * 150 + 150;
    const fc2 = 150 * 16 + 16 * 50 + 50;
    const fc3 = 50 * 10 + 10;
    expect(model.countParams()).toBe(fc1 + fc2 + fc3);
    expect(report.after.params).toBe(fc1 + fc2 + fc3);
    model.dispose();
  });

  it('channels then low-rank on lenet-5: the figures match the model TF.js loads, and it still classifies', async () => {
    const parts = bundledParts('lenet-5');
    const { parts: out, report } = applyStructural(parts, { version: 1, channels: { ratio: 0.25 }, lowRank: { by: 'fraction', value: 0.25 } });
    expect(report.channels.find((r) => r.layer === 'conv2')).toMatchObject({ before: 50, after: 37 }); // round(12.5) = 13 removed
    const ip1 = report.lowRank.find((r) => r.layer === 'ip1');
    expect(ip1).toMatchObject({ rank: Math.ceil(0.25 * 375), factorLayer: 'ip1_lr' }); // ip1 is 592×375 after pruning
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifactsFromParts(out)));
    expect(model.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'ip1_lr', 'ip1', 'ip2']);
    // By hand, from the architecture: conv1 20 → 15 filters, conv2 50 → 37, ip1 500 → 375 units, ip2 (output)
    // whole; 28×28 → conv 5×5 → 24×24 → pool → 12×12 → conv 5×5 → 8×8 → pool → 4×4×37 = 592; ip1 at rank 94.
    const rank = Math.ceil(0.25 * 375);
    const weights = [5 * 5 * 1 * 15, 5 * 5 * 15 * 37, 592 * rank, rank * 375, 375 * 10];
    const biases = 15 + 37 + 375 + 10;
    const macs = [24 * 24 * 25 * 15, 8 * 8 * 5 * 5 * 15 * 37, 592 * rank, rank * 375, 375 * 10];
    expect(model.countParams()).toBe(weights.reduce((a, b) => a + b) + biases);
    expect(report.after).toEqual({ params: weights.reduce((a, b) => a + b) + biases, flops: 2 * macs.reduce((a, b) => a + b) });
    model.dispose();
    // and before: 20 and 50 filters, 800 → 500 → 10 (431 080 parameters, as the README says)
    expect(report.before).toEqual({ params: 431_080, flops: 2 * (24 * 24 * 25 * 20 + 8 * 8 * 25 * 20 * 50 + 800 * 500 + 500 * 10) });
    const acc = await accuracy(out, mnist.x, mnist.labels);
    console.log(`structural lenet-5 (channels 0.25, low-rank fraction 0.25): params ${report.before.params} → ${report.after.params}, FLOPs ${report.before.flops} → ${report.after.flops}, accuracy ${acc.toFixed(3)} on 500 mnist-val images`);
    expect(acc).toBeGreaterThan(0.5);
  });
});
