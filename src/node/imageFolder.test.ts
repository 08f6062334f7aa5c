import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, fitImage, readImageFolder } from './imageFolder';

const tmp = mkdtempSync(join(tmpdir(), 'cs-folder-'));
const pre = { scale: 1 / 255, mean: [0], std: [1] };
const gray28 = { shape: [28, 28, 1] as const, classes: 10, preprocessing: pre };

/** A PNG of w×h RGBA pixels, all `rgba`. */
function png(w: number, h: number, rgba: number[] | ((i: number) => number[])): Buffer {
  const img = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) img.data.set(typeof rgba === 'function' ? rgba(i) : rgba, i * 4);
  return PNG.sync.write(img);
}

/** Writes files (path → bytes) under a new folder of tmp; returns its path. */
function folder(name: string, files: Record<string, Buffer | string>): string {
  const dir = join(tmp, name);
  for (const [rel, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), bytes);
  }
  return dir;
}

describe('decodeImage / fitImage', () => {
  it('a 2×2 PNG to gray by Rec. 601 luma, alpha composited over black (hand-checked)', () => {
    const pixels = [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 255, 0]];
    const img = decodeImage(png(2, 2, (i) => pixels[i]), 'a.png');
    expect([img.width, img.height]).toEqual([2, 2]);
    // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1; transparent white → black
    expect([...fitImage(img, [2, 2, 1])]).toEqual([76, 150, 29, 0]);
    // bilinear to 1×1 averages the four: R = G = B = 127.5 → 128, A = 191.25 → 191; over black 128 · 191/255 = 95.9 → 96
    expect([...fitImage(img, [1, 1, 3])]).toEqual([96, 96, 96]);
  });

  it('a JPEG decodes close to its colour; a file of neither kind or damaged names the file', () => {
    const data = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : 128));
    const bytes = jpeg.encode({ width: 8, height: 8, data }, 95).data;
    const gray = fitImage(decodeImage(bytes, 'b.jpg'), [4, 4, 1]);
    for (const v of gray) expect(Math.abs(v - 128)).toBeLessThanOrEqual(2);
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'notes.png')).toThrow(/^notes\.png: is neither a PNG nor a JPEG/);
    expect(() => decodeImage(png(4, 4, [1, 2, 3, 255]).subarray(0, 40), 'cut.png')).toThrow(/^cut\.png: cannot be decoded as PNG/);
  });
});

describe('readImageFolder', () => {
  it('class folders named by output index: labels by folder, images sorted, preprocessing recorded', () => {
    const dir = folder('digits', {
      '3/b.png': png(28, 28, [30, 30, 30, 255]), '3/a.png': png(28, 28, [10, 10, 10, 255]), '7/c.jpg': jpeg.encode({ width: 14, height: 14, data: new Uint8Array(14 * 14 * 4).fill(255) }, 90).data,
      'README.txt': 'not an image', '.DS_Store': 'x',
    });
    const { dataset, notes } = readImageFolder(dir, gray28);
    expect(dataset.entry).toMatchObject({ count: 3, shape: [28, 28, 1], classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], scale: 1 / 255 });
    expect([...(dataset.labels ?? [])]).toEqual([3, 3, 7]);
    expect([dataset.images[0], dataset.images[784], dataset.images[2 * 784]]).toEqual([10, 30, 255]);
    expect(notes.join('\n')).toMatch(/1 other file ignored/);
  });

  it('named class folders in sorted order; a flat folder is unlabelled', () => {
    const named = readImageFolder(folder('pets', { 'dog/1.png': png(5, 5, [0, 0, 0, 255]), 'cat/1.png': png(5, 5, [0, 0, 0, 255]) }), { ...gray28, classes: 2 });
    expect(named.dataset.entry.classes).toEqual(['cat', 'dog']);
    expect([...(named.dataset.labels ?? [])]).toEqual([0, 1]);
    // One class folder alone is still a class folder, not the folder given.
    const one = readImageFolder(folder('only-five', { '5/x.png': png(3, 3, [9, 9, 9, 255]) }), gray28);
    expect([...(one.dataset.labels ?? [])]).toEqual([5]);
    const flat = readImageFolder(folder('flat', { 'x.png': png(3, 3, [9, 9, 9, 255]), 'y.png': png(3, 3, [9, 9, 9, 255]) }), { ...gray28, shape: [2, 2, 3] });
    expect(flat.dataset.labels).toBeUndefined();
    expect(flat.dataset.entry).toMatchObject({ count: 2, shape: [2, 2, 3], classes: [] });
    expect([...flat.dataset.images]).toEqual(new Array(24).fill(9));
  });

  it('refuses, naming the folder or file: missing, empty, other formats, undecodable, classes that do not match', () => {
    expect(() => readImageFolder(join(tmp, 'nope'), gray28, '--train nope')).toThrow(/^--train nope: no such folder/);
    expect(() => readImageFolder(folder('empty', { 'a.txt': 'x' }), gray28, 'empty')).toThrow(/^empty: no PNG or JPEG images/);
    expect(() => readImageFolder(folder('gif', { 'a.png': png(2, 2, [0, 0, 0, 255]), 'b.gif': 'GIF89a' }), gray28, 'gif')).toThrow(/^gif: b\.gif is an image format the CLI does not decode/);
    expect(() => readImageFolder(folder('bad', { '1/a.png': png(2, 2, [0, 0, 0, 255]), '2/b.png': 'not really' }), gray28, 'bad')).toThrow(/^bad\/2\/b\.png: is neither a PNG nor a JPEG/);
    expect(() => readImageFolder(folder('pets3', { 'cat/a.png': png(2, 2, [0, 0, 0, 255]), 'dog/b.png': png(2, 2, [0, 0, 0, 255]) }), gray28, 'pets3'))
      .toThrow(/^pets3: found 2 class folders \(cat, dog\) but the model outputs 10 classes/);
  });
});
