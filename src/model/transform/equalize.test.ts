import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import type { ModelParts } from '../weights';
import { channelRanges, equalizeCrossLayer, type EqualizeReport } from './equalize';
import { bundledParts, partsOfModel, predict, pseudoRandom, randomize, valImages, weight, withWeight } from './fixtures';
import { readGraph } from './graph';

let mnist: tf.Tensor4D;
let fashion: tf.Tensor4D;
beforeAll(async () => {
  await useWasm();
  mnist = valImages('mnist', 200).x;
  fashion = valImages('fashion-mnist', 200).x;
});
afterAll(() => { mnist.dispose(); fashion.dispose(); });

const f32 = (...v: number[]) => Float32Array.from(v);
const rowOf = (report: EqualizeReport[], layer: string) => report.find((r) => r.layer === layer) as EqualizeReport;
/** max |a − b| / max |b|. */
function relDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  b.forEach((x, i) => { d = Math.max(d, Math.abs(a[i] - x)); m = Math.max(m, Math.abs(x)); });
  return d / m;
}
const classes = (parts: ModelParts) => readGraph(parts.topology).nodes.map((n) => n.className);

async function built(layers: tf.layers.Layer[], seed: number): Promise<ModelParts> {
  const m = tf.sequential({ layers });
  const parts = randomize(await partsOfModel(m), seed);
  m.dispose();
  return parts;
}

/** Outputs before and after on x agree to 1e-5 relative; every weight finite. */
async function expectSameFunction(before: ModelParts, after: ModelParts, x: tf.Tensor): Promise<void> {
  expect(relDiff(await predict(after, x), await predict(before, x))).toBeLessThanOrEqual(1e-5);
  for (const w of after.weights) expect(w.values.every(Number.isFinite)).toBe(true);
}

/** For each equalized pair: layer1's output-channel ranges equal layer2's input-channel ranges (relative tol). */
function expectRangesMatch(parts: ModelParts, report: EqualizeReport[], tol: number): number {
  const graph = readGraph(parts.topology);
  let pairs = 0;
  for (const row of report) {
    if (!row.next) continue;
    pairs++;
    const k1 = parts.weights.find((w) => w.name === `${row.layer}/${row.className === 'DepthwiseConv2D' ? 'depthwise_kernel' : 'kernel'}`)!;
    const n2 = graph.get(row.next)!;
    const k2 = parts.weights.find((w) => w.name === `${row.next}/${n2.className === 'DepthwiseConv2D' ? 'depthwise_kernel' : 'kernel'}`)!;
    const c = row.className === 'DepthwiseConv2D' ? k1.shape[2] : k1.shape[k1.shape.length - 1];
    const r1 = channelRanges(k1.values, k1.shape, row.className === 'DepthwiseConv2D' ? 2 : k1.shape.length - 1, c);
    const r2 = channelRanges(k2.values, k2.shape, n2.className === 'Dense' ? 0 : 2, c);
    r1.forEach((a, i) => { if (a > 0 && r2[i] > 0) expect(Math.abs(a - r2[i]) / a, `${row.layer}→${row.next} channel ${i}`).toBeLessThanOrEqual(tol); });
  }
  return pairs;
}

describe('equalizeCrossLayer', () => {
  it('hand-checked 2→2 (relu)→1 Dense: s = √(r1/r2) = [2, 0.5], ranges [2, 2] both sides', async () => {
    let parts = await built([tf.layers.dense({ units: 2, activation: 'relu', inputShape: [2], name: 'h' }), tf.layers.dense({ units: 1, name: 'out' })], 1);
    parts = withWeight(parts, 'h/kernel', () => f32(4, 1, -2, 0.5)); // columns: [4, −2] (r1 = 4), [1, 0.5] (r1 = 1)
    parts = withWeight(parts, 'h/bias', () => f32(0.2, 0.4));
    parts = withWeight(parts, 'out/kernel', () => f32(1, 4)); // rows: r2 = [1, 4]
    const { parts: out, report, sweeps } = equalizeCrossLayer(parts);
    expect(weight(out, 'h/kernel').values).toEqual(f32(2, 2, -1, 1));
    expect(weight(out, 'h/bias').values).toEqual(f32(0.1, 0.8));
    expect(weight(out, 'out/kernel').values).toEqual(f32(2, 2));
    expect(sweeps).toBe(2); // the second sweep finds s = 1
    expect(rowOf(report, 'h')).toMatchObject({ next: 'out', spreadBefore: 4, spreadAfter: 1 });
    expect(rowOf(report, 'out').skipped).toMatch(/model output/);
    expect(weight(parts, 'h/kernel').values).toEqual(f32(4, 1, -2, 0.5)); // input untouched
    await expectSameFunction(parts, out, tf.tensor2d(pseudoRandom(64 * 2, 5), [64, 2]));
  });

  it('folds a BN into the layer before it (adds its bias) and removes it: Dense → BN → ReLU → Dense', async () => {
    const parts = await built([
      tf.layers.dense({ units: 6, inputShape: [4], useBias: false, name: 'h' }), tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU({ name: 'relu' }), tf.layers.dense({ units: 3, name: 'out' }),
    ], 3);
    const { parts: out, report } = equalizeCrossLayer(parts);
    expect(rowOf(report, 'h')).toMatchObject({ next: 'out', foldedBn: 'bn' });
    expect(classes(out)).toEqual(['Dense', 'ReLU', 'Dense']);
    expect(out.weights.map((w) => w.name)).toEqual(['h/kernel', 'h/bias', 'out/kernel', 'out/bias']);
    expect(expectRangesMatch(out, report, 1e-6)).toBe(1);
    await expectSameFunction(parts, out, tf.tensor2d(pseudoRandom(64 * 4, 9), [64, 4]));
  });

  it('skips relu6, BN after the activation, and a branch, each with its reason; the model is left as it was', async () => {
    const relu6 = await built([tf.layers.dense({ units: 4, inputShape: [3], name: 'h' }), tf.layers.reLU({ maxValue: 6, name: 'r6' }), tf.layers.dense({ units: 2, name: 'out' })], 4);
    const a = equalizeCrossLayer(relu6);
    expect(rowOf(a.report, 'h').skipped).toMatch(/max_value 6.*not positively homogeneous/);
    expect(a.parts.weights).toEqual(relu6.weights);
    const act6 = await built([tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu6', name: 'h' }), tf.layers.dense({ units: 2, name: 'out' })], 4);
    expect(rowOf(equalizeCrossLayer(act6).report, 'h').skipped).toMatch(/relu6 is not positively homogeneous/);
    const bnAfter = await built([tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', name: 'h' }), tf.layers.batchNormalization({ name: 'bn' }), tf.layers.dense({ units: 2, name: 'out' })], 4);
    expect(rowOf(equalizeCrossLayer(bnAfter).report, 'h').skipped).toMatch(/"bn" \(BatchNormalization\) does not follow it directly/);

    const input = tf.input({ shape: [3] });
    const h = tf.layers.dense({ units: 4, activation: 'relu', name: 'h' }).apply(input) as tf.SymbolicTensor;
    const y1 = tf.layers.dense({ units: 2, name: 'o1' }).apply(h) as tf.SymbolicTensor;
    const y2 = tf.layers.dense({ units: 2, name: 'o2' }).apply(h) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: tf.layers.add().apply([y1, y2]) as tf.SymbolicTensor });
    const branch = randomize(await partsOfModel(m), 2);
    m.dispose();
    const b = equalizeCrossLayer(branch);
    expect(rowOf(b.report, 'h').skipped).toMatch(/branches to 2 layers/);
    expect(rowOf(b.report, 'o1').skipped).toMatch(/merge/);
    expect(b.sweeps).toBe(0);
    expect(b.parts.weights).toEqual(branch.weights);
  });

  it.each([['lenet-5', 3], ['lenet-300-100', 2]])('%s: outputs unchanged to 1e-5 on MNIST val, ranges matched, signs kept (positive scales)', async (id, pairs) => {
    const parts = bundledParts(id as string);
    const { parts: out, report } = equalizeCrossLayer(parts);
    expect(expectRangesMatch(out, report, 1e-3)).toBe(pairs);
    parts.weights.forEach((w, i) => expect(w.values.every((v, j) => Math.sign(v) === Math.sign(out.weights[i].values[j]))).toBe(true));
    await expectSameFunction(parts, out, mnist);
  });

  it('fashion-cnn: BNs folded and removed, depthwise-separable chain equalized, outputs unchanged to 1e-5 on fashion-mnist val', async () => {
    const parts = bundledParts('fashion-cnn');
    const { parts: out, report, sweeps } = equalizeCrossLayer(parts);
    expect(report.map((r) => [r.layer, r.next, r.foldedBn])).toEqual([
      ['conv1', 'dw2', 'bn1'], ['dw2', 'pw2', 'bn2'], ['pw2', 'fc1', 'bn3'], ['fc1', 'fc2', undefined], ['fc2', undefined, undefined],
    ]);
    expect(classes(out)).not.toContain('BatchNormalization');
    expect(out.weights.some((w) => w.name.startsWith('bn'))).toBe(false);
    expect(sweeps).toBeGreaterThan(1);
    expect(expectRangesMatch(out, report, 1e-3)).toBe(4);
    for (const r of report.filter((x) => x.next)) expect(r.spreadAfter).toBeLessThanOrEqual(r.spreadBefore as number);
    await expectSameFunction(parts, out, fashion);
  });
});

describe('equalizeCrossLayer with batchNorm "keep"', () => {
  it('fashion-cnn: BNs kept (γ, β, μ, σ rescaled), raw kernels equalized, outputs unchanged to 1e-5', async () => {
    const parts = bundledParts('fashion-cnn');
    const { parts: out, report } = equalizeCrossLayer(parts, { batchNorm: 'keep' });
    expect(classes(out)).toEqual(classes(parts));
    expect(out.weights.map((w) => w.name)).toEqual(parts.weights.map((w) => w.name));
    expect(report.filter((r) => r.next).map((r) => [r.layer, r.foldedBn])).toEqual([['conv1', undefined], ['dw2', undefined], ['pw2', undefined], ['fc1', undefined]]);
    expect(expectRangesMatch(out, report, 1e-3)).toBe(4);
    expect(weight(out, 'bn1/gamma').values).not.toEqual(weight(parts, 'bn1/gamma').values);
    expect(weight(out, 'bn1/moving_variance').values.every((v) => v >= 0)).toBe(true);
    await expectSameFunction(parts, out, fashion);
  });
});

describe('compressModel with quantize.equalize "cle"', () => {
  it('equalizes before quantizing: report rows, BNs gone from the compressed topology; without it nothing changes', async () => {
    const { compressModel } = await import('../compress');
    const parts = bundledParts('fashion-cnn');
    const on = compressModel(parts, { version: 1, quantize: { bits: 16, granularity: 'tensor', equalize: 'cle' } });
    expect(on.equalization?.filter((r) => r.next).map((r) => r.layer)).toEqual(['conv1', 'dw2', 'pw2', 'fc1']);
    expect(classes(on.parts)).not.toContain('BatchNormalization');
    expect(on.skipped).toEqual([]);
    // 16-bit per-tensor codes after equalization: still the model's function to quantization noise
    expect(relDiff(await predict(on.parts, fashion), await predict(parts, fashion))).toBeLessThanOrEqual(1e-3);
    const off = compressModel(parts, { version: 1, quantize: { bits: 16, granularity: 'tensor' } });
    expect(off.equalization).toBeUndefined();
    expect(classes(off.parts)).toContain('BatchNormalization');
  });

  it('a graph model has no layer graph to equalize: skipped, with the reason', async () => {
    const { compressModel } = await import('../compress');
    const out = compressModel(bundledParts('lenet-5-graph'), { version: 1, quantize: { bits: 8, equalize: 'cle' } });
    expect(out.equalization).toBeUndefined();
    expect(out.skipped.join()).toMatch(/cross-layer equalization skipped: it needs a TF.js layers model/);
  });
});
