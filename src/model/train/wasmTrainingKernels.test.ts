import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, setFastWasmTrainingKernels } from './wasmTrainingKernels';

/** Gradients of sum(f(x, w) · r) with respect to x and w on one backend, as plain arrays. */
async function grads(backend: string, f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor, x: number[][], wArr: number[][]) {
  await tf.setBackend(backend);
  const [xs, xShape] = x as unknown as [number[], [number, number, number, number]];
  const [ws, wShape] = wArr as unknown as [number[], [number, number, number, number]];
  const xt = tf.tensor4d(xs, xShape);
  const wt = tf.tensor4d(ws, wShape);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
    const y = f(a as tf.Tensor4D, b as tf.Tensor4D);
    const r = tf.range(0, y.size).reshape(y.shape).mul(0.01).sin();
    return y.mul(r).sum();
  });
  const [dx, dw] = g([xt, wt]);
  const out = { dx: Array.from(await dx.data()), dw: Array.from(await dw.data()) };
  tf.dispose([xt, wt, dx, dw]);
  return out;
}

function random(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 - 0.5; });
}

const cases: { name: string; x: number[]; w: number[]; f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor; ref?: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor }[] = [
  { name: 'conv2d 5×5 valid stride 1', x: [2, 12, 12, 3], w: [5, 5, 3, 4], f: (x, w) => tf.conv2d(x, w, 1, 'valid') },
  { name: 'conv2d 3×3 same stride 1', x: [2, 7, 9, 2], w: [3, 3, 2, 5], f: (x, w) => tf.conv2d(x, w, 1, 'same') },
  { name: 'conv2d 3×3 same stride 2', x: [3, 9, 8, 2], w: [3, 3, 2, 3], f: (x, w) => tf.conv2d(x, w, 2, 'same') },
  { name: 'conv2d 2×2 valid stride 2 (odd input)', x: [1, 7, 7, 1], w: [2, 2, 1, 2], f: (x, w) => tf.conv2d(x, w, 2, 'valid') },
  { name: 'fused conv2d + relu', x: [2, 8, 8, 2], w: [3, 3, 2, 4], f: (x, w) => tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', activation: 'relu' }) },
  { name: 'batch norm (training-mode moments)', x: [4, 3, 3, 5], w: [1, 1, 1, 5],
    f: (x, w) => { const { mean, variance } = tf.moments(x, [0, 1, 2]); return tf.batchNorm(x, mean, variance, w.reshape([5]).add(0.3), w.reshape([5]), 1e-3); },
    // The same function from elementary ops, so the reference does not use the overridden gradient.
    ref: (x, w) => { const { mean, variance } = tf.moments(x, [0, 1, 2]); return x.sub(mean).div(variance.add(1e-3).sqrt()).mul(w.reshape([5])).add(w.reshape([5]).add(0.3)); } },
  // Fan-in KH·KW·Ci > 128 takes the dilated-convolution filter gradient, ≤ 128 the im2col one.
  { name: 'conv2d 5×5 valid stride 1, fan-in 200', x: [2, 10, 9, 8], w: [5, 5, 8, 3], f: (x, w) => tf.conv2d(x, w, 1, 'valid') },
  { name: 'conv2d 5×5 same stride 2, fan-in 200', x: [2, 11, 10, 8], w: [5, 5, 8, 3], f: (x, w) => tf.conv2d(x, w, 2, 'same') },
  { name: 'conv2d 2×2 same stride 1 (padding only below/right)', x: [2, 6, 5, 3], w: [2, 2, 3, 4], f: (x, w) => tf.conv2d(x, w, 1, 'same') },
  { name: 'conv2d 1×1 valid stride 1 (pointwise)', x: [3, 5, 5, 6], w: [1, 1, 6, 7], f: (x, w) => tf.conv2d(x, w, 1, 'valid') },
  { name: 'conv2d 3×3 explicit padding stride 1', x: [1, 6, 6, 2], w: [3, 3, 2, 2], f: (x, w) => tf.conv2d(x, w, 1, [[0, 0], [2, 0], [1, 1], [0, 0]]) },
  { name: 'conv2d 3×1 valid stride [2, 1]', x: [2, 9, 6, 2], w: [3, 1, 2, 3], f: (x, w) => tf.conv2d(x, w, [2, 1], 'valid') },
  // Dense gradients: matMul with transposeA / transposeB (the wrapped BatchMatMul); w's first two axes are dropped.
  { name: 'dense a·b (grads take a·bᵀ and aᵀ·b)', x: [1, 1, 6, 9], w: [1, 1, 9, 4], f: (x, w) => tf.matMul(x.reshape([6, 9]), w.reshape([9, 4])) },
  { name: 'batched matMul with both transposes', x: [1, 3, 5, 4], w: [1, 3, 2, 5], f: (x, w) => tf.matMul(x.reshape([3, 5, 4]), w.reshape([3, 2, 5]), true, true) },
  { name: 'fused dense + relu', x: [1, 1, 7, 5], w: [1, 1, 5, 3], f: (x, w) => tf.fused.matMul({ a: x.reshape([7, 5]), b: w.reshape([5, 3]), activation: 'relu' }) },
  // Max-pool gradients (the wrapped MaxPoolGrad); relu makes ties (zeros) inside windows.
  { name: 'max pool 2×2 stride 2 after relu (ties)', x: [2, 6, 6, 3], w: [1, 1, 3, 3], f: (x, w) => tf.maxPool(tf.relu(tf.conv2d(x, w, 1, 'valid')), 2, 2, 'valid') },
  { name: 'max pool 3×3 stride 2 same (overlapping, odd input)', x: [2, 7, 5, 2], w: [1, 1, 2, 2], f: (x, w) => tf.maxPool(tf.conv2d(x, w, 1, 'valid'), 3, 2, 'same') },
  { name: 'max pool 2×2 stride 1 valid', x: [1, 5, 4, 2], w: [1, 1, 2, 3], f: (x, w) => tf.maxPool(tf.conv2d(x, w, 1, 'valid'), 2, 1, 'valid') },
  { name: 'depthwise 3×3 same', x: [2, 6, 6, 4], w: [3, 3, 4, 1], f: (x, w) => tf.depthwiseConv2d(x, w, 1, 'same') },
  { name: 'depthwise 3×3 valid stride 2 multiplier 2', x: [2, 9, 9, 3], w: [3, 3, 3, 2], f: (x, w) => tf.depthwiseConv2d(x, w, 2, 'valid') },
];

describe('wasm training kernels', () => {
  beforeAll(async () => {
    registerWasmTrainingKernels();
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('registers the three missing kernels once', () => {
    registerWasmTrainingKernels();
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    }
  });

  for (const fast of [true, false]) {
    for (const c of cases) {
      it(`${c.name}: gradients match the cpu backend (${fast ? 'fast' : 'previous'} formulation)`, async () => {
        const x = [random(c.x.reduce((a, b) => a * b), 7), c.x];
        const w = [random(c.w.reduce((a, b) => a * b), 11), c.w];
        const ref = await grads('cpu', c.ref ?? c.f, x, w);
        setFastWasmTrainingKernels(fast);
        try {
          const got = await grads('wasm', c.f, x, w);
          expect(got.dw.length).toBe(ref.dw.length);
          expect(got.dx.length).toBe(ref.dx.length);
          for (let i = 0; i < ref.dw.length; i++) expect(got.dw[i]).toBeCloseTo(ref.dw[i], 4);
          for (let i = 0; i < ref.dx.length; i++) expect(got.dx[i]).toBeCloseTo(ref.dx[i], 4);
        } finally {
          setFastWasmTrainingKernels(true);
        }
      });
    }
  }

  it('MaxPoolGrad sends a tied window\'s gradient to its first maximum, as the cpu backend does', async () => {
    // 4×4 input, 2×2 windows: a window of equal values, one with the max twice, a NaN, and −∞s.
    const input = [1, 1, 0, 5, 1, 1, 5, 2, NaN, 3, -Infinity, -Infinity, 3, 0, -Infinity, -Infinity];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(input, [1, 4, 4, 1]);
      const dy = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
      const out = Array.from(await dx.data());
      tf.dispose([x, dy, y, dx]);
      return out;
    };
    const ref = await run('cpu');
    expect(ref).toEqual([10, 0, 0, 20, 0, 0, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0]);
    expect(await run('wasm')).toEqual(ref);
  });

  it('wraps the backend\'s own kernels once, and a conv + batch norm + pool + dense gradient leaks no tensors', async () => {
    const before = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    registerWasmTrainingKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(before);
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const count = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      const n = tf.batchNorm(y, mean, variance, b.reshape([-1]).slice(0, 4), b.reshape([-1]).slice(4, 4), 1e-3);
      return tf.matMul(tf.maxPool(n as tf.Tensor4D, 2, 2, 'valid').reshape([2, -1]), tf.ones([2, 64]), false, true).sum();
    })([x, w]);
    tf.dispose(g);
    expect(tf.memory().numTensors).toBe(count);
    expect(tf.memory().numBytes).toBe(bytes);
    tf.dispose([x, w]);
  });
});
