import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatPercent } from './format';

describe('format', () => {
  it('bytes', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_066_440)).toBe('1.07 MB');
    expect(formatBytes(27_000)).toBe('27.0 KB');
    expect(formatBytes(NaN)).toBe('–');
  });
  it('percent never rounds up', () => {
    expect(formatPercent(0.97999)).toBe('97.99 %');
    expect(formatPercent(0.976)).toBe('97.60 %');
    expect(formatPercent(1)).toBe('100.00 %');
  });
  it('ms', () => {
    expect(formatMs(0.4567)).toBe('0.46 ms');
    expect(formatMs(45.67)).toBe('45.7 ms');
    expect(formatMs(456.7)).toBe('457 ms');
  });
});
