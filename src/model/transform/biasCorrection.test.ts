import { beforeAll, describe, expect, it } from 'vitest';
import { useWasm } from '../../node/io';
import type { ModelParts, WeightTensor } from '../weights';
import { correctBiases, normalCdf, reluMean } from './biasCorrection';
import { bundledParts } from './fixtures';
import { compressModel } from '../compress';

const layer = (class_name: string, name: string, extra: Record<string, unknown> = {}) => ({ class_name, config: { name, ...extra } });
const seq = (layers: object[]): object => ({ class_name: 'Sequential', config: { name: 'toy', layers } });
const w = (name: string, shape: number[], values: number[]): WeightTensor => ({ name, shape, values: Float32Array.from(values) });

// Reference values pasted from scipy.stats.norm: Φ(1), φ(1), φ(0).
const PHI1 = 0.8413447460685429;
const pdf1 = 0.24197072451914337;
const pdf0 = 0.3989422804014327;

/** bn (2 channels, β = [0, 1], γ = [2, 1]) → relu → fc (Dense 2→2 with bias). */
const denseToy = (): ModelParts => ({
  topology: seq([layer('BatchNormalization', 'bn', { axis: -1, batch_input_shape: [null, 2] }), layer('Activation', 'relu', { activation: 'relu' }),
    layer('Dense', 'fc', { units: 2, activation: 'linear', use_bias: true })]),
  weights: [w('bn/gamma', [2], [2, 1]), w('bn/beta', [2], [0, 1]), w('bn/moving_mean', [2], [0, 0]), w('bn/moving_variance', [2], [1, 1]),
    w('fc/kernel', [2, 2], [1, 2, 3, 4]), w('fc/bias', [2], [0.1, 0.2])],
});

beforeAll(async () => { await useWasm(); });

describe('correctBiases', () => {
  it("bias correction's shift equals a hand computation on a toy layer (Dense, BN → ReLU)", () => {
    // ε = Ŵ − W = [[0.25, 0], [0, −0.5]] (rows: input units, columns: outputs)
    const { corrected, report } = correctBiases(denseToy(), [{ name: 'fc/kernel', values: Float32Array.from([1.25, 2, 3, 3.5]) }]);
    // E[ReLU(z)], z ~ N(β, γ²) = β·Φ(β/γ) + γ·φ(β/γ): channel 0 (β 0, γ 2) → 2·φ(0); channel 1 (β 1, γ 1) → Φ(1) + φ(1)
    const e0 = 0 * 0.5 + 2 * pdf0;
    const e1 = 1 * PHI1 + 1 * pdf1;
    const b = corrected.get('fc/bias') as Float32Array;
    expect(b[0]).toBeCloseTo(0.1 - 0.25 * e0, 6);
    expect(b[1]).toBeCloseTo(0.2 - -0.5 * e1, 6);
    expect(report).toEqual([{ layer: 'fc', className: 'Dense', target: 'fc/bias', statsFrom: 'bn', maxShift: expect.closeTo(0.5 * e1, 6) as number }]);
  });

  it('Conv2D: the shift sums ε over the spatial taps and input channels (BN → linear: E = β)', () => {
    // kernel [2, 2, 2, 1]: index (tap t, input i) = t·2 + i; ε = 0.1 on every tap of input 0, −0.2 on tap 3 of input 1
    const W = [0, 0, 0, 0, 0, 0, 0, 0];
    const Wq = [0.1, 0, 0.1, 0, 0.1, 0, 0.1, -0.2];
    const parts: ModelParts = {
      topology: seq([layer('BatchNormalization', 'bn', { axis: -1, batch_input_shape: [null, 4, 4, 2] }), layer('Conv2D', 'conv', { filters: 1, kernel_size: [2, 2], activation: 'relu', use_bias: true })]),
      weights: [w('bn/gamma', [2], [5, 5]), w('bn/beta', [2], [3, -2]), w('bn/moving_mean', [2], [0, 0]), w('bn/moving_variance', [2], [1, 1]),
        w('conv/kernel', [2, 2, 2, 1], W), w('conv/bias', [1], [1])],
    };
    const { corrected } = correctBiases(parts, [{ name: 'conv/kernel', values: Float32Array.from(Wq) }]);
    // ε·E[x] = 4 taps · 0.1 · β₀ + (−0.2) · β₁ = 0.4·3 + 0.4 = 1.6
    expect((corrected.get('conv/bias') as Float32Array)[0]).toBeCloseTo(1 - 1.6, 6);
  });

  it('a layer without bias followed by a BN gets the shift added to the BN moving mean; depthwise is per channel; pooling passes', () => {
    const parts: ModelParts = {
      topology: seq([layer('BatchNormalization', 'bn1', { axis: -1, batch_input_shape: [null, 4, 4, 2] }), layer('ReLU', 'r1'), layer('MaxPooling2D', 'pool'),
        layer('DepthwiseConv2D', 'dw', { kernel_size: [1, 1], depth_multiplier: 1, activation: 'linear', use_bias: false }), layer('BatchNormalization', 'bn2', { axis: -1 })]),
      weights: [w('bn1/gamma', [2], [1, 1]), w('bn1/beta', [2], [1, 0]), w('bn1/moving_mean', [2], [0, 0]), w('bn1/moving_variance', [2], [1, 1]),
        w('dw/depthwise_kernel', [1, 1, 2, 1], [1, 1]), w('bn2/gamma', [2], [1, 1]), w('bn2/beta', [2], [0, 0]), w('bn2/moving_mean', [2], [0.5, 0.5]), w('bn2/moving_variance', [2], [1, 1])],
    };
    const { corrected, report } = correctBiases(parts, [{ name: 'dw/depthwise_kernel', values: Float32Array.from([1.5, 0.75]) }]);
    const mu = corrected.get('bn2/moving_mean') as Float32Array;
    expect(mu[0]).toBeCloseTo(0.5 + 0.5 * (PHI1 + pdf1), 6);
    expect(mu[1]).toBeCloseTo(0.5 - 0.25 * pdf0, 6);
    expect(report[0].target).toBe('bn2/moving_mean');
  });

  it('leaves layers whose input expectation is unknown alone, with a reason', () => {
    const parts: ModelParts = {
      topology: seq([layer('Dense', 'a', { units: 2, activation: 'relu', use_bias: true, batch_input_shape: [null, 2] }), layer('Dense', 'b', { units: 1, use_bias: true })]),
      weights: [w('a/kernel', [2, 2], [1, 2, 3, 4]), w('a/bias', [2], [0, 0]), w('b/kernel', [2, 1], [1, 1]), w('b/bias', [1], [0])],
    };
    const { corrected, report } = correctBiases(parts, [{ name: 'a/kernel', values: Float32Array.from([2, 2, 3, 4]) }, { name: 'b/kernel', values: Float32Array.from([2, 1]) }]);
    expect(corrected.size).toBe(0);
    expect(report.map((r) => r.layer)).toEqual(['a', 'b']);
    expect(report[0].skipped).toMatch(/model input/);
    expect(report[1].skipped).toMatch(/BatchNormalization/);
  });

  it('invariants on fashion-cnn: zero correction when Ŵ = W; finite values; the clipped-normal mean is ≥ max(β, 0)', () => {
    const parts = bundledParts('fashion-cnn');
    const same = correctBiases(parts, parts.weights);
    for (const [name, v] of same.corrected) expect(Array.from(v)).toEqual(Array.from(parts.weights.find((t) => t.name === name)?.values ?? []));
    expect(same.report.filter((r) => r.target).map((r) => r.layer)).toEqual(['dw2', 'pw2', 'fc1']);
    const noisy = parts.weights.map((t) => ({ name: t.name, values: t.values.map((x, i) => x + (i % 3 - 1) * 0.01) }));
    for (const v of correctBiases(parts, noisy).corrected.values()) expect(v.every(Number.isFinite)).toBe(true);
    for (const [b, g] of [[-3, 1], [0, 0], [2, 0.5], [-0.5, 4]]) expect(reluMean(b, g)).toBeGreaterThanOrEqual(Math.max(b, 0) - 1e-12);
    expect(normalCdf(1)).toBeCloseTo(PHI1, 6);
    expect(normalCdf(-1)).toBeCloseTo(1 - PHI1, 6);
  });

  it("compressModel with calibrate 'bias': MSE-range kernels, corrected float32 biases / moving means (payload = values), skipped with equalization", () => {
    const parts = bundledParts('fashion-cnn');
    const q = { bits: 3, granularity: 'channel', scheme: 'symmetric' } as const;
    const mse = compressModel(parts, { version: 1, quantize: { ...q, calibrate: 'mse' } });
    const bias = compressModel(parts, { version: 1, quantize: { ...q, calibrate: 'bias' } });
    const by = (out: typeof mse, name: string) => out.compressed.tensors.find((t) => t.name === name) as (typeof mse.compressed.tensors)[number];
    expect(Array.from(by(bias, 'fc1/kernel').values)).toEqual(Array.from(by(mse, 'fc1/kernel').values));
    const expected = correctBiases(parts, mse.compressed.tensors).corrected;
    for (const name of ['fc1/bias', 'bn2/moving_mean', 'bn3/moving_mean']) {
      const t = by(bias, name);
      expect(Array.from(t.values)).toEqual(Array.from(expected.get(name) as Float32Array));
      expect(Array.from(t.values)).not.toEqual(Array.from(by(mse, name).values));
      expect(t.payload.kind === 'float32' && t.payload.values).toBe(t.values);
    }
    expect(bias.biasCorrection?.filter((r) => r.target).length).toBe(3);
    const cle = compressModel(parts, { version: 1, quantize: { ...q, calibrate: 'bias', equalize: 'cle' } });
    expect(cle.skipped.join()).toMatch(/bias correction skipped/);
  });
});
