import { describe, expect, it } from 'vitest';
import { autoPlan } from './auto';

describe('autoPlan', () => {
  const r = { technique: 'prune' as const, levels: [0.5, 0.8, 0.95], layers: ['fc1', 'fc2', 'fc3'], count: 100, baseline: 0.98,
    accuracy: [[0.98, 0.978, 0.97], [0.979, 0.975, 0.96], [0.95, 0.9, 0.5]] };
  it('gives each layer the most aggressive level within its share of the budget', () => {
    // baseline 0.98, target 0.009 → share 0.003 per layer
    const { plan, explanation } = autoPlan(r, 0.009);
    expect(plan.layers).toEqual({ fc1: { prune: 0.8 }, fc2: { prune: 0.5 } });
    expect(explanation[2]).toMatch(/fc3: left as it is/);
    expect(explanation[0]).toMatch(/fc1: prune 80 % \(alone: −0.20 points, budget 0.30\)/);
  });
  it('quantization prefers fewer bits', () => {
    const q = { technique: 'quantize' as const, levels: [8, 4, 2], layers: ['a'], count: 10, baseline: 0.9, accuracy: [[0.9, 0.9, 0.5]] };
    expect(autoPlan(q, 0.001).plan.layers).toEqual({ a: { bits: 4 } });
  });
  it('a zero budget keeps only lossless levels', () => {
    expect(autoPlan(r, 0).plan.layers).toEqual({ fc1: { prune: 0.5 } });
  });
});
