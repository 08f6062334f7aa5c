import { describe, expect, it } from 'vitest';
import { accuracyStats, argmaxRow, fidelity, probabilitiesRow } from './metrics';

describe('accuracyStats', () => {
  it('counts top-1, the confusion matrix and the mean cross-entropy by hand', () => {
    // 3 samples, 2 classes: rows (0.9, 0.1) label 0 ✓; (0.2, 0.8) label 0 ✗; (0.4, 0.6) label 1 ✓.
    const s = accuracyStats([0.9, 0.1, 0.2, 0.8, 0.4, 0.6], [0, 0, 1], 3, 2);
    expect(s.accuracy).toBeCloseTo(2 / 3, 12);
    expect(s.confusion).toEqual([[1, 1], [0, 1]]);
    expect(s.loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.6)) / 3, 6);
  });
});

describe('fidelity', () => {
  it('is perfect against itself', () => {
    const p = [0.7, 0.2, 0.1, 0.1, 0.1, 0.8];
    expect(fidelity(p, p, 2, 3)).toEqual({ agreement: 1, meanKl: 0 });
  });

  it('matches hand-computed agreement and KL(p‖q)', () => {
    const p = [0.5, 0.5, 0.9, 0.1];
    const q = [0.25, 0.75, 0.6, 0.4];
    // Row 0: argmax p = 0 (tie → first), q = 1: disagree. Row 1: both 0: agree.
    const kl0 = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    const kl1 = 0.9 * Math.log(0.9 / 0.6) + 0.1 * Math.log(0.1 / 0.4);
    const f = fidelity(p, q, 2, 2);
    expect(f.agreement).toBe(0.5);
    expect(f.meanKl).toBeCloseTo((kl0 + kl1) / 2, 12);
  });

  it('takes rows that are not distributions as logits (softmax first)', () => {
    const logits = [2, 0, -1];
    const probs = Array.from(probabilitiesRow(logits, 0, 3));
    const z = Math.exp(2) + 1 + Math.exp(-1);
    expect(probs[0]).toBeCloseTo(Math.exp(2) / z, 12);
    expect(fidelity(logits, probs, 1, 3).meanKl).toBeCloseTo(0, 12);
  });

  it('stays finite when the model puts zero on a class the reference likes (clipped)', () => {
    const f = fidelity([1, 0], [0, 1], 1, 2);
    expect(f.agreement).toBe(0);
    expect(f.meanKl).toBeCloseTo(Math.log(1 / 1e-7), 6);
  });

  it('rejects too few rows', () => {
    expect(() => fidelity([1, 0], [1, 0, 0, 1], 2, 2)).toThrow(/need 2×2/);
  });

  it('argmax takes the first of equal values', () => {
    expect(argmaxRow([0.3, 0.3, 0.4, 0.5, 0.5, 0], 1, 3)).toBe(0);
  });
});
