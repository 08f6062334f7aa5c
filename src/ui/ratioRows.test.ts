import { describe, expect, it } from 'vitest';
import { ratioRows } from './ratioRows';
import type { LoadedModel } from '../runtime/protocol';

const files = (n: number, each: number) => Array.from({ length: n }, (_, i) => ({ name: i ? `group1-shard${i}of${n - 1}.bin` : 'model.json', bytes: each }));

describe('ratioRows', () => {
  // A uint8 original like the InceptionV3: float32 4× its opened TF.js files.
  const uint8: Pick<LoadedModel, 'opened' | 'float32'> = { opened: { kind: 'tfjs', bytes: 22_600_000, files: files(2, 11_300_000) }, float32: { raw: 90_400_000, gzip: 84_000_000 } };

  it('a uint8 original: the ratio against what was opened is below the one against float32', () => {
    const [opened, float32] = ratioRows(uint8, { compact: 9_400_000, tfjs: 23_052_000 });
    expect(opened.base).toMatchObject({ text: '1×', raw: 1 });
    expect(opened.comp?.raw).toBeCloseTo(22.6 / 9.4, 10);
    expect(opened.comp?.text).toBe('2.40×');
    expect(float32.id).toBe('ratio-float32');
    expect(float32.comp?.raw).toBeCloseTo(90.4 / 9.4, 10);
    expect(opened.comp!.raw!).toBeLessThan(float32.comp!.raw!);
    // The original itself is already 4× smaller than float32.
    expect(float32.base).toMatchObject({ text: '4.00×', raw: 4 });
  });

  it('says plainly when the TF.js files grew past the files opened', () => {
    const [opened] = ratioRows(uint8, { compact: 9_400_000, tfjs: 23_052_000 });
    expect(opened.comp?.note).toBe('compact file 2.40× smaller than the files you opened; TF.js files 1.02× larger than the files you opened');
  });

  it('one Keras file: "the file you opened", and pending cells before a compression is measured', () => {
    const keras: Pick<LoadedModel, 'opened' | 'float32'> = { opened: { kind: 'keras', bytes: 3000, files: [{ name: 'm.h5', bytes: 3000 }] }, float32: { raw: 1000, gzip: 900 } };
    const [opened, float32] = ratioRows(keras, undefined);
    expect(opened.base.note).toMatch(/^vs the file you opened: Keras file, /);
    expect(opened.comp).toEqual({ text: '…' });
    // A Keras file with optimizer state is larger than its float32 weights: below 1×, not hidden.
    expect(float32.base.raw).toBeCloseTo(1 / 3, 10);
    expect(float32.comp).toEqual({ text: '…' });
  });
});
