import { describe, expect, it } from 'vitest';
import { applyMask, pruneByScores, pruneCount } from './mask';

describe('mask helpers', () => {
  it('counts round(ratio·n), halves up, and rejects ratios outside [0, 1]', () => {
    expect([0, 0.25, 0.5, 0.7, 1].map((r) => pruneCount('f', r, 5))).toEqual([0, 1, 3, 4, 5]);
    expect(() => pruneCount('f', -0.1, 5)).toThrow('f: ratio must be in [0, 1], got -0.1');
  });

  it('applies a mask to a copy and counts the zeros', () => {
    const x = new Float32Array([1, 2, 3]);
    const r = applyMask(x, new Uint8Array([1, 0, 1]));
    expect(Array.from(r.values)).toEqual([1, 0, 3]);
    expect(r.pruned).toBe(1);
    expect(Array.from(x)).toEqual([1, 2, 3]);
  });

  it('prunes by arbitrary scores, not by the values', () => {
    const [r] = pruneByScores('f', [new Float32Array([5, 6, 7])], [new Float32Array([0.3, 0.1, 0.2])], 2 / 3);
    expect(Array.from(r.values)).toEqual([5, 0, 0]);
    expect(() => pruneByScores('f', [new Float32Array(2)], [new Float32Array(3)], 0.5)).toThrow('f: scores of tensor 0 have length 3, values 2');
  });
});
