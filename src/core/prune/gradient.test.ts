import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { pruneTaylor, taylorChannelScores, taylorScores } from './gradient';

const t = {
  values: new Float32Array([1, -2, 0.5, 4]),
  grads: new Float32Array([0.5, 0.25, -2, 0]),
  shape: [2, 2],
};

describe('Taylor (gradient) scores', () => {
  it('computes |w·g| per weight and (Σ w·g)² per channel (hand-checked)', () => {
    expect(Array.from(taylorScores(t))).toEqual([0.5, 0.5, 1, 0]);
    // channel 0 = {1·0.5, 0.5·(−2)} → (0.5 − 1)² = 0.25; channel 1 = {−2·0.25, 4·0} → 0.25
    expect(Array.from(taylorChannelScores(t))).toEqual([0.25, 0.25]);
    expect(Array.from(taylorChannelScores(t, 0))).toEqual([0, 1]);
  });

  it('prunes by score with exact counts and index tie-break', () => {
    const [r] = pruneTaylor([t], { ratio: 0.5 });
    // scores 0.5 0.5 1 0 → prune index 3 (0), then index 0 (first of the tie)
    expect(Array.from(r.mask)).toEqual([0, 1, 1, 0]);
    expect(Array.from(r.values)).toEqual([0, -2, 0.5, 0]);
  });

  it('rejects mismatched or non-finite gradients', () => {
    expect(() => taylorScores({ ...t, grads: new Float32Array(3) })).toThrow('taylorScores (grads): values has length 3 but shape [2, 2] holds 4 elements');
    expect(() => taylorScores({ ...t, grads: new Float32Array([0, NaN, 0, 0]) })).toThrow('taylorScores (grads): values[1] is NaN');
    expect(() => pruneTaylor([t], { ratio: 2 })).toThrow('pruneTaylor: ratio must be in [0, 1], got 2');
    expect(pruneTaylor([{ values: new Float32Array(0), grads: new Float32Array(0), shape: [0] }], { ratio: 1 })[0].pruned).toBe(0);
  });

  it('reaches sparsity exactly over several tensors and prunes low scores first', () => {
    const r = createRng(8);
    const ts = [50, 120, 7].map((n) => ({ values: Float32Array.from({ length: n }, () => r.normal()), grads: Float32Array.from({ length: n }, () => r.normal()), shape: [n] }));
    const res = pruneTaylor(ts, { ratio: 0.6 });
    expect(res.reduce((s, x) => s + x.pruned, 0)).toBe(Math.round(0.6 * 177));
    const kept: number[] = [];
    const dropped: number[] = [];
    res.forEach((x, i) => taylorScores(ts[i]).forEach((s, j) => (x.mask[j] ? kept : dropped).push(s)));
    expect(Math.max(...dropped)).toBeLessThanOrEqual(Math.min(...kept));
  });
});
