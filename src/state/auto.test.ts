import { describe, expect, it } from 'vitest';
import type { SensitivityResult } from '../runtime/protocol';
import { autoPlan } from './auto';

// Three layers; baseline 0.98. Bytes: fc1 1000 → 500/200/50, fc2 400 → 200/80/20, fc3 100 → 50/20/5; other tensors 50.
const r: SensitivityResult = {
  technique: 'prune', metric: 'accuracy', levels: [0.5, 0.8, 0.95], layers: ['fc1', 'fc2', 'fc3'], count: 100, baseline: 0.98,
  accuracy: [[0.98, 0.978, 0.97], [0.979, 0.975, 0.96], [0.95, 0.9, 0.5]],
  bytes: [[500, 200, 50], [200, 80, 20], [50, 20, 5]], baseBytes: [1000, 400, 100], totalBytes: 1550,
};

describe('autoPlan', () => {
  it('for a drop target, takes the best bytes-per-point moves that fit the budget', () => {
    // Free: fc1→50 % (saves 500). Then rates: fc1→80 % saves 300 for 0.002 (150 000/pt), fc1→95 % 450 for 0.01,
    // fc2→50 % 200 for 0.001 (200 000/pt) … with a budget of 0.004: fc2 50 % (0.001), then fc1 80 % (0.002): 0.003 spent.
    const { plan, explanation, estimate } = autoPlan(r, { drop: 0.004 });
    expect(plan.layers).toEqual({ fc1: { prune: 0.8 }, fc2: { prune: 0.5 } });
    expect(estimate.drop).toBeCloseTo(0.003, 12);
    expect(estimate.bytes).toBe(1550 - 1500 + 200 + 200 + 100);
    expect(explanation[0]).toMatch(/^Target at most 0.40 points of accuracy lost: estimated 550 B \(from 1.6 KB\), −0.30 points/);
    expect(explanation[1]).toBe('fc1: prune 80 % — 1.0 KB → 200 B, alone −0.20 points');
    expect(explanation[3]).toMatch(/fc3: left as it is \(100 B\) — every level costs more than the budget left/);
  });

  it('a zero budget keeps only lossless levels', () => {
    expect(autoPlan(r, { drop: 0 }).plan.layers).toEqual({ fc1: { prune: 0.5 } });
  });

  it('for a size target, compresses until the estimate fits and no further', () => {
    const { plan, estimate, explanation } = autoPlan(r, { bytes: 700 });
    expect(estimate.bytes).toBeLessThanOrEqual(700);
    expect(plan.layers).toEqual({ fc1: { prune: 0.8 }, fc2: { prune: 0.5 } });
    expect(explanation[3]).toMatch(/fc3: left as it is .* not needed for the target/);
    // A tighter target spends more accuracy.
    const tight = autoPlan(r, { bytes: 150 });
    expect(tight.estimate.bytes).toBeLessThanOrEqual(150);
    expect(tight.estimate.drop).toBeGreaterThan(estimate.drop);
  });

  it('says when a size cannot be reached', () => {
    const { estimate, explanation } = autoPlan(r, { bytes: 10 });
    expect(estimate.bytes).toBe(50 + 50 + 20 + 5);
    expect(explanation[0]).toMatch(/not reachable with these levels; the smallest is 125 B/);
  });

  it('quantization: fewer bits when they lose nothing; agreement named as the metric', () => {
    const q: SensitivityResult = { ...r, technique: 'quantize', metric: 'agreement', levels: [8, 4, 2], layers: ['a'], baseline: 1,
      accuracy: [[1, 1, 0.5]], bytes: [[100, 50, 25]], baseBytes: [400], totalBytes: 450 };
    const choice = autoPlan(q, { drop: 0.001 });
    expect(choice.plan.layers).toEqual({ a: { bits: 4 } });
    expect(choice.explanation[1]).toMatch(/a: 4 bits — 400 B → 50 B, alone no agreement loss/);
  });
});
