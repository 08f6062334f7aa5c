import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import type { ModelParts } from '../weights';
import { countParams, flops } from './cost';
import { accuracy, bundledParts, matmul, maxAbsDiff, partsOfModel, predict, pseudoRandom, randomize, valImages, weight, withWeight } from './fixtures';
import { readGraph } from './graph';
import { factorizeLowRank, type LowRankReport } from './lowRank';

let mnist: { x: tf.Tensor4D; labels: Uint8Array };
let fashion: { x: tf.Tensor4D; labels: Uint8Array };
beforeAll(async () => {
  await useWasm();
  mnist = valImages('mnist', 500);
  fashion = valImages('fashion-mnist', 100);
});
afterAll(() => { mnist.x.dispose(); fashion.x.dispose(); });

const rowOf = (report: LowRankReport[], layer: string) => report.find((r) => r.layer === layer) as LowRankReport;

/** The original parts with `layer`'s kernel replaced by A·B from the factorised parts. */
function withProduct(parts: ModelParts, factored: ModelParts, layer: string, lr = `${layer}_lr`): ModelParts {
  const a = weight(factored, `${lr}/kernel`);
  const b = weight(factored, `${layer}/kernel`);
  const r = a.shape[a.shape.length - 1];
  const m = b.shape[b.shape.length - 1];
  return withWeight(parts, `${layer}/kernel`, (v) => matmul(a.values, b.values, v.length / m, r, m));
}

async function toy(): Promise<ModelParts> {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'fc' }), tf.layers.dense({ units: 2, name: 'out' })] });
  const parts = await partsOfModel(m);
  m.dispose();
  // W = u·vᵀ with u = [1, 2, 3], v = [1, 0, −1, 2]: rank 1.
  return withWeight(parts, 'fc/kernel', () => Float32Array.from([1, 0, -1, 2, 2, 0, -2, 4, 3, 0, -3, 6]));
}

describe('factorizeLowRank', () => {
  it('hand-checked rank-1 Dense: two layers, A·B = W, the output layer kept by default', async () => {
    const parts = await toy();
    const { parts: out, report } = factorizeLowRank(parts, { lowRank: { by: 'energy', value: 0.999 } });
    expect(rowOf(report, 'fc')).toMatchObject({ rank: 1, factorLayer: 'fc_lr', paramsBefore: 16, paramsAfter: 3 + 4 + 4 });
    expect(rowOf(report, 'fc').energy).toBeCloseTo(1, 6);
    expect(rowOf(report, 'out').skipped).toMatch(/output layer/);
    expect(readGraph(out.topology).nodes.map((n) => [n.name, n.config.units, n.config.activation, n.config.use_bias]))
      .toEqual([['fc_lr', 1, 'linear', false], ['fc', 4, 'relu', true], ['out', 2, 'linear', true]]);
    expect(weight(out, 'fc_lr/kernel').shape).toEqual([3, 1]);
    const product = matmul(weight(out, 'fc_lr/kernel').values, weight(out, 'fc/kernel').values, 3, 1, 4);
    expect(maxAbsDiff(product, weight(parts, 'fc/kernel').values)).toBeLessThan(1e-6);
    expect(out.weights.map((w) => w.name)).toEqual(['fc_lr/kernel', 'fc/kernel', 'fc/bias', 'out/kernel', 'out/bias']);
    const x = tf.tensor2d(pseudoRandom(16 * 3, 2), [16, 3]);
    expect(maxAbsDiff(await predict(out, x), await predict(parts, x))).toBeLessThan(1e-5);
    x.dispose();
  });

  it('skips with reasons: no saving, excluded, output layer unless asked', async () => {
    const parts = await toy();
    const noSaving = factorizeLowRank(parts, { lowRank: { by: 'rank', value: 2 } }).report; // 2·(3 + 4) = 14 ≥ 12
    expect(rowOf(noSaving, 'fc').skipped).toMatch(/rank 2 saves nothing: r·\(n \+ m\) = 14 ≥ n·m = 12/);
    expect(rowOf(factorizeLowRank(parts, { lowRank: { by: 'rank', value: 1 }, layers: { fc: { exclude: true } } }).report, 'fc').skipped).toBe('excluded by the plan');
    const all = factorizeLowRank(parts, { lowRank: { by: 'rank', value: 1 } }, { keepOutputLayer: false }).report;
    expect(rowOf(all, 'out')).toMatchObject({ rank: 1, paramsAfter: 4 + 2 + 2 });
    expect(rowOf(factorizeLowRank(parts, { layers: { out: { rank: { by: 'rank', value: 1 } } } }).report, 'fc').skipped).toMatch(/no low-rank setting/);
  });

  it('full rank (saving not required) reproduces the model on real images', async () => {
    const parts = bundledParts('lenet-300-100');
    const { parts: out, report } = factorizeLowRank(parts, { layers: { fc2: { rank: { by: 'fraction', value: 1 } } } }, { requireSaving: false });
    expect(rowOf(report, 'fc2')).toMatchObject({ rank: 100 });
    expect(maxAbsDiff(await predict(out, mnist.x), await predict(parts, mnist.x))).toBeLessThanOrEqual(1e-5);
  });

  it('rank-r lenet-300-100 equals the original with W replaced by A·B; params strictly decrease', async () => {
    const parts = bundledParts('lenet-300-100');
    const { parts: out, report } = factorizeLowRank(parts, { lowRank: { by: 'rank', value: 20 } });
    expect(report.map((r) => r.rank)).toEqual([20, 20, undefined]);
    const reference = withProduct(withProduct(parts, out, 'fc1'), out, 'fc2');
    expect(maxAbsDiff(await predict(out, mnist.x), await predict(reference, mnist.x))).toBeLessThanOrEqual(1e-4);
    expect(countParams(out)).toBe(countParams(parts) - (784 * 300 + 300 * 100) + 20 * (784 + 300) + 20 * (300 + 100));
  });

  it('1×1 convs: fashion-cnn pw2 as two 1×1 convs equals A·B; a 3×3 conv and a depthwise conv are skipped with reasons', async () => {
    const parts = bundledParts('fashion-cnn');
    const { parts: out, report } = factorizeLowRank(parts, { lowRank: { by: 'rank', value: 4 } });
    expect(rowOf(report, 'pw2')).toMatchObject({ rank: 4, paramsBefore: 512, paramsAfter: 4 * (16 + 32) });
    expect(rowOf(report, 'conv1').skipped).toMatch(/only 1×1 stride-1/);
    expect(rowOf(report, 'dw2').skipped).toMatch(/DepthwiseConv2D is not supported/);
    expect(weight(out, 'pw2_lr/kernel').shape).toEqual([1, 1, 16, 4]);
    const reference = withProduct(withProduct(parts, out, 'pw2'), out, 'fc1');
    expect(maxAbsDiff(await predict(out, fashion.x), await predict(reference, fashion.x))).toBeLessThanOrEqual(1e-4);
  });

  it('k×k convs on request: lenet-5 conv2 (5×5) as a 5×5 conv with r filters then a 1×1 conv equals A·B', async () => {
    const parts = bundledParts('lenet-5');
    const { parts: out, report } = factorizeLowRank(parts, { layers: { conv2: { rank: { by: 'rank', value: 10 } } } }, { conv: 'all' });
    expect(rowOf(report, 'conv2')).toMatchObject({ rank: 10, paramsBefore: 25_050, paramsAfter: 10 * (500 + 50) + 50 });
    const reference = withProduct(parts, out, 'conv2');
    expect(maxAbsDiff(await predict(out, mnist.x), await predict(reference, mnist.x))).toBeLessThanOrEqual(1e-4);
    expect(flops(out)).toBe(flops(parts) - 2 * 1_600_000 + 2 * (8 * 8 * 25 * 20 * 10 + 8 * 8 * 10 * 50));
  });

  it('functional topology: the factor layer is wired in front, first-layer input shape moves with it', async () => {
    const inp = tf.input({ shape: [12] });
    const h = tf.layers.dense({ units: 10, activation: 'tanh', name: 'h' }).apply(inp) as tf.SymbolicTensor;
    const m = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 3, name: 'out' }).apply(h) as tf.SymbolicTensor });
    const parts = randomize(await partsOfModel(m), 9);
    m.dispose();
    const { parts: out } = factorizeLowRank(parts, { lowRank: { by: 'rank', value: 3 } });
    expect(readGraph(out.topology).get('h')?.inputs).toEqual(['h_lr']);
    const x = tf.tensor2d(pseudoRandom(20 * 12, 4), [20, 12]);
    expect(maxAbsDiff(await predict(out, x), await predict(withProduct(parts, out, 'h'), x))).toBeLessThanOrEqual(1e-5);
    x.dispose();
    const seq = factorizeLowRank(await toy(), { lowRank: { by: 'rank', value: 1 } }).parts;
    expect(JSON.stringify(readGraph(seq.topology).get('fc_lr')?.config.batch_input_shape)).toBe('[null,3]');
    expect(readGraph(seq.topology).get('fc')?.config.batch_input_shape).toBeUndefined();
  });

  it('lenet-5 at energy 0.9 loads in stock TF.js and still classifies', async () => {
    const parts = bundledParts('lenet-5');
    const { parts: out, report } = factorizeLowRank(parts, { lowRank: { by: 'energy', value: 0.9 } });
    const ip1 = rowOf(report, 'ip1');
    expect(ip1.energy).toBeGreaterThanOrEqual(0.9);
    const [before, after] = [await accuracy(parts, mnist.x, mnist.labels), await accuracy(out, mnist.x, mnist.labels)];
    console.log(`low-rank energy 0.9 lenet-5: ip1 rank ${ip1.rank} (energy ${ip1.energy?.toFixed(3)}), params ${countParams(parts)} → ${countParams(out)}, FLOPs ${flops(parts)} → ${flops(out)}, accuracy ${before.toFixed(3)} → ${after.toFixed(3)} on 500 mnist-val images`);
    expect(countParams(out)).toBeLessThan(countParams(parts));
    expect(after).toBeGreaterThan(0.8);
  });
});
