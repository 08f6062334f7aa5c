/** The stage view's rows: ratio and removed bytes as written, accuracy qualified for stages cut short, log domain in decades. */
import { describe, expect, it } from 'vitest';
import type { StagesResult } from '../runtime/protocol';
import { beforeWhat, decades, decadeTicks, stageRows } from './stageRows';

const result = (plan: StagesResult['plan']): StagesResult => ({
  plan, metric: 'accuracy', count: 2000, dataset: 'mnist-val',
  stages: [
    { id: 'original', name: 'original', bytes: 1_067_053, ratio: 1, saved: 0, what: 'w', notes: [], model: 'original', accuracy: 0.976 },
    { id: 'pruned', name: 'pruned', bytes: 139_888, ratio: 1_067_053 / 139_888, saved: 1_067_053 - 139_888, what: 'p', notes: [], model: 'own', accuracy: 0.407 },
    { id: 'quantized', name: 'clustered', bytes: 50_454, ratio: 1_067_053 / 50_454, saved: 139_888 - 50_454, what: 'q', notes: [], model: 'final', accuracy: 0.4065 },
    { id: 'coded', name: 'coded', bytes: 35_899, ratio: 1_067_053 / 35_899, saved: 50_454 - 35_899, what: 'c', notes: [], model: 'final', accuracy: 0.4065 },
  ],
});

describe('stage rows', () => {
  it('writes bytes, ratio and removed bytes per stage', () => {
    const rows = stageRows(result({ version: 1, prune: { ratio: 0.9 }, cluster: { k: 32 } }));
    expect(rows.map((r) => r.ratioText)).toEqual(['1.00×', '7.63×', '21.1×', '29.7×']);
    expect(rows.map((r) => r.savedText)).toEqual(['', '−927 KB', '−89.4 KB', '−14.6 KB']);
    expect(rows.map((r) => r.accuracyText)).toEqual(['97.60 %', '40.70 %', '40.65 %', '40.65 %']);
    expect(rows.map((r) => r.when)).toEqual(['', '', '', '']);
  });

  it('says a stage cut short of a recovering or calibrating plan is measured before that step', () => {
    expect(stageRows(result({ version: 1, prune: { ratio: 0.9 }, finetune: { epochs: 2 } })).map((r) => r.when)).toEqual(['', 'before fine-tuning', '', '']);
    expect(beforeWhat({ version: 1, distill: { epochs: 2 } })).toBe('before distillation');
    expect(beforeWhat({ version: 1, quantize: { bits: 4, calibrate: 'output' } })).toBe('before calibration');
    expect(beforeWhat({ version: 1, quantize: { bits: 4, calibrate: 'mse' } })).toBe('');
  });

  it('spans whole decades on the log axis', () => {
    expect(decades([1_067_053, 35_899])).toEqual([10_000, 10_000_000]);
    expect(decades([1000, 1000])).toEqual([1000, 10_000]);
    expect(decades([])).toEqual([1, 10]);
    expect(decadeTicks([10_000, 10_000_000])).toEqual([10_000, 100_000, 1_000_000, 10_000_000]);
  });
});
