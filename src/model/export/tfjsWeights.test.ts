import { beforeAll, describe, expect, it } from 'vitest';
import { useWasm } from '../../node/io';
import { fromFloat16Bits, quantizeUniform, quantPayload, type TensorPayload } from '../../core';
import type { CompressedTensor } from '../weights';
import { firstTfjsMismatch, tfjsWeight } from './tfjsWeights';

const tensor = (payload: TensorPayload, values: Float32Array): CompressedTensor => ({ name: 'd/kernel', layer: 'd', shape: [...payload.shape], values, payload });
const affine = (values: number[], bits: number, axis?: number) => {
  const shape = axis === undefined ? [values.length] : [2, values.length / 2];
  const q = quantizeUniform(Float32Array.from(values), shape, { bits, axis });
  return tensor(quantPayload(q, shape), q.values);
};

beforeAll(useWasm);

describe('tfjsWeight', () => {
  it('hand example: 2-bit affine per tensor → uint8 codes, scale = s, min = −z·s', () => {
    // range [−1, 2], s = 3/3 = 1, z = 1: −1 ↦ 0, 0 ↦ 1, 1 ↦ 2, 2 ↦ 3
    const w = tfjsWeight(affine([-1, 0, 1, 2], 2));
    expect(w.storage).toBe('uint8');
    expect(w.spec).toEqual({ name: 'd/kernel', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: -1 } });
    expect(Array.from(w.data)).toEqual([0, 1, 2, 3]);
  });

  it('12-bit affine → uint16 (2 bytes per element, little-endian)', () => {
    const w = tfjsWeight(affine([-0.37, 0, 0.11, 0.5, 0.25], 12));
    expect(w.storage).toBe('uint16');
    expect(w.data.length).toBe(10);
    expect(firstTfjsMismatch(w.spec, w.data, affine([-0.37, 0, 0.11, 0.5, 0.25], 12).values)).toBe(-1);
  });

  it('symmetric codes (stored with z = 2ᵇ⁻¹) also map to uint8', () => {
    const shape = [6];
    const q = quantizeUniform(Float32Array.from([-0.3, -0.1, 0, 0.05, 0.2, 0.31]), shape, { bits: 8, scheme: 'symmetric' });
    const w = tfjsWeight(tensor(quantPayload(q, shape), q.values));
    expect(w.storage).toBe('uint8');
    expect(w.spec.quantization?.min).toBe(-128 * q.scale[0]);
  });

  it('per-channel affine has no TF.js form → float32 of the values', () => {
    const t = affine([-1, 0.5, 0.25, 2, -0.125, 1], 8, -1);
    const w = tfjsWeight(t);
    expect(w.storage).toBe('float32');
    expect(w.spec.quantization).toBeUndefined();
    expect(new Float32Array(w.data.slice().buffer)).toEqual(t.values);
  });

  it('float16 payloads → float16; codebooks only when every centroid is a float16', () => {
    const values = Float32Array.from([0.1, -2, 0, 65504]);
    const p16: TensorPayload = { kind: 'float16', shape: [4], values };
    const rounded = Float32Array.from([fromFloat16Bits(0x2e66), -2, 0, 65504]); // 0x2e66 ≈ 0.1 in half
    const w = tfjsWeight(tensor(p16, rounded));
    expect(w.storage).toBe('float16');
    expect(w.spec.quantization).toEqual({ dtype: 'float16' });
    expect(Array.from(new Uint16Array(w.data.slice().buffer))).toEqual([0x2e66, 0xc000, 0, 0x7bff]);
    const cb = (codebook: number[]): CompressedTensor => {
      const c = Float32Array.from(codebook);
      const indices = Uint8Array.from([0, 1, 2, 1]);
      return tensor({ kind: 'codebook', shape: [4], codebook: c, indices }, Float32Array.from(indices, (i) => c[i]));
    };
    expect(tfjsWeight(cb([-0.5, 0, 0.375])).storage).toBe('float16');
    expect(tfjsWeight(cb([-0.5, 0, 0.1])).storage).toBe('float32'); // 0.1 is not a half
  });

  it('falls back to float32 when the quantized form would not decode to the values', () => {
    const t = affine([-1, 0, 1, 2], 2);
    t.values[3] = 2.5; // values that the payload does not produce
    const w = tfjsWeight(t);
    expect(w.storage).toBe('float32');
    expect(w.fallback).toMatch(/uint8 would decode element 3 differently/);
    const p16: TensorPayload = { kind: 'float16', shape: [2], values: Float32Array.from([0.1, 1]) };
    expect(tfjsWeight(tensor(p16, Float32Array.from([0.1, 1]))).storage).toBe('float32'); // 0.1 unrounded
  });

  it('rejects values that do not match the shape', () => {
    const t = affine([-1, 0, 1, 2], 2);
    expect(() => tfjsWeight({ ...t, shape: [5] })).toThrow(/4 values for shape \[5\]/);
  });
});
