import { describe, expect, it } from 'vitest';
import { describePlan } from './describePlan';
import type { CompressionPlan } from './plan';

describe('describePlan', () => {
  it('reads each technique as the studio has always shown it', () => {
    const cases: [CompressionPlan, string][] = [
      [{ version: 1 }, 'no compression'],
      [{ version: 1, prune: { ratio: 0.9, scope: 'layer' }, cluster: { k: 32 } }, 'prune 90 % per layer · 32 clusters'],
      [{ version: 1, prune: { ratio: 0.93, scope: 'global' }, cluster: { k: 32, grid: 'uint8' }, finetune: { epochs: 4, learningRate: 0.001 } }, 'prune 93 % · 32 clusters on a uint8 grid · fine-tuned 4 epochs'],
      [{ version: 1, quantize: { bits: 8, granularity: 'tensor', scheme: 'affine' } }, '8-bit'],
      [{ version: 1, quantize: { bits: 4, granularity: 'channel' }, finetune: { epochs: 1 } }, '4-bit per channel · fine-tuned 1 epoch'],
      [{ version: 1, quantize: 'float16' }, 'float16'],
      [{ version: 1, channels: { ratio: 0.25, norm: 'l1' }, lowRank: { by: 'fraction', value: 0.25 } }, 'channels −25 % · low-rank fraction 0.25'],
      [{ version: 1, prune: { ratio: 0.5, pattern: 'n:m' } }, '2:4 sparse'],
      [{ version: 1, prune: { ratio: 0.75, pattern: 'n:m', n: 1, m: 4 }, quantize: { bits: 8 }, cluster: { k: 16 }, layers: { fc1: { bits: 4 }, fc3: { exclude: true } } }, '1:4 sparse · 16 clusters · 2 layer overrides'],
      [{ version: 1, layers: { fc1: { channels: 0.5 } } }, '1 layer override'],
    ];
    for (const [plan, text] of cases) expect(describePlan(plan)).toBe(text);
  });
});
