import { describe, expect, it } from 'vitest';
import { parsePlan } from './plan';

describe('parsePlan (derived from the settings table)', () => {
  it('names the field and its range', () => {
    const cases: [unknown, RegExp][] = [
      [{ version: 2 }, /"version" must be 1, got 2/],
      [{ version: 1, prune: { ratio: 1.5 } }, /prune\.ratio must be in \[0, 0\.99\], got 1\.5/],
      [{ version: 1, prune: { scope: 'global' } }, /prune\.ratio must be in \[0, 0\.99\], it is missing/],
      [{ version: 1, prune: { ratio: 0.5, scope: 'all' } }, /prune\.scope must be global or layer/],
      [{ version: 1, prune: { ratio: 0.5, pattern: 'n:m', n: 4, m: 2 } }, /prune n:m needs whole 1 ≤ n < m ≤ 64, got 4:2/],
      [{ version: 1, prune: { ratio: 0.5, n: 2, m: 4 } }, /prune\.n and prune\.m apply to pattern "n:m" only/],
      [{ version: 1, channels: { ratio: 0.95 } }, /channels\.ratio must be in \[0, 0\.9\]/],
      [{ version: 1, lowRank: { by: 'rank', value: 0.5 } }, /lowRank\.value must be a whole rank ≥ 1 when lowRank\.by is rank/],
      [{ version: 1, lowRank: { by: 'energy', value: 2 } }, /lowRank\.value must be in \(0, 1\]/],
      [{ version: 1, lowRank: { by: 'svd', value: 2 } }, /lowRank\.by must be rank, fraction or energy/],
      [{ version: 1, quantize: { bits: 17 } }, /quantize\.bits must be a whole number 1–16/],
      [{ version: 1, quantize: 'int8' }, /"quantize" must be an object or "float16"/],
      [{ version: 1, quantize: { bits: 1, scheme: 'symmetric' } }, /symmetric quantization needs at least 2 bits/],
      [{ version: 1, cluster: { k: 300, grid: 'uint8' } }, /cluster\.grid "uint8" needs at most 256 clusters/],
      [{ version: 1, cluster: { k: 16, grid: 'uint4' } }, /cluster\.grid must be "uint8" or left out/],
      [{ version: 1, cluster: { k: 16, init: 'random' } }, /cluster\.init must be linear or kmeans\+\+/],
      [{ version: 1, finetune: { epochs: 0 } }, /finetune\.epochs must be a whole number 1–50/],
      [{ version: 1, finetune: { epochs: 1, learningRate: 1 } }, /finetune\.learningRate must be in \(0, 0\.1\]/],
      [{ version: 1, finetune: { epochs: 1, limit: 0 } }, /finetune\.limit must be a whole number ≥ 1/],
      [{ version: 1, layers: [] }, /"layers" must be an object/],
      [{ version: 1, layers: { fc1: 0.5 } }, /"layers\.fc1" must be an object of overrides/],
      [{ version: 1, layers: { fc1: { prune: 1 } } }, /layers\.fc1\.prune must be in \[0, 0\.99\]/],
      [{ version: 1, layers: { fc1: { bits: 0 } } }, /layers\.fc1\.bits must be a whole number 1–16/],
      [{ version: 1, layers: { fc1: { clusters: 1 } } }, /layers\.fc1\.clusters must be a whole number 2–65536/],
      [{ version: 1, layers: { fc1: { channels: 0.95 } } }, /layers\.fc1\.channels must be in \[0, 0\.9\]/],
      [{ version: 1, layers: { fc1: { rank: { by: 'rank', value: 1.5 } } } }, /layers\.fc1\.rank\.value must be a whole rank ≥ 1/],
      [{ version: 1, layers: { fc1: { exclude: 'yes' } } }, /layers\.fc1\.exclude must be true or false/],
    ];
    for (const [plan, message] of cases) expect(() => parsePlan(plan), JSON.stringify(plan)).toThrow(message);
  });

  it('accepts the presets and per-layer structural overrides', () => {
    for (const plan of [
      { version: 1, prune: { ratio: 0.93, scope: 'global' }, cluster: { k: 32, grid: 'uint8' }, finetune: { epochs: 4, learningRate: 0.001 } },
      { version: 1, channels: { ratio: 0.25, norm: 'l1' }, lowRank: { by: 'fraction', value: 0.25 } },
      { version: 1, prune: { ratio: 0.5, pattern: 'n:m' }, quantize: 'float16' },
      { version: 1, layers: { fc1: { channels: 0.5, rank: { by: 'rank', value: 16 }, clusters: 16, exclude: false } } },
    ]) expect(parsePlan(plan)).toBe(plan);
  });
});
