import { describe, expect, it } from 'vitest';
import type { DatasetEntry } from '../model/dataset';
import type { EvalResult } from '../runtime/protocol';
import { measuredModel, studioMetadataFile, type MetadataState } from './exportMetadata';

const digits: DatasetEntry = { id: 'mnist-val', name: 'MNIST (validation)', dataset: 'mnist', split: 'val', count: 500, shape: [28, 28, 1], classes: Array.from({ length: 10 }, (_, i) => String(i)), images: 'x', labels: 'y', scale: 1 / 255 };
const evaluation = (over: Partial<EvalResult>) => ({
  type: 'done', job: 1, backend: 'wasm', dataset: 'mnist-val', count: 500, labelled: true, accuracy: 0.98, loss: 0.1, confusion: [],
  latency: { medianMs: 0.5, p90Ms: 0.75, runs: 50 }, throughput: { batch: 32, imagesPerSec: 1000 }, samples: [], elapsedMs: 100, ...over,
}) as EvalResult;
const sizes = { tfjs: { raw: 1000, gzip: 800, zip: 900, files: [{ name: 'model.json', bytes: 200, gzipBytes: 100 }, { name: 'group1-shard1of1.bin', bytes: 800, gzipBytes: 700 }] }, compact: { raw: 400, gzip: 390 } };
const state = {
  model: { name: 'lenet-5', inputShape: [-1, 28, 28, 1], outputShape: [-1, 10], opened: { kind: 'tfjs', bytes: 4000, files: [] } },
  compressed: { plan: { version: 1, quantize: { bits: 8 } }, sizes },
  evaluation: evaluation({}),
  compressedEval: evaluation({ accuracy: 0.97, fidelity: { agreement: 0.99, meanKl: 0.01 } }),
  datasets: [digits], datasetId: 'mnist-val',
} as unknown as MetadataState;

describe('metadata.json from the studio state', () => {
  it('carries the shown plan, its measured sizes and both evaluations on the selected data', () => {
    const file = studioMetadataFile(state, new Date(0));
    const meta = JSON.parse(new TextDecoder().decode(file?.bytes));
    expect(file?.name).toBe('metadata.json');
    expect(meta.plan).toEqual({ version: 1, quantize: { bits: 8 } });
    expect(meta.sizes).toEqual({ tfjs: { raw: 1000, gzip: 800, zip: 900, files: [{ name: 'model.json', bytes: 200 }, { name: 'group1-shard1of1.bin', bytes: 800 }] }, compact: { raw: 400, gzip: 390 }, opened: 4000 });
    expect(meta.original).toEqual({ accuracy: 0.98, metric: 'accuracy', samples: 500, backend: 'wasm', latencyMs: { median: 0.5, p90: 0.75 } });
    expect(meta.compressed).toMatchObject({ accuracy: 0.97, fidelity: { agreement: 0.99, meanKl: 0.01 } });
    expect(meta.classes).toEqual(digits.classes);
    expect(meta.dataset.id).toBe('mnist-val');
  });

  it('is not offered while sizes are being measured; an unlabelled score without fidelity is left out', () => {
    expect(studioMetadataFile({ ...state, compressed: { ...state.compressed, sizes: { ...sizes, compact: { raw: 400, gzip: NaN } } } } as MetadataState, new Date(0))).toBeUndefined();
    expect(studioMetadataFile({ ...state, compressed: undefined }, new Date(0))).toBeUndefined();
    expect(measuredModel(evaluation({ labelled: false, accuracy: NaN }))).toBeUndefined();
    expect(measuredModel(evaluation({ labelled: false, accuracy: NaN, fidelity: { agreement: 0.9, meanKl: 0.2 } }))).toMatchObject({ accuracy: 0.9, metric: 'agreement' });
  });
});
