import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeDataset, parseDatasetEntry } from './dataset';

const publicDir = join(__dirname, '..', '..', 'public');
const catalog = (JSON.parse(readFileSync(join(publicDir, 'data', 'catalog.json'), 'utf8')) as unknown[]).map((e) => parseDatasetEntry(e));

describe('bundled data catalog', () => {
  it('lists MNIST 8 000 / 2 000 and Fashion-MNIST 60 000 / 10 000', () => {
    const counts = Object.fromEntries(catalog.map((e) => [e.id, e.count]));
    expect(counts).toEqual({ 'mnist-train': 8000, 'mnist-val': 2000, 'fashion-mnist-train': 60000, 'fashion-mnist-val': 10000 });
  });

  for (const e of catalog) {
    it(`${e.id}: files match their size, label range, hashes and class balance`, () => {
      const images = new Uint8Array(readFileSync(join(publicDir, e.images)));
      const labels = new Uint8Array(readFileSync(join(publicDir, e.labels ?? '')));
      const ds = makeDataset(e, images, labels);
      expect(createHash('sha256').update(images).digest('hex')).toBe(e.sha256?.images);
      expect(createHash('sha256').update(labels).digest('hex')).toBe(e.sha256?.labels);
      const perClass = new Array(e.classes.length).fill(0);
      for (const l of ds.labels) perClass[l]++;
      // Every class is present, none dominates (MNIST digits are 8.6–11.3 % each; Fashion exactly 10 %).
      for (const n of perClass) expect(n / e.count).toBeGreaterThan(0.07);
      if (e.dataset === 'fashion-mnist') expect(new Set(perClass).size).toBe(1);
      // Real images: mean intensity of MNIST ≈ 0.13, Fashion ≈ 0.29; pixels span 0–255.
      let sum = 0;
      let max = 0;
      for (const v of images) { sum += v; if (v > max) max = v; }
      expect(max).toBe(255);
      expect(sum / images.length / 255).toBeGreaterThan(0.1);
      expect(sum / images.length / 255).toBeLessThan(0.35);
    });
  }

  it('rejects files of the wrong size or with out-of-range labels, naming the file', () => {
    const e = catalog[0];
    expect(() => makeDataset(e, new Uint8Array(10), new Uint8Array(e.count))).toThrow(new RegExp(`${e.images}: 10 bytes`));
    const bad = new Uint8Array(e.count);
    bad[5] = 10;
    expect(() => makeDataset(e, new Uint8Array(e.count * 784), bad)).toThrow(/label 10 at index 5/);
  });

  it('rejects malformed catalog entries with the field name', () => {
    expect(() => parseDatasetEntry({ id: 'x', name: 'x', split: 'val', images: 'a', labels: 'b', count: 3, shape: [28, 28], classes: ['a', 'b'], scale: 1 }))
      .toThrow(/"shape" must be \[H, W, C\]/);
    expect(() => parseDatasetEntry(null)).toThrow(/not an object/);
  });
});
