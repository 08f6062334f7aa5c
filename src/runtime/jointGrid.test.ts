import { describe, expect, it } from 'vitest';
import { JOINT_GRID, jointCells, jointPlan, jointText, milder, skipReason } from './jointGrid';

describe('jointCells', () => {
  it('lists every (prune, bits) pair, most bits first, least pruning first within a width', () => {
    expect(jointCells({ prune: [0.5, 0], bits: [4, 8, 4] })).toEqual([
      { prune: 0, bits: 8 }, { prune: 0.5, bits: 8 }, { prune: 0, bits: 4 }, { prune: 0.5, bits: 4 },
    ]);
    expect(jointCells(JOINT_GRID)).toHaveLength(30);
  });

  it('puts every milder cell before the cells it is milder than', () => {
    const cells = jointCells(JOINT_GRID);
    cells.forEach((c, k) => cells.forEach((d, m) => { if (milder(d, c)) expect(m).toBeLessThan(k); }));
  });

  it('rejects an empty grid and out-of-range values', () => {
    expect(() => jointCells({ prune: [], bits: [8] })).toThrow(/at least one/);
    expect(() => jointCells({ prune: [0], bits: [0] })).toThrow(/bits/);
    expect(() => jointCells({ prune: [1], bits: [8] })).toThrow(/prune/);
  });
});

describe('skipReason', () => {
  const cells = jointCells({ prune: [0, 0.5], bits: [8, 4] }); // (0,8) (.5,8) (0,4) (.5,4)
  it('skips a cell a milder cell already made hopeless, or that a milder cell is no larger than', () => {
    expect(skipReason(cells, 3, [100, 60, 50, NaN], [0.001, 0.06, 0.002, NaN], 0.05)).toBe('hopeless');
    // (0, 4) at 50 bytes is milder than (.5, 4) and smaller than its 55: dominated.
    expect(skipReason(cells, 3, [100, 60, 50, NaN], [0, 0.01, 0.02, NaN], 0.05, 55)).toBe('dominated');
    expect(skipReason(cells, 3, [100, 60, 50, NaN], [0, 0.01, 0.02, NaN], 0.05, 40)).toBeUndefined();
    // (.5, 8) is not milder than (0, 4): more pruning.
    expect(skipReason(cells, 2, [100, 60, NaN, NaN], [0, 0.2, NaN, NaN], 0.05, 50)).toBeUndefined();
  });
});

describe('jointPlan', () => {
  it('overrides prune and bits per chosen layer, excludes the others, carries the quantizer settings', () => {
    const plan = jointPlan({ a: { prune: 0.8, bits: 4 }, b: { prune: 0, bits: 4 }, c: { prune: 0, bits: 8 } }, ['a', 'b', 'c', 'd'], { prune: [], bits: [], scheme: 'symmetric' }, 'minmax');
    expect(plan).toEqual({
      version: 1,
      quantize: { bits: 4, scheme: 'symmetric', granularity: 'channel', calibrate: 'minmax' },
      layers: { a: { prune: 0.8, bits: 4 }, b: { bits: 4 }, c: { bits: 8 }, d: { exclude: true } },
    });
    expect(jointPlan({}, ['a'], JOINT_GRID)).toEqual({ version: 1 });
    expect(jointText({ prune: 0.8, bits: 4 })).toBe('prune 80 % + 4 bits');
    expect(jointText({ prune: 0, bits: 3 })).toBe('3 bits');
  });
});
