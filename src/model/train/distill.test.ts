import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../../node/io';
import { imagesToTensor } from '../datasetTensor';
import { modelFromParts, partsFromArtifacts } from '../weights';
import { distillationLoss, hintLoss, teacherLogits, withLogitHead } from './distill';

const value = (t: tf.Scalar) => { const v = t.dataSync()[0]; t.dispose(); return v; };

describe('distillationLoss', () => {
  beforeAll(async () => { await useWasm(); });
  // Reference values from Python (math.exp / math.log, written out in the comments) for z_s = [1, 2, 3], z_t = [3, 1, 0], T = 2:
  // p_t = softmax([1.5, 0.5, 0]), p_s = softmax([0.5, 1, 1.5]); T²·KL(p_t ‖ p_s) = 2.0738163287413798;
  // CE(label 2, softmax(z_s)) = 0.40760596444438046; CE(label 0) = 2.40760596444438.
  const zs = () => tf.tensor2d([[1, 2, 3]]);
  const zt = () => tf.tensor2d([[3, 1, 0]]);

  it('soft targets: T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)), checked by hand', () => {
    expect(value(distillationLoss(zs(), zt(), undefined, { temperature: 2, alpha: 0, mode: 'soft' }))).toBeCloseTo(2.0738163287413798, 5);
    // and independently of the reference: the same formula with Math.exp at T = 3
    const sm = (z: number[]) => { const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b); return e.map((x) => x / s); };
    const [pt, ps] = [sm([1, 1 / 3, 0]), sm([1 / 3, 2 / 3, 1])];
    const kl = pt.reduce((a, p, i) => a + p * (Math.log(p) - Math.log(ps[i])), 0);
    expect(value(distillationLoss(zs(), zt(), undefined, { temperature: 3, alpha: 0, mode: 'soft' }))).toBeCloseTo(9 * kl, 5);
  });

  it('α mixes in the labels\' cross-entropy: α·CE + (1 − α)·T²·KL', () => {
    const labels = tf.tensor2d([[0, 0, 1]]);
    expect(value(distillationLoss(zs(), zt(), labels, { temperature: 2, alpha: 0.25, mode: 'soft' }))).toBeCloseTo(0.25 * 0.40760596444438046 + 0.75 * 2.0738163287413798, 5);
    expect(value(distillationLoss(zs(), zt(), labels, { temperature: 2, alpha: 1, mode: 'soft' }))).toBeCloseTo(0.40760596444438046, 5);
  });

  it('hard mode: cross-entropy with the teacher\'s top class, whatever T', () => {
    for (const temperature of [1, 2, 8]) expect(value(distillationLoss(zs(), zt(), undefined, { temperature, alpha: 0, mode: 'hard' }))).toBeCloseTo(2.40760596444438, 5);
  });

  it('is a batch mean, zero when student equals teacher, and never negative', () => {
    const two = distillationLoss(tf.tensor2d([[1, 2, 3], [0, 0, 0]]), tf.tensor2d([[3, 1, 0], [0, 0, 0]]), undefined, { temperature: 2, alpha: 0, mode: 'soft' });
    expect(value(two)).toBeCloseTo(2.0738163287413798 / 2, 5);
    expect(value(distillationLoss(zt(), zt(), undefined, { temperature: 4, alpha: 0, mode: 'soft' }))).toBeCloseTo(0, 6);
    const r = tf.randomNormal([16, 10], 0, 3, 'float32', 1) as tf.Tensor2D;
    const s = tf.randomNormal([16, 10], 0, 3, 'float32', 2) as tf.Tensor2D;
    expect(value(distillationLoss(s, r, undefined, { temperature: 5, alpha: 0, mode: 'soft' }))).toBeGreaterThan(0);
  });

  it('refuses what would silently be wrong', () => {
    expect(() => distillationLoss(zs(), zt(), undefined, { temperature: 2, alpha: 0.5, mode: 'soft' })).toThrow(/no labels: set alpha to 0|has no labels/);
    expect(() => distillationLoss(zs(), zt(), undefined, { temperature: 0.5, alpha: 0, mode: 'soft' })).toThrow(/temperature must be ≥ 1/);
    expect(() => hintLoss(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/shapes differ/);
    expect(value(hintLoss(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 0]])))).toBeCloseTo(2.5, 6);
  });

  it('leaves no tensors behind', () => {
    const [a, b, y] = [zs(), zt(), tf.tensor2d([[0, 1, 0]])];
    const before = tf.memory().numTensors;
    for (const mode of ['soft', 'hard'] as const) value(distillationLoss(a, b, y, { temperature: 3, alpha: 0.5, mode }));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, y]);
  });
});

describe('withLogitHead and teacherLogits', () => {
  beforeAll(async () => { await useWasm(); });

  it('removes the softmax of the output layer: softmax(logits) = the model\'s probabilities', async () => {
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'fashion-cnn', 'model.json')));
    const head = withLogitHead(parts);
    expect(head.probabilities).toBe(true);
    expect(withLogitHead(head.parts).probabilities).toBe(false); // already logits
    expect(JSON.stringify(parts.topology)).toContain('"softmax"'); // the original's topology is not touched
    const [model, logits] = [await modelFromParts(parts), await modelFromParts(head.parts)];
    const val = readDataset('fashion-mnist', 'val');
    const z = await teacherLogits(logits, val, 300, { batchSize: 128 });
    const p = tf.tidy(() => (model.predict(imagesToTensor(val, 0, 300)) as tf.Tensor).dataSync());
    const q = tf.tidy(() => tf.softmax(tf.tensor2d(z as Float32Array, [300, 10])).dataSync());
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - q[i]));
    expect(worst).toBeLessThan(1e-5);
    model.dispose();
    logits.dispose();
  });

  it('turns an Activation("softmax") or a Softmax output layer into a linear one', () => {
    const topo = (last: object) => ({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 3, activation: 'relu' } }, last] } });
    const a = withLogitHead({ topology: topo({ class_name: 'Activation', config: { name: 'a', activation: 'softmax' } }), weights: [] });
    expect(a.probabilities).toBe(true);
    expect(JSON.stringify(a.parts.topology)).toContain('"activation":"linear"');
    const b = withLogitHead({ topology: topo({ class_name: 'Softmax', config: { name: 'sm', axis: -1 } }), weights: [] });
    expect(b.probabilities).toBe(true);
    expect(JSON.stringify(b.parts.topology)).toMatch(/"class_name":"Activation","config":\{"name":"sm".*"activation":"linear"/);
    const c = withLogitHead({ topology: topo({ class_name: 'Dense', config: { name: 'out', units: 2, activation: 'linear' } }), weights: [] });
    expect(c.probabilities).toBe(false);
  });
});
