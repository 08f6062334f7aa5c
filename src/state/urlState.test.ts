import { describe, expect, it } from 'vitest';
import { parsePlan } from '../model/plan';
import { readUrlSettings, writeUrlSettings, type UrlSettings } from './urlState';

describe('URL settings', () => {
  it('round-trips the view and a full plan', () => {
    const s: UrlSettings = { model: 'lenet-5', dataset: 'mnist-val', backend: 'wasm',
      plan: { version: 1, prune: { ratio: 0.9, scope: 'layer' }, quantize: { bits: 4, granularity: 'channel', scheme: 'symmetric' }, channels: { ratio: 0.25, norm: 'l2' }, lowRank: { by: 'energy', value: 0.9 } } };
    expect(readUrlSettings(writeUrlSettings(s))).toEqual(s);
    expect(() => parsePlan(readUrlSettings(writeUrlSettings(s)).plan)).not.toThrow();
  });
  it('round-trips per-layer overrides', () => {
    const plan = { version: 1 as const, quantize: { bits: 8 }, layers: { fc3: { exclude: true }, 'block/conv1': { prune: 0.9, bits: 4 } } };
    expect(readUrlSettings(writeUrlSettings({ plan })).plan).toEqual(plan);
    expect(readUrlSettings('#lo=fc1~p2~b99~zz,<bad>~x').plan).toBeUndefined();
  });
  it('round-trips N:M, float16 and clusters', () => {
    for (const plan of [{ version: 1 as const, prune: { ratio: 0.5, pattern: 'n:m' as const, n: 2, m: 4 } }, { version: 1 as const, quantize: 'float16' as const }, { version: 1 as const, cluster: { k: 32 } }, { version: 1 as const, cluster: { k: 16, grid: 'uint8' as const } }]) {
      expect(readUrlSettings(writeUrlSettings({ plan })).plan).toEqual(plan);
    }
  });
  it('round-trips fine-tuning, with and without a learning rate', () => {
    for (const plan of [{ version: 1 as const, prune: { ratio: 0.9 }, finetune: { epochs: 2 } }, { version: 1 as const, finetune: { epochs: 5, learningRate: 0.0003 } }]) {
      expect(readUrlSettings(writeUrlSettings({ plan })).plan).toEqual(plan);
    }
    expect(readUrlSettings('#ft=0').plan).toBeUndefined();
    expect(readUrlSettings('#ft=51').plan).toBeUndefined();
    expect(readUrlSettings('#ft=2:5').plan).toBeUndefined();
  });
  it('ignores unknown keys and invalid values', () => {
    expect(readUrlSettings('#model=lenet-5&backend=tpu&foo=1&prune=7&q=99&k=1&nm=4:2')).toEqual({ model: 'lenet-5' });
    expect(readUrlSettings('#model=<script>')).toEqual({});
    expect(readUrlSettings('#lr=rank:0.5').plan).toBeUndefined();
    expect(readUrlSettings('#lr=energy:5').plan).toBeUndefined();
    expect(readUrlSettings('')).toEqual({});
  });
});
