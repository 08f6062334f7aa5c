import { describe, expect, it } from 'vitest';
import { makeDataset, type DatasetEntry } from '../dataset';
import { convertChannels, fitDataset, imageInputShape, resizeBilinear } from './imageFit';

describe('resizeBilinear', () => {
  it('upsamples a 2×2 image by hand-checked half-pixel interpolation', () => {
    // Output x positions for 2 → 4: −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    const out = resizeBilinear(Uint8Array.from([0, 100, 200, 252]), [2, 2, 1], 4, 4);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 25, 75, 100]);
    expect(Array.from(out.subarray(12, 16))).toEqual([200, 213, 239, 252]);
    // Row 1 (y = 0.25): 0.75·row0 + 0.25·row1 at x = 0: 50.
    expect(out[4]).toBe(50);
  });

  it('downsamples 4×4 → 2×2 by averaging each 2×2 block (samples at 0.5 and 2.5)', () => {
    const src = Uint8Array.from({ length: 16 }, (_, i) => i * 10);
    expect(Array.from(resizeBilinear(src, [4, 4, 1], 2, 2))).toEqual([25, 45, 105, 125]);
  });

  it('keeps channels apart, copies when the size is unchanged, and rejects a wrong length', () => {
    const rgb = Uint8Array.from([255, 0, 10, 0, 255, 20]); // 1×2 RGB
    const out = resizeBilinear(rgb, [1, 2, 3], 1, 4);
    expect(Array.from(out.subarray(0, 3))).toEqual([255, 0, 10]);
    expect(Array.from(out.subarray(9, 12))).toEqual([0, 255, 20]);
    const same = resizeBilinear(rgb, [1, 2, 3], 1, 2);
    expect(same).toEqual(rgb);
    expect(same).not.toBe(rgb);
    expect(() => resizeBilinear(rgb, [2, 2, 3], 1, 1)).toThrow(/6 bytes is not 2×2×3/);
  });

  it('keeps a constant image constant at any size (invariant)', () => {
    const out = resizeBilinear(new Uint8Array(7 * 5 * 3).fill(77), [7, 5, 3], 28, 13);
    expect(out.every((v) => v === 77)).toBe(true);
  });
});

describe('convertChannels', () => {
  it('RGB → gray by Rec. 601 luma, gray → RGB by copying', () => {
    expect(Array.from(convertChannels(Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]), 4, 3, 1))).toEqual([76, 150, 29, 255]);
    expect(Array.from(convertChannels(Uint8Array.from([7, 200]), 2, 1, 3))).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('composites RGBA over black before converting', () => {
    expect(Array.from(convertChannels(Uint8Array.from([255, 255, 255, 0, 255, 255, 255, 255, 200, 100, 50, 128]), 3, 4, 3)))
      .toEqual([0, 0, 0, 255, 255, 255, 100, 50, 25]);
  });

  it('names what it cannot convert', () => {
    expect(() => convertChannels(new Uint8Array(4), 2, 2, 1)).toThrow(/2 channels are not supported/);
    expect(() => convertChannels(new Uint8Array(3), 1, 3, 4)).toThrow(/takes 4 channels/);
  });
});

describe('fitDataset', () => {
  const entry: DatasetEntry = { id: 'u', name: 'u', dataset: 'u', split: 'val', count: 2, shape: [2, 2, 3], classes: ['a', 'b'], images: 'i', labels: 'l', scale: 1 / 255, mean: [0.5, 0.4, 0.3] };
  const ds = makeDataset(entry, new Uint8Array(24).fill(100), Uint8Array.from([0, 1]));

  it('fits every image to the model shape, keeping labels and dropping a per-channel mean that no longer fits', () => {
    const fit = fitDataset(ds, [4, 4, 1]);
    expect(fit.entry.shape).toEqual([4, 4, 1]);
    expect(fit.images.length).toBe(2 * 16);
    expect(fit.images.every((v) => v === 100)).toBe(true);
    expect(fit.labels).toBe(ds.labels);
    expect(fit.entry.mean).toBeUndefined();
    expect(fitDataset(ds, [2, 2, 3])).toBe(ds);
  });

  it('reads the image shape of a model input or says why not', () => {
    expect(imageInputShape([-1, 28, 28, 1])).toEqual([28, 28, 1]);
    expect(() => imageInputShape([-1, 784])).toThrow(/not an image batch/);
    expect(imageInputShape([-1, 28, 28])).toEqual([28, 28, 1]); // grayscale without a channel axis (Keras MNIST models)
    expect(() => imageInputShape([-1, -1, 28])).toThrow(/not an image batch/);
  });
});
