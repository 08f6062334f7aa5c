import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng, randomNormal } from '../../core';
import { useWasm } from '../../node/io';
import { channelOfColumn, fromGrouped, patchCollector, toGrouped, type KernelGeometry } from './patches';

beforeAll(async () => { await useWasm(); });

const rng = createRng(5);
const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
};

/** rows · W per group (plain JS), [G, n, O] flattened. */
function apply(rows: Float32Array, w: Float32Array, groups: number, n: number, k: number, o: number): Float64Array {
  const out = new Float64Array(groups * n * o);
  for (let g = 0; g < groups; g++) for (let r = 0; r < n; r++) for (let j = 0; j < o; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += rows[(g * n + r) * k + i] * w[(g * k + i) * o + j];
    out[(g * n + r) * o + j] = s;
  }
  return out;
}

describe('patchCollector', () => {
  it.each([
    ['same, stride 2', { strides: 2, padding: 'same' as const, dilation: 1 }],
    ['valid, dilation 2', { strides: 1, padding: 'valid' as const, dilation: 2 }],
  ])('Conv2D (%s): every row · W is TF.js conv2d at that position; row means · W is the mean output', (_name, c) => {
    const x = randomNormal(2 * 7 * 6 * 3, 1, rng);
    const w = randomNormal(3 * 3 * 3 * 4, 1, rng);
    const y = tf.conv2d(tf.tensor4d(x, [2, 7, 6, 3]), tf.tensor4d(w, [3, 3, 3, 4]), c.strides, c.padding, 'NHWC', c.dilation);
    const [, oh, ow] = y.shape;
    const g: KernelGeometry = { kind: 'conv', kh: 3, kw: 3, sh: c.strides, sw: c.strides, dh: c.dilation, dw: c.dilation, same: c.padding === 'same', c: 3, o: 4 };
    const col = patchCollector(g, 1000, rng); // more than the positions: all of them, in order
    col.add(x, [2, 7, 6, 3], 2);
    const { layer, rowMean } = col.finish();
    expect([layer.groups, layer.n, layer.k, layer.o]).toEqual([1, 2 * oh * ow, 27, 4]);
    near(apply(layer.rows, w, 1, layer.n, 27, 4), y.dataSync());
    near(apply(Float32Array.from(rowMean), w, 1, 1, 27, 4), y.mean([0, 1, 2]).dataSync());
    y.dispose();
  });

  it('DepthwiseConv2D (multiplier 2): group c rows · W_c is output channels c·2, c·2+1', () => {
    const x = randomNormal(1 * 5 * 5 * 3, 1, rng);
    const w = randomNormal(3 * 3 * 3 * 2, 1, rng);
    const y = tf.depthwiseConv2d(tf.tensor4d(x, [1, 5, 5, 3]), tf.tensor4d(w, [3, 3, 3, 2]), 1, 'same');
    const g: KernelGeometry = { kind: 'depthwise', kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, same: true, c: 3, o: 6 };
    const col = patchCollector(g, 1000, rng);
    col.add(x, [1, 5, 5, 3], 1);
    const { layer, rowMean } = col.finish();
    expect([layer.groups, layer.n, layer.k, layer.o]).toEqual([3, 25, 9, 2]);
    const grouped = apply(layer.rows, toGrouped(w, g), 3, 25, 9, 2); // [3, 25, 2]
    const want = y.dataSync(); // [25, 6]
    for (let c = 0; c < 3; c++) for (let p = 0; p < 25; p++) for (let m = 0; m < 2; m++) expect(Math.abs(grouped[(c * 25 + p) * 2 + m] - want[p * 6 + c * 2 + m])).toBeLessThan(1e-4);
    // row means in the kernel's layout [kh·kw·C]: Σ_t mean[t·C + c] · w[t, c, m] = mean of output (c, m)
    const mean = y.mean([0, 1, 2]).dataSync();
    for (let c = 0; c < 3; c++) for (let m = 0; m < 2; m++) {
      let s = 0;
      for (let t = 0; t < 9; t++) s += rowMean[t * 3 + c] * w[(t * 3 + c) * 2 + m];
      expect(Math.abs(s - mean[c * 2 + m])).toBeLessThan(1e-4);
    }
    expect(Array.from(fromGrouped(toGrouped(w, g), g))).toEqual(Array.from(w));
    expect(Array.from(channelOfColumn(g, true))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(channelOfColumn(g, false))).toEqual([0, 0, 0, 0, 0, 0]);
    y.dispose();
  });

  it('samples at most perSample positions per sample, seeded; Dense rows are the inputs; means count every position', () => {
    const g: KernelGeometry = { kind: 'conv', kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, same: false, c: 1, o: 1 };
    const x = Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => i);
    const a = patchCollector(g, 3, createRng(1));
    a.add(x, [2, 4, 4, 1], 2);
    const b = patchCollector(g, 3, createRng(1));
    b.add(x, [2, 4, 4, 1], 2);
    const ra = a.finish();
    expect(ra.layer.n).toBe(6);
    expect(Array.from(ra.layer.rows)).toEqual(Array.from(b.finish().layer.rows));
    expect(ra.rowMean[0]).toBeCloseTo(15.5, 10); // mean of 0…31
    expect(new Set(ra.layer.rows).size).toBe(6); // distinct positions
    const d = patchCollector({ kind: 'dense', k: 3, o: 2 }, 4, createRng(2));
    d.add(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 2);
    const rd = d.finish();
    expect(Array.from(rd.layer.rows)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(rd.rowMean)).toEqual([2.5, 3.5, 4.5]);
  });
});
