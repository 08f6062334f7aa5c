import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import type { ModelParts } from '../weights';
import { pruneChannelsStructured, type ChannelReport } from './channels';
import { countParams, flops } from './cost';
import {
  accuracy, bundledParts, maxAbsDiff, partsOfModel, predict, pseudoRandom, randomize, valImages, weight, withWeight, zeroChannels,
} from './fixtures';

let mnist: { x: tf.Tensor4D; labels: Uint8Array };
let fashion: { x: tf.Tensor4D; labels: Uint8Array };
beforeAll(async () => {
  await useWasm();
  mnist = valImages('mnist', 500);
  fashion = valImages('fashion-mnist', 200);
});
afterAll(() => { mnist.x.dispose(); fashion.x.dispose(); });

const rowOf = (report: ChannelReport[], layer: string) => report.find((r) => r.layer === layer) as ChannelReport;
const f32 = (...v: number[]) => Float32Array.from(v);

/** A 3 → 4 (relu) → 2 Dense net with hand-chosen weights. */
async function tiny(col1: number[], col3: number[]): Promise<ModelParts> {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'h' }), tf.layers.dense({ units: 2, name: 'out' })] });
  let parts = await partsOfModel(m);
  m.dispose();
  const w1 = [[1, col1[0], -2, col3[0]], [2, col1[1], 1, col3[1]], [-3, col1[2], 0, col3[2]]].flat();
  parts = withWeight(parts, 'h/kernel', () => Float32Array.from(w1));
  parts = withWeight(parts, 'h/bias', () => f32(0.1, 0.2, 0.3, -0.4));
  parts = withWeight(parts, 'out/kernel', () => f32(1, 2, 3, 4, 5, 6, 7, 8));
  return withWeight(parts, 'out/bias', () => f32(0.5, -0.5));
}

describe('pruneChannelsStructured', () => {
  it('hand-checked 3→4→2: removes the lowest-L1 units, slices the next kernel, folds relu(b_c)·W[c,:] into its bias', async () => {
    const parts = await tiny([0.1, 0.1, 0.3], [0.2, 0.2, 0.2]); // L1 scores 6, 0.5, 3, 0.6
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0.5 } });
    expect(rowOf(report, 'h')).toMatchObject({ before: 4, after: 2, removed: [1, 3], compensation: 'exact' });
    expect(rowOf(report, 'out').excluded).toMatch(/model output layer/);
    expect(weight(out, 'h/kernel')).toMatchObject({ values: f32(1, -2, 2, 1, -3, 0), shape: [3, 2] });
    expect(weight(out, 'h/bias').values).toEqual(f32(0.1, 0.3));
    expect(weight(out, 'out/kernel')).toMatchObject({ values: f32(1, 2, 5, 6), shape: [2, 2] });
    // b' = b + relu(0.2)·[3, 4] + relu(−0.4)·[7, 8] = [0.5 + 0.6, −0.5 + 0.8]
    expect(Array.from(weight(out, 'out/bias').values)).toEqual([Math.fround(1.1), Math.fround(0.3)]);
    expect(JSON.stringify(out.topology)).toContain('"units":2');
    expect(parts.weights[0].shape).toEqual([3, 4]); // the input is not modified
  });

  it('L1 and L2 can disagree: [0.5, 0, 0] vs [0.2, 0.2, 0.2]', async () => {
    const parts = await tiny([0.5, 0, 0], [0.2, 0.2, 0.2]);
    expect(rowOf(pruneChannelsStructured(parts, { channels: { ratio: 0.25, norm: 'l1' } }).report, 'h').removed).toEqual([1]);
    expect(rowOf(pruneChannelsStructured(parts, { channels: { ratio: 0.25, norm: 'l2' } }).report, 'h').removed).toEqual([3]);
    // keep at least one unit; exclude and per-layer ratio overrides
    expect(rowOf(pruneChannelsStructured(parts, { channels: { ratio: 0.99 } }).report, 'h').after).toBe(1);
    expect(rowOf(pruneChannelsStructured(parts, { channels: { ratio: 0.5 }, layers: { h: { exclude: true } } }).report, 'h').excluded).toBe('excluded by the plan');
    expect(rowOf(pruneChannelsStructured(parts, { layers: { h: { channels: 0.75 } } }).report, 'h').after).toBe(1);
  });

  it('ratio 0 changes nothing: outputs identical on real images', async () => {
    const parts = bundledParts('lenet-5');
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0 } });
    expect(report.every((r) => r.after === r.before)).toBe(true);
    expect(maxAbsDiff(await predict(out, mnist.x), await predict(parts, mnist.x))).toBeLessThanOrEqual(1e-5);
  });

  it('BN compensation is exact: Dense → BN → ReLU → Dense with a dead unit (zero kernel column, non-zero bias)', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ units: 5, inputShape: [4], name: 'h' }), tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU({ name: 'relu' }), tf.layers.dense({ units: 3, name: 'out' }),
    ] });
    let parts = withWeight(randomize(await partsOfModel(m), 7), 'h/kernel', (v, s) => zeroChannels(v, s, [2]));
    parts = withWeight(parts, 'bn/beta', (b) => b.map((x, c) => (c === 2 ? 2 : x))); // so that relu(BN(b_2)) > 0
    m.dispose();
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0.2 } });
    expect(rowOf(report, 'h')).toMatchObject({ removed: [2], after: 4, compensation: 'exact' });
    expect(weight(out, 'bn/moving_mean').shape).toEqual([4]);
    expect(maxAbsDiff(weight(out, 'out/bias').values, weight(parts, 'out/bias').values)).toBeGreaterThan(1e-3);
    const x = tf.tensor2d(pseudoRandom(64 * 4, 3), [64, 4]);
    expect(maxAbsDiff(await predict(out, x), await predict(parts, x))).toBeLessThanOrEqual(1e-5);
    x.dispose();
  });

  it('a live unit followed by BN is folded at the BN running mean: its constant output is act(β_c)', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ units: 3, inputShape: [2], name: 'h' }), tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.activation({ activation: 'relu', name: 'relu' }), tf.layers.dense({ units: 2, name: 'out' }),
    ] });
    let parts = randomize(await partsOfModel(m), 5);
    m.dispose();
    parts = withWeight(parts, 'h/kernel', () => f32(1, 0.1, -1, 2, 0.1, 1)); // column 1 scores lowest but is live
    parts = withWeight(parts, 'bn/beta', () => f32(0, 0.7, 0));
    const { parts: out } = pruneChannelsStructured(parts, { channels: { ratio: 0.34 } });
    const w = weight(parts, 'out/kernel').values; // row 1 = [w[2], w[3]]
    const expected = Array.from(weight(parts, 'out/bias').values, (b, o) => Math.fround(b + 0.7 * w[2 + o]));
    expect(Array.from(weight(out, 'out/bias').values)).toEqual(expected.map((e) => expect.closeTo(e, 6)));
  });

  it('lenet-5 with dead filters and units: exact through pooling, Flatten re-indexing and bias folding', async () => {
    let parts = bundledParts('lenet-5');
    parts = withWeight(parts, 'conv1/kernel', (v, s) => zeroChannels(v, s, [3, 7])); // biases kept: constant outputs
    parts = withWeight(parts, 'conv2/kernel', (v, s) => zeroChannels(v, s, [0, 10, 20, 30, 49]));
    parts = withWeight(parts, 'ip1/kernel', (v, s) => zeroChannels(v, s, Array.from({ length: 50 }, (_, i) => i * 10)));
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0.1 } });
    expect(rowOf(report, 'conv1').removed).toEqual([3, 7]);
    expect(rowOf(report, 'conv2').removed).toEqual([0, 10, 20, 30, 49]);
    expect(rowOf(report, 'ip1')).toMatchObject({ after: 450, compensation: 'exact' });
    expect(weight(out, 'ip1/kernel').shape).toEqual([16 * 45, 450]);
    expect(maxAbsDiff(await predict(out, mnist.x), await predict(parts, mnist.x))).toBeLessThanOrEqual(1e-5);
  });

  it('fashion-cnn with dead channels: exact through BN, DepthwiseConv2D, 1×1 conv, Flatten and Dropout', async () => {
    let parts = bundledParts('fashion-cnn');
    // conv1 has no bias: make BN(0) = 0 on the dead filters so the depthwise 'same' borders stay exact.
    const dead1 = [2, 5];
    const { values: g } = weight(parts, 'bn1/gamma');
    const { values: mu } = weight(parts, 'bn1/moving_mean');
    const { values: v } = weight(parts, 'bn1/moving_variance');
    parts = withWeight(parts, 'bn1/beta', (b) => b.map((x, c) => (dead1.includes(c) ? (g[c] * mu[c]) / Math.sqrt(v[c] + 1e-3) : x)));
    parts = withWeight(parts, 'conv1/kernel', (k, s) => zeroChannels(k, s, dead1));
    parts = withWeight(parts, 'pw2/kernel', (k, s) => zeroChannels(k, s, [1, 8, 9, 31])); // BN3 of 0 ≠ 0: folded through Flatten
    parts = withWeight(parts, 'fc1/kernel', (k, s) => zeroChannels(k, s, [0, 8, 16, 24, 32, 40, 48, 56]));
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0.125 } });
    expect(rowOf(report, 'conv1')).toMatchObject({ removed: dead1, compensation: 'borders' });
    expect(rowOf(report, 'pw2')).toMatchObject({ removed: [1, 8, 9, 31], compensation: 'exact' });
    expect(rowOf(report, 'fc1').after).toBe(56);
    expect(weight(out, 'dw2/depthwise_kernel').shape).toEqual([3, 3, 14, 1]);
    expect(weight(out, 'bn3/gamma').shape).toEqual([28]);
    expect(weight(out, 'pw2/bias').shape).toEqual([28]); // enabled to take the folded constants
    expect(weight(out, 'fc1/kernel').shape).toEqual([49 * 28, 56]);
    expect(maxAbsDiff(await predict(out, fashion.x), await predict(parts, fashion.x))).toBeLessThanOrEqual(1e-5);
  });

  it('conv → conv → global pooling → Dense with dead filters (non-zero biases): exact', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 2], name: 'c1' }),
      tf.layers.conv2d({ filters: 5, kernelSize: 3, name: 'c2' }), tf.layers.globalAveragePooling2d({ name: 'gap' }), tf.layers.dense({ units: 3, name: 'out' }),
    ] });
    let parts = randomize(await partsOfModel(m), 11);
    m.dispose();
    parts = withWeight(parts, 'c1/bias', (b) => b.map((x) => Math.abs(x))); // relu(b) > 0: a real constant to fold
    parts = withWeight(parts, 'c1/kernel', (k, s) => zeroChannels(k, s, [1]));
    parts = withWeight(parts, 'c2/kernel', (k, s) => zeroChannels(k, s, [4]));
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0.2 } });
    expect(report.map((r) => [r.layer, r.removed, r.compensation])).toEqual([['c1', [1], 'exact'], ['c2', [4], 'exact'], ['out', [], undefined]]);
    expect(weight(out, 'c2/kernel').shape).toEqual([3, 3, 5, 4]);
    const x = tf.tensor4d(pseudoRandom(4 * 8 * 8 * 2, 8), [4, 8, 8, 2]);
    expect(maxAbsDiff(await predict(out, x), await predict(parts, x))).toBeLessThanOrEqual(1e-5);
    x.dispose();
  });

  it('functional model: Add branches are excluded with the reason, the rest is pruned exactly', async () => {
    const inp = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 6, name: 'a' }).apply(inp) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 6, name: 'b' }).apply(inp) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'add' }).apply([a, b]) as tf.SymbolicTensor;
    const h = tf.layers.dense({ units: 5, activation: 'relu', name: 'h' }).apply(sum) as tf.SymbolicTensor;
    const m = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 2, name: 'out' }).apply(h) as tf.SymbolicTensor });
    let parts = randomize(await partsOfModel(m), 3);
    m.dispose();
    parts = withWeight(parts, 'h/kernel', (k, s) => zeroChannels(k, s, [1, 3]));
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0.4 } });
    expect(rowOf(report, 'a').excluded).toMatch(/merge layer "add" \(Add\)/);
    expect(rowOf(report, 'b').excluded).toMatch(/merge layer "add"/);
    expect(rowOf(report, 'h')).toMatchObject({ removed: [1, 3], after: 3 });
    const x = tf.tensor2d(pseudoRandom(32 * 4, 5), [32, 4]);
    expect(maxAbsDiff(await predict(out, x), await predict(parts, x))).toBeLessThanOrEqual(1e-5);
    x.dispose();
  });

  it('unsupported paths give a reason and leave a working model', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ units: 6, inputShape: [4], name: 'a' }), tf.layers.reshape({ targetShape: [2, 3], name: 'reshape' }),
      tf.layers.flatten({ name: 'flat' }), tf.layers.dense({ units: 5, activation: 'softmax', name: 'b' }),
      tf.layers.dense({ units: 4, name: 'c' }), tf.layers.activation({ activation: 'softmax', name: 'sm' }), tf.layers.dense({ units: 2, name: 'out' }),
    ] });
    const parts = randomize(await partsOfModel(m), 4);
    m.dispose();
    const { parts: out, report } = pruneChannelsStructured(parts, { channels: { ratio: 0.5 } });
    expect(rowOf(report, 'a').excluded).toMatch(/"reshape" \(Reshape\), which this transform cannot re-index/);
    expect(rowOf(report, 'b').excluded).toMatch(/softmax activation/);
    expect(rowOf(report, 'c').excluded).toMatch(/softmax that mixes channels/);
    const x = tf.tensor2d(pseudoRandom(8 * 4, 6), [8, 4]);
    expect(maxAbsDiff(await predict(out, x), await predict(parts, x))).toBe(0);
    x.dispose();
  });

  it('bundled models at ratio 0.3: load in stock TF.js, fewer params and FLOPs; lenet-300-100 still classifies', async () => {
    for (const id of ['lenet-300-100', 'lenet-5', 'fashion-cnn']) {
      const parts = bundledParts(id);
      const { parts: out } = pruneChannelsStructured(parts, { channels: { ratio: 0.3 } });
      const data = id === 'fashion-cnn' ? fashion : mnist;
      const plain = pruneChannelsStructured(parts, { channels: { ratio: 0.3 } }, { compensate: false }).parts;
      const [before, after, noComp] = [await accuracy(parts, data.x, data.labels), await accuracy(out, data.x, data.labels), await accuracy(plain, data.x, data.labels)];
      console.log(`channels 0.3 ${id}: params ${countParams(parts)} → ${countParams(out)}, FLOPs ${flops(parts)} → ${flops(out)}, accuracy ${before.toFixed(3)} → ${after.toFixed(3)} (without bias compensation ${noComp.toFixed(3)}) on ${data.labels.length} val images`);
      expect(countParams(out)).toBeLessThan(countParams(parts));
      expect(flops(out)).toBeLessThan(flops(parts));
      if (id === 'lenet-300-100') expect(after).toBeGreaterThan(0.8);
    }
  });

  it('carried arrays are sliced exactly like their weights (fashion-cnn: BN, depthwise, Flatten); Taylor scores pick the units', () => {
    const parts = bundledParts('fashion-cnn');
    const kernels = parts.weights.filter((w) => w.name.endsWith('kernel'));
    const carry = new Map(kernels.map((w) => [w.name, w.values]));
    // Taylor channel scores that are the reverse of the unit index: the highest-index units go.
    const scores = new Map(kernels.map((w) => [w.name.split('/')[0], Float64Array.from({ length: w.shape[w.shape.length - 1] }, (_, i) => -i)]));
    const { parts: out, report, carried } = pruneChannelsStructured(parts, { channels: { ratio: 0.3, norm: 'taylor' } }, { scores, carry });
    for (const w of kernels) expect(carried.get(w.name)).toEqual(weight(out, w.name).values);
    const pruned = report.filter((r) => r.removed.length);
    expect(pruned.length).toBeGreaterThan(0);
    for (const r of pruned) expect(r.removed).toEqual(Array.from({ length: r.before - r.after }, (_, i) => r.after + i));
    expect(() => pruneChannelsStructured(parts, { channels: { ratio: 0.3, norm: 'taylor' } })).toThrow(/Taylor scores need training data/);
  });
});
