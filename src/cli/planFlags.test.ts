import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { datasetCatalog } from '../node/io';
import { needsTrainData } from '../model/planFields';
import { planFromFlags } from './planFlags';
import { FOLDER_PREPROCESSING, trainDataFrom } from './trainData';

const tmp = mkdtempSync(join(tmpdir(), 'cs-flags-'));

describe('planFromFlags', () => {
  it('recovery flags fill the distill section; a flag keeps the plan file\'s other fields', () => {
    expect(planFromFlags({ prune: 0.9, score: 'taylor', distill: 3, alpha: 0.25, temperature: 2, hard: true, lr: 0.002, limit: 500 })).toEqual({
      version: 1, prune: { ratio: 0.9, scope: 'global', score: 'taylor' },
      distill: { epochs: 3, alpha: 0.25, temperature: 2, mode: 'hard', learningRate: 0.002, limit: 500 },
    });
    writeFileSync(join(tmp, 'p.json'), JSON.stringify({ version: 1, distill: { epochs: 5, temperature: 8, limit: 100 }, channels: { ratio: 0.5 } }));
    const p = planFromFlags({ plan: join(tmp, 'p.json'), distill: 1, 'channel-score': 'taylor' });
    expect(p.distill).toEqual({ epochs: 1, temperature: 8, limit: 100 });
    expect(p.channels).toEqual({ ratio: 0.5, norm: 'taylor' });
    expect(needsTrainData(p)).toBe(true);
    // --lr applies to fine-tuning too; --finetune replaces a plan's distill section.
    const ft = planFromFlags({ plan: join(tmp, 'p.json'), finetune: 2, lr: 1e-4 });
    expect([ft.finetune, ft.distill]).toEqual([{ epochs: 2, learningRate: 1e-4 }, undefined]);
    expect(needsTrainData(planFromFlags({ prune: 0.5 }))).toBe(false);
  });

  it('quantization flags shape --bits\' grid; --calibrate alone means AdaRound; without --bits they are refused', () => {
    expect(planFromFlags({ bits: 4, granularity: 'channel', scheme: 'symmetric', calibration: 'output', equalize: true })).toEqual({
      version: 1, quantize: { bits: 4, granularity: 'channel', scheme: 'symmetric', calibrate: 'output', equalize: 'cle' },
    });
    expect(planFromFlags({ bits: 3, calibrate: 'mnist-train' }).quantize).toEqual({ bits: 3, calibrate: 'adaround' });
    expect(planFromFlags({ bits: 3, calibrate: 'mnist-train', calibration: 'output' }).quantize).toEqual({ bits: 3, calibrate: 'output' });
    expect(() => planFromFlags({ calibration: 'mse' })).toThrow(/--calibration is a quantization setting: give --bits <n>/);
    expect(() => planFromFlags({ calibrate: 'mnist-train' })).toThrow(/--calibrate is a quantization setting/);
    expect(() => planFromFlags({ bits: 4, calibration: 'gptq' })).toThrow(/--calibration must be minmax or mse or bias or output or adaround, got "gptq"/);
    expect(() => planFromFlags({ bits: 4, granularity: 'row' })).toThrow(/--granularity must be tensor or channel/);
  });

  it('a flag that would be ignored, or a value out of range, is an error naming it', () => {
    expect(() => planFromFlags({ alpha: 0.5 })).toThrow(/--alpha is a distillation setting: give --distill <epochs>/);
    expect(() => planFromFlags({ finetune: 1, hard: true })).toThrow(/--hard is a distillation setting/);
    expect(() => planFromFlags({ lr: 0.01 })).toThrow(/--lr sets the recovery's training/);
    expect(() => planFromFlags({ score: 'taylor' })).toThrow(/--score ranks the weights --prune removes/);
    expect(() => planFromFlags({ prune: 0.5, score: 'gradient' })).toThrow(/--score must be magnitude or taylor, got "gradient"/);
    expect(() => planFromFlags({ channels: 0.5, 'channel-score': 'l3' })).toThrow(/--channel-score must be l1 or l2 or taylor/);
    expect(() => planFromFlags({ finetune: 1, distill: 1 })).toThrow(/choose one/);
    expect(() => planFromFlags({ distill: 1, alpha: 1.5 })).toThrow(/distill\.alpha/);
    expect(() => planFromFlags({ distill: 1, temperature: 0.5 })).toThrow(/distill\.temperature/);
  });
});

describe('trainDataFrom', () => {
  const target = { inputShape: [-1, 28, 28, 1], classes: 10 };
  it('a bundled split is preprocessed as its validation split; a folder by 1/255 or as --dataset', () => {
    const { data } = trainDataFrom('mnist-train', { version: 1, distill: { epochs: 1 } }, target);
    const val = datasetCatalog().find((e) => e.id === 'mnist-val');
    expect([data.entry.scale, data.entry.count, data.labels?.length]).toEqual([val?.scale, 8000, 8000]);
    mkdirSync(join(tmp, 'imgs'), { recursive: true });
    writeFileSync(join(tmp, 'imgs', 'a.png'), PNG.sync.write(new PNG({ width: 4, height: 4 })));
    const plain = trainDataFrom(join(tmp, 'imgs'), { version: 1, distill: { epochs: 1 } }, { ...target, inputShape: [-1, 8, 8, 3] });
    expect(plain.data.entry).toMatchObject({ shape: [8, 8, 3], scale: FOLDER_PREPROCESSING.scale, mean: [0], std: [1] });
    const entry = { ...val, id: 'norm', mean: [0.1307], std: [0.3081] };
    writeFileSync(join(tmp, 'norm.json'), JSON.stringify(entry));
    const normed = trainDataFrom(join(tmp, 'imgs'), { version: 1, distill: { epochs: 1 } }, target, join(tmp, 'norm.json'));
    expect(normed.data.entry).toMatchObject({ scale: val?.scale, mean: [0.1307], std: [0.3081] });
    // A model of another input size gets the split fitted to it, as the studio does.
    const small = trainDataFrom('mnist-train', { version: 1, distill: { epochs: 1, limit: 10 } }, { ...target, inputShape: [-1, 14, 14, 3] });
    expect(small.data.entry.shape).toEqual([14, 14, 3]);
    expect(small.data.images.length).toBe(8000 * 14 * 14 * 3);
  });

  it('a flat input takes a split of as many values per sample as it is; images cannot be fitted to it', () => {
    const plan = { version: 1 as const, distill: { epochs: 1 } };
    const flat = trainDataFrom('mnist-train', plan, { inputShape: [-1, 784], classes: 10 });
    expect(flat.data.entry.shape).toEqual([28, 28, 1]);
    expect(() => trainDataFrom('mnist-train', plan, { inputShape: [-1, 100], classes: 10 })).toThrow(/its samples hold 784 values \(28×28×1\) but the model's input \[-1, 100\] takes 100/);
    expect(() => trainDataFrom(join(tmp, 'imgs'), plan, { inputShape: [-1, 784], classes: 10 })).toThrow(/imgs: the model's input is \[-1, 784\], not an image batch/);
    // Labels of another class count are refused when the loss uses them.
    expect(() => trainDataFrom('mnist-train', { version: 1, finetune: { epochs: 1 } }, { ...target, classes: 5 })).toThrow(/its labels name 10 classes but the model outputs 5/);
  });
});
