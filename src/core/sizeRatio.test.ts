import { describe, expect, it } from 'vitest';
import { compareSizes, formatRatio, sizeRatio } from './sizeRatio';

describe('sizeRatio', () => {
  it('is reference ÷ export, checked by hand', () => {
    expect(sizeRatio(1000, 250)).toBe(4);
    expect(sizeRatio(1000, 2000)).toBe(0.5);
  });
  it('a uint8 original: the ratio against the opened files is below the one against float32', () => {
    // 1 M weights: float32 files 4 MB, the opened uint8 files 1 MB, the export 0.5 MB.
    const float32 = 4_000_000, opened = 1_000_000, exported = 500_000;
    expect(sizeRatio(opened, exported)).toBe(2);
    expect(sizeRatio(float32, exported)).toBe(8);
    expect(sizeRatio(opened, exported)).toBeLessThan(sizeRatio(float32, exported));
  });
  it('is NaN for sizes that are not positive finite numbers', () => {
    for (const [a, b] of [[0, 1], [1, 0], [NaN, 1], [1, NaN], [-1, 1], [Infinity, 1]]) expect(sizeRatio(a, b)).toBeNaN();
  });
});

describe('formatRatio', () => {
  it('keeps two decimals under 10, one under 100, none above', () => {
    expect(formatRatio(1.0234)).toBe('1.02');
    expect(formatRatio(24.46)).toBe('24.5');
    expect(formatRatio(411.6)).toBe('412');
    expect(formatRatio(NaN)).toBe('–');
  });
});

describe('compareSizes', () => {
  it('says plainly when the export is larger than the files opened (the factor is export ÷ opened)', () => {
    expect(compareSizes(22_600_000, 23_052_000, 'TF.js files', 'the files you opened')).toBe('TF.js files 1.02× larger than the files you opened');
  });
  it('says how many times smaller, or the same size within rounding', () => {
    expect(compareSizes(4000, 1000, 'compact file', 'float32')).toBe('compact file 4.00× smaller than float32');
    expect(compareSizes(1000, 1001, 'TF.js files', 'the file you opened')).toBe('TF.js files 1.00×, the same size as the file you opened');
    expect(compareSizes(1000, NaN, 'TF.js files', 'the file you opened')).toBe('TF.js files: no size to compare with the file you opened');
  });
});
