import { describe, expect, it } from 'vitest';
import { trainingBatchSize } from './batchSize';

describe('trainingBatchSize', () => {
  it('is 64 on WASM and CPU (same samples/s as bigger batches on the conv nets, more steps per epoch)', () => {
    expect(trainingBatchSize('wasm')).toBe(64);
    expect(trainingBatchSize('cpu')).toBe(64);
  });

  it('is the same on WebGPU until a real GPU measures what a bigger batch buys (an epoch\'s result depends on it)', () => {
    expect(trainingBatchSize('webgpu')).toBe(trainingBatchSize('wasm'));
  });

  it('ignores case and falls back to 64 for a backend it does not know', () => {
    expect(trainingBatchSize('WASM')).toBe(64);
    expect(trainingBatchSize('tensorflow')).toBe(64);
    expect(trainingBatchSize('')).toBe(64);
    expect(trainingBatchSize('constructor')).toBe(64);
  });

  it('is always a power of two (whole batches of the bundled splits: 8000 = 125 × 64)', () => {
    for (const b of ['wasm', 'cpu', 'webgpu', 'webgl', 'x']) {
      const n = trainingBatchSize(b);
      expect(Number.isInteger(Math.log2(n))).toBe(true);
    }
  });
});
