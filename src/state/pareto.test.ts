import { describe, expect, it } from 'vitest';
import { paretoFront, sweepGrid } from './pareto';

describe('paretoFront', () => {
  it('keeps exactly the non-dominated points, smallest first', () => {
    const pts = [
      { id: 'a', bytes: 100, accuracy: 0.90 },
      { id: 'b', bytes: 50, accuracy: 0.85 },
      { id: 'c', bytes: 80, accuracy: 0.80 }, // dominated by b (smaller and better)
      { id: 'd', bytes: 200, accuracy: 0.95 },
      { id: 'e', bytes: 200, accuracy: 0.93 }, // same size as d, worse
      { id: 'f', bytes: 300, accuracy: 0.95 }, // bigger than d, not better
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['b', 'a', 'd']);
  });
  it('handles empty and single inputs', () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([{ bytes: 1, accuracy: 0 }])).toHaveLength(1);
  });
  it('no front point is dominated by any point (invariant on random data)', () => {
    let s = 1;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const pts = Array.from({ length: 200 }, () => ({ bytes: rand() * 1e6, accuracy: rand() }));
    const front = paretoFront(pts);
    for (const f of front) expect(pts.some((p) => p.bytes < f.bytes && p.accuracy > f.accuracy)).toBe(false);
    for (const p of pts) if (!front.includes(p)) expect(pts.some((q) => q.bytes <= p.bytes && q.accuracy >= p.accuracy && q !== p)).toBe(true);
  });
});

describe('sweepGrid', () => {
  it('is the cross product in row-major order', () => {
    expect(sweepGrid([0.5, 0.9], [8, 'f16'])).toEqual([{ prune: 0.5, bits: 8 }, { prune: 0.5, bits: 'f16' }, { prune: 0.9, bits: 8 }, { prune: 0.9, bits: 'f16' }]);
  });
});
