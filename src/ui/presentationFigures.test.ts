import { describe, expect, it } from 'vitest';
import type { CompressionPlan } from '../model/plan';
import { headline, type HeadlineInput } from './presentationFigures';
import { ratioRows } from './ratioRows';

// A model opened as two TF.js files of 1 000 000 B in all; float32 files of the same length.
const model = { opened: { kind: 'tfjs' as const, bytes: 1_000_000, files: [{ name: 'model.json', bytes: 2_000 }, { name: 'w.bin', bytes: 998_000 }] }, float32: { raw: 1_000_000, gzip: 900_000 } };
const evaluation = { labelled: true, accuracy: 0.976 };
const plan: CompressionPlan = { version: 1, prune: { ratio: 0.7, scope: 'global' }, quantize: { bits: 4, granularity: 'channel', scheme: 'affine', calibrate: 'output' } };
const sizes = (compact: number, tfjs: number) => ({ compact: { raw: compact, gzip: NaN }, tfjs: { raw: tfjs, gzip: NaN, zip: NaN, files: [] } });
const measured: HeadlineInput = {
  model, evaluation, plan,
  compressed: { plan: structuredClone(plan), sizes: sizes(68_000, 250_000) },
  compressedEval: { labelled: true, accuracy: 0.9755 },
};

describe('headline', () => {
  it('a measured compression: opened ÷ compact, its accuracy and points lost, the compact bytes', () => {
    const h = headline(measured);
    expect(h.state).toBe('measured');
    expect(h.ratio).toMatchObject({ text: '14.7×', raw: 1_000_000 / 68_000, note: 'compact file 14.7× smaller than the files you opened' });
    expect(h.accuracy).toMatchObject({ text: '97.55 %', raw: 0.9755, note: '-0.05 points' });
    expect(h.bytes).toMatchObject({ text: '68.0 KB', raw: 68_000 });
  });
  it('reads as the numbers panel does: the same ratio cell', () => {
    const panel = ratioRows(model, { compact: 68_000, tfjs: 250_000 })[0].comp!;
    expect(headline(measured).ratio.text).toBe(panel.text);
    expect(headline(measured).ratio.raw).toBe(panel.raw);
  });
  it('never shows another plan\'s figures: "…" while the store still holds the previous compression', () => {
    const other: CompressionPlan = { version: 1, quantize: 'float16' };
    const h = headline({ ...measured, plan: other });
    expect(h.state).toBe('pending');
    expect([h.ratio.text, h.accuracy.text, h.bytes.text]).toEqual(['…', '…', '…']);
    expect(h.ratio.raw).toBeUndefined();
    // compressed but not yet evaluated
    expect(headline({ ...measured, compressedEval: undefined }).state).toBe('pending');
  });
  it('the original: 1×, its accuracy, the bytes opened', () => {
    const h = headline({ model, evaluation });
    expect(h.state).toBe('original');
    expect(h.ratio).toMatchObject({ text: '1×', raw: 1 });
    expect(h.accuracy).toMatchObject({ text: '97.60 %', raw: 0.976 });
    expect(h.bytes).toMatchObject({ text: '1.00 MB', raw: 1_000_000, note: 'the files you opened' });
    expect(headline({ model }).state).toBe('pending');
    expect(headline({}).state).toBe('none');
  });
  it('an export larger than the opened file says so; unlabelled data gives agreement', () => {
    const u8 = { ...model, opened: { kind: 'keras' as const, bytes: 50_000, files: [{ name: 'm.keras', bytes: 50_000 }] } };
    const h = headline({ ...measured, model: u8, evaluation: { labelled: false, accuracy: NaN }, compressedEval: { labelled: false, accuracy: NaN, fidelity: { agreement: 0.991, meanKl: 0.01 } } });
    expect(h.ratio.note).toBe('compact file 1.36× larger than the file you opened');
    expect(h.metric).toBe('agreement');
    expect(h.accuracy).toMatchObject({ text: '99.10 %', raw: 0.991 });
  });
});
