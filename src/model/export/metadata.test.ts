import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { DatasetEntry } from '../dataset';
import { appendToZip, exportSizes, zipFiles } from './exportFiles';
import { exportMetadata, metadataFile, METADATA_FILE, type MetadataInput } from './metadata';

const fashion: DatasetEntry = {
  id: 'fashion-mnist-val', name: 'Fashion-MNIST (validation)', dataset: 'fashion-mnist', split: 'val', count: 2000, shape: [28, 28, 1],
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'], images: 'x', labels: 'y', scale: 1 / 255,
};
const input: MetadataInput = {
  model: { name: 'fashion-cnn', inputShape: [-1, 28, 28, 1], outputShape: [-1, 10] },
  plan: { version: 1, prune: { ratio: 0.5 } } as MetadataInput['plan'],
  sizes: { tfjs: { raw: 110_000, gzip: 90_000, zip: 90_500, files: [{ name: 'model.json', bytes: 6000 }, { name: 'group1-shard1of1.bin', bytes: 104_000 }] }, compact: { raw: 40_000, gzip: 38_000 }, opened: 414_551 },
  dataset: fashion,
  original: { accuracy: 0.9105, metric: 'accuracy', samples: 2000, latencyMs: { median: 0.8, p90: 1.1 }, backend: 'wasm' },
  compressed: { accuracy: 0.9085, metric: 'accuracy', samples: 2000, latencyMs: { median: 0.7, p90: 1 }, backend: 'wasm', fidelity: { agreement: 0.985, meanKl: 0.004 } },
  date: new Date(Date.UTC(2026, 11, 2, 18, 0, 0)),
};

describe('metadata.json', () => {
  it('holds the plan, the measured figures, the data set with its preprocessing and the class names', () => {
    const meta = exportMetadata(input);
    expect(meta).toMatchObject({
      generatedBy: 'Compression Studio', date: '2026-12-02T18:00:00.000Z',
      model: { name: 'fashion-cnn', format: 'layers-model', inputShape: [-1, 28, 28, 1], outputShape: [-1, 10] },
      plan: { version: 1, prune: { ratio: 0.5 } },
      sizes: { tfjs: { raw: 110_000, zip: 90_500 }, compact: { raw: 40_000 }, opened: 414_551 },
      dataset: { id: 'fashion-mnist-val', samples: 2000, imageShape: [28, 28, 1], preprocessing: { scale: 1 / 255, mean: [0], std: [1] } },
      original: { accuracy: 0.9105 },
      compressed: { accuracy: 0.9085, latencyMs: { median: 0.7, p90: 1 }, fidelity: { agreement: 0.985 } },
    });
    expect(meta.classes).toEqual(fashion.classes);
    const back = JSON.parse(new TextDecoder().decode(metadataFile(meta).bytes)) as unknown;
    expect(back).toEqual(meta);
    expect(metadataFile(meta).name).toBe(METADATA_FILE);
  });

  it('leaves out what was not measured or does not fit, never guesses', () => {
    const bare = exportMetadata({ model: input.model, sizes: input.sizes, date: input.date });
    expect(bare.plan).toBeNull();
    expect(Object.keys(bare)).not.toContain('dataset');
    expect(Object.keys(bare)).not.toContain('original');
    expect(Object.keys(bare)).not.toContain('classes');
    // 10 names for a 5-way output: not this model's classes.
    expect(exportMetadata({ ...input, model: { ...input.model, outputShape: [-1, 5] } }).classes).toBeUndefined();
    expect(exportMetadata({ ...input, dataset: { ...fashion, classes: [] } }).classes).toBeUndefined();
  });

  it('refuses a figure that is not a number instead of writing null', () => {
    const meta = exportMetadata({ ...input, sizes: { ...input.sizes, compact: { raw: 40_000, gzip: NaN } } });
    expect(() => metadataFile(meta)).toThrow(/"gzip" is NaN/);
  });

  it('goes into the TF.js zip beside the model files, and the zip grows by its entry exactly', () => {
    const files = [{ name: 'model.json', bytes: new TextEncoder().encode('{}') }, { name: 'group1-shard1of1.bin', bytes: new Uint8Array(64).fill(3) }];
    const file = metadataFile(exportMetadata(input));
    const zip = appendToZip(zipFiles(files), file);
    expect(Object.keys(unzipSync(zip))).toEqual(['model.json', 'group1-shard1of1.bin', 'metadata.json']);
    expect(zip.length).toBe(exportSizes([...files, file]).zipBytes);
  });
});
