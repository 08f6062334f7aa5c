import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readArtifacts, ROOT, useWasm } from '../../node/io';
import { partsFromArtifacts, type ModelParts } from '../weights';
import { createRng } from '../../core/random';
import { compressWeights, isKernel, layersKernelTargets, splitWeightName } from './weightLevel';

const load = (id: string): ModelParts => partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
let lenet: ModelParts;
beforeAll(async () => {
  await useWasm();
  lenet = load('lenet-300-100');
});
const kernels = <T extends { name: string }>(p: T[]): T[] => p.filter((t) => isKernel(t.name));
const zeroCount = (v: Float32Array) => v.reduce((a, x) => a + (x === 0 ? 1 : 0), 0);

describe('compressWeights', () => {
  it('names: layer and role of manifest weights', () => {
    expect(splitWeightName('fc1/kernel')).toEqual({ layer: 'fc1', role: 'kernel' });
    expect(splitWeightName('block/dw/depthwise_kernel')).toEqual({ layer: 'block/dw', role: 'depthwise_kernel' });
    expect(splitWeightName('fc1/kernel_1')).toEqual({ layer: 'fc1', role: 'kernel' });
    expect(isKernel('bn1/gamma')).toBe(false);
  });

  it('an empty plan changes nothing and stores float32', () => {
    const { tensors, report } = compressWeights(lenet, { version: 1 });
    tensors.forEach((t, i) => expect(t.values).toEqual(lenet.weights[i].values));
    expect(report.every((r) => r.kind === 'float32' && r.bits === 32)).toBe(true);
  });

  it('global pruning reaches the ratio exactly over all kernels and leaves biases alone', () => {
    const { tensors } = compressWeights(lenet, { version: 1, prune: { ratio: 0.9, scope: 'global' } });
    const k = kernels(tensors);
    const n = k.reduce((a, t) => a + t.values.length, 0);
    expect(k.reduce((a, t) => a + zeroCount(t.values), 0)).toBe(Math.round(0.9 * n));
    for (const t of tensors.filter((x) => !isKernel(x.name))) expect(t.values).toEqual(lenet.weights.find((w) => w.name === t.name)?.values);
  });

  it('per-layer pruning and overrides: each kernel at its own ratio; excluded layers untouched', () => {
    const { tensors, report } = compressWeights(lenet, { version: 1, prune: { ratio: 0.5, scope: 'layer' }, layers: { fc2: { prune: 0.8 }, fc3: { exclude: true } } });
    const sparsity = (name: string) => report.find((r) => r.name === name)?.sparsity ?? -1;
    expect(sparsity('fc1/kernel')).toBeCloseTo(0.5, 4);
    expect(sparsity('fc2/kernel')).toBeCloseTo(0.8, 4);
    expect(tensors.find((t) => t.name === 'fc3/kernel')?.values).toEqual(lenet.weights.find((w) => w.name === 'fc3/kernel')?.values);
    expect(report.find((r) => r.name === 'fc3/kernel')?.excluded).toMatch(/excluded/);
  });

  it('2:4 pruning keeps at most 2 of every 4 inputs', () => {
    const { tensors } = compressWeights(lenet, { version: 1, prune: { ratio: 0.5, pattern: 'n:m', n: 2, m: 4 } });
    const t = tensors.find((x) => x.name === 'fc1/kernel');
    if (!t) throw new Error('no fc1/kernel');
    const [rows, cols] = t.shape;
    for (let c = 0; c < cols; c += 37) {
      for (let r = 0; r < rows; r += 4) {
        let nz = 0;
        for (let j = r; j < r + 4; j++) if (t.values[j * cols + c] !== 0) nz++;
        expect(nz).toBeLessThanOrEqual(2);
      }
    }
  });

  it('8-bit quantization after pruning: zeros stay zero, error ≤ scale/2, payload decodes to values', () => {
    const { tensors } = compressWeights(lenet, { version: 1, prune: { ratio: 0.7 }, quantize: { bits: 8 } });
    const pruned = compressWeights(lenet, { version: 1, prune: { ratio: 0.7 } }).tensors;
    for (const t of kernels(tensors)) {
      const p = t.payload;
      if (p.kind !== 'affine') throw new Error(`expected affine, got ${p.kind}`);
      const before = pruned.find((x) => x.name === t.name)?.values as Float32Array;
      let zerosLost = 0;
      let worst = 0;
      let undecodable = 0;
      for (let i = 0; i < t.values.length; i++) {
        if (before[i] === 0 && t.values[i] !== 0) zerosLost++;
        worst = Math.max(worst, Math.abs(t.values[i] - before[i]));
        if (t.values[i] !== Math.fround((p.codes[i] - p.zeroPoint[0]) * p.scale[0])) undecodable++;
      }
      expect(zerosLost).toBe(0);
      expect(undecodable).toBe(0);
      expect(worst).toBeLessThanOrEqual(p.scale[0] / 2 + 1e-12);
    }
  });

  it('per-channel quantization stores one scale per output channel', () => {
    const { tensors } = compressWeights(lenet, { version: 1, quantize: { bits: 4, granularity: 'channel' } });
    const t = tensors.find((x) => x.name === 'fc2/kernel');
    expect(t?.payload.kind === 'affine' && t.payload.scale.length).toBe(100);
  });

  it('per-channel axis is the output channel for Dense, Conv2D, DepthwiseConv2D and SeparableConv2D kernels', () => {
    const rng = createRng(1);
    // Every dimension distinct, so a wrong axis gives a wrong number of scales. Expected: the index of the output channel.
    const cases: [string, number[], number][] = [
      ['dense/kernel', [5, 7], 1], // Dense [in, out]
      ['conv/kernel', [3, 2, 5, 7], 3], // Conv2D [kh, kw, in, out]
      ['dw/depthwise_kernel', [3, 2, 5, 1], 2], // DepthwiseConv2D [kh, kw, in, mult]: output channel c·mult + m, = c for mult 1
      ['sep/depthwise_kernel', [3, 2, 5, 1], 2], // SeparableConv2D depthwise part
      ['sep/pointwise_kernel', [1, 1, 5, 7], 3], // SeparableConv2D pointwise part [1, 1, in·mult, out]
    ];
    const parts: ModelParts = { topology: {}, weights: cases.map(([name, shape]) => ({ name, shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()) })) };
    const { tensors } = compressWeights(parts, { version: 1, quantize: { bits: 4, scheme: 'symmetric', granularity: 'channel' } }, layersKernelTargets);
    cases.forEach(([name, shape, axis]) => {
      const t = tensors.find((x) => x.name === name);
      if (t?.payload.kind !== 'affine') throw new Error(`${name}: expected a uniform (affine-stored) payload`);
      expect([name, t.payload.scale.length]).toEqual([name, shape[axis]]);
      // each scale is its own channel's max|w| / 7 (rounded up to an exact float32 step)
      const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const w = parts.weights.find((x) => x.name === name)?.values as Float32Array;
      for (let c = 0; c < shape[axis]; c++) {
        const max = Math.max(...Array.from(w).filter((_, i) => Math.floor(i / inner) % shape[axis] === c).map(Math.abs));
        expect(t.payload.scale[c]).toBeCloseTo(max / 7, 5);
      }
    });
  });

  it("calibrate 'mse' lowers each kernel's squared error (per tensor and per channel, also with per-layer bits) and the payload decodes to the values", () => {
    for (const granularity of ['tensor', 'channel'] as const) {
      const base = { version: 1 as const, quantize: { bits: 3, scheme: 'symmetric' as const, granularity }, layers: { fc3: { bits: 2 } } };
      const minmax = compressWeights(lenet, base).tensors;
      const mse = compressWeights(lenet, { ...base, quantize: { ...base.quantize, calibrate: 'mse' } }).tensors;
      for (const t of kernels(mse)) {
        const w = lenet.weights.find((x) => x.name === t.name)?.values as Float32Array;
        const m = minmax.find((x) => x.name === t.name)?.values as Float32Array;
        const sse = (v: Float32Array) => v.reduce((a, x, i) => a + (x - w[i]) ** 2, 0);
        expect(sse(t.values)).toBeLessThan(sse(m));
        const p = t.payload;
        if (p.kind !== 'affine') throw new Error(`expected a uniform payload, got ${p.kind}`);
        const cols = t.shape[t.shape.length - 1];
        const c = (i: number) => (p.scale.length === 1 ? 0 : i % cols);
        let undecodable = 0;
        t.values.forEach((v, i) => { if (v !== Math.fround((p.codes[i] - p.zeroPoint[c(i)]) * p.scale[c(i)])) undecodable++; });
        expect(undecodable).toBe(0);
        expect(p.bits).toBe(t.name === 'fc3/kernel' ? 2 : 3); // the per-layer override is searched at its own width
      }
    }
  });

  it('float16 values are float16-representable; clustering leaves at most k values with zero kept', () => {
    const half = compressWeights(lenet, { version: 1, quantize: 'float16' }).tensors.find((t) => t.name === 'fc1/kernel');
    expect(half?.payload.kind).toBe('float16');
    const clustered = compressWeights(lenet, { version: 1, prune: { ratio: 0.8 }, cluster: { k: 16 } });
    const k = kernels(clustered.tensors);
    for (const t of k) {
      expect(new Set(t.values).size).toBeLessThanOrEqual(16);
      expect(t.payload.kind).toBe('codebook');
    }
    // clustering keeps every pruned zero (and may only add zeros, never lose them)
    const n = k.reduce((a, t) => a + t.values.length, 0);
    expect(k.reduce((a, t) => a + zeroCount(t.values), 0)).toBeGreaterThanOrEqual(Math.round(0.8 * n));
    expect(clustered.report.find((r) => r.name === 'fc1/kernel')?.bits).toBe(4);
  });
});
