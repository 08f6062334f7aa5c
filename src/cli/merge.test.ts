import { describe, expect, it } from 'vitest';
import { frontOf, mergeLines } from './merge';
import { paretoSvg } from './mergeSvg';

/** A sweep line as `sweep` writes it (only the fields merge reads are varied). */
function line(cell: number, o: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: cell + 1, kind: 'sweep', label: `cell ${cell}`, modelName: 'LeNet-300-100 (MNIST)', accuracy: 0.9 + cell / 100, metric: 'accuracy',
    compactBytes: 1000 * (cell + 1), tfjsBytes: 4000 * (cell + 1), gzipBytes: 900 * (cell + 1), latencyMs: 0.2, backend: 'wasm', dataset: 'mnist-val',
    preprocessing: '{"scale":0.00392156862745098,"mean":[0],"std":[1]}', plan: { version: 1, prune: { ratio: cell / 10, scope: 'global' } },
    openedBytes: 1068448, float32Bytes: 1068442, ratios: {}, cell, cells: 4, grid: 'prune=0,0.1,0.2,0.3', shard: `${cell % 2}/2`, ...o,
  });
}
const file = (name: string, ...lines: string[]) => ({ name, text: lines.map((l) => `${l}\n`).join('') });

describe('mergeLines', () => {
  it('joins shards, sorted by cell, a cell found twice kept once', () => {
    const merged = mergeLines([file('b.jsonl', line(3), line(1)), file('a.jsonl', line(2), line(0)), file('again.jsonl', line(1))]);
    expect(merged.map((l) => l.cell)).toEqual([0, 1, 2, 3]);
    expect(merged[1].file).toBe('b.jsonl');
    // Each line is kept as written, ratios and shard included.
    expect(JSON.parse(merged[3].line)).toEqual(JSON.parse(line(3)));
  });

  it('refuses lines of two sweeps, naming both files', () => {
    expect(() => mergeLines([file('a.jsonl', line(0)), file('b.jsonl', line(1, { modelName: 'LeNet-5 (MNIST)' }))]))
      .toThrow(/^b\.jsonl, line 1 is of another sweep than a\.jsonl, line 1: LeNet-5 \(MNIST\) on mnist-val .* vs LeNet-300-100 \(MNIST\) on mnist-val/);
    expect(() => mergeLines([file('a.jsonl', line(0)), file('c.jsonl', line(1, { dataset: 'fashion-mnist-val' }))])).toThrow(/c\.jsonl, line 1 is of another sweep/);
    expect(() => mergeLines([file('a.jsonl', line(0)), file('d.jsonl', line(1, { grid: 'prune=0,0.5', cells: 2 }))])).toThrow(/grid "prune=0,0\.5" vs .* grid "prune=0,0\.1,0\.2,0\.3"/);
    expect(() => mergeLines([file('a.jsonl', line(0)), file('e.jsonl', line(0, { plan: { version: 1 } }))])).toThrow(/e\.jsonl, line 1: cell 0 has another plan than in a\.jsonl, line 1/);
  });

  it('refuses a line that is not a sweep point, naming the file, line and field', () => {
    expect(() => mergeLines([file('a.jsonl', line(0), '{"oops"')])).toThrow(/^a\.jsonl, line 2: is not JSON/);
    expect(() => mergeLines([file('a.jsonl', line(0), line(1, { accuracy: 1.5 }))])).toThrow(/^a\.jsonl, line 2: "accuracy" must be a number in \[0, 1\], got 1\.5/);
    expect(() => mergeLines([file('a.jsonl', line(0, { cell: undefined }))])).toThrow(/line 1: has no "cell", "cells" and "grid"/);
    expect(() => mergeLines([file('a.jsonl', line(7))])).toThrow(/cell 7 is outside its grid of 4 cells/);
    expect(() => mergeLines([file('a.jsonl', line(0, { plan: { version: 1, prune: { ratio: 2 } } }))])).toThrow(/line 1: "plan": compression plan: prune\.ratio must be in \[0, 0\.99\], got 2/);
    expect(() => mergeLines([file('empty.jsonl')])).toThrow(/empty\.jsonl: no lines/);
  });
});

describe('frontOf / paretoSvg', () => {
  it('keeps the points no other beats on compact size and accuracy, sorted by size', () => {
    const lines = mergeLines([file('a.jsonl', line(0, { accuracy: 0.95 }), line(1, { accuracy: 0.9 }), line(2, { accuracy: 0.97 }), line(3, { accuracy: 0.96 }))]);
    expect(frontOf(lines).map((l) => l.cell)).toEqual([0, 2]);
  });

  it('draws every point, the front as one staircase, and both axis labels', () => {
    const pts = [{ bytes: 1000, accuracy: 0.9, title: 'a' }, { bytes: 5000, accuracy: 0.95, title: 'b' }, { bytes: 8000, accuracy: 0.93, title: 'c<' }];
    const svg = paretoSvg(pts, [pts[0], pts[1]], 'LeNet & co');
    expect(svg.match(/data-role="point"/g)).toHaveLength(3);
    expect(svg.match(/data-role="front"/g)).toHaveLength(1);
    expect(svg).toMatch(/compact file size \(bytes, log scale\)/);
    expect(svg).toMatch(/top-1 accuracy \(%\)/);
    expect(svg).toContain('LeNet &amp; co');
    expect(svg).toContain('<title>c&lt;</title>');
    // The staircase: from the first point right to the second's size, then up to its accuracy.
    const d = /<path d="M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)"/.exec(svg);
    expect(d).not.toBeNull();
    const [x0, y0, x1, y1] = (d as RegExpExecArray).slice(1).map(Number);
    expect(x1).toBeGreaterThan(x0);
    expect(y1).toBeLessThan(y0);
  });
});
