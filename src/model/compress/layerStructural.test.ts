/**
 * Issue 9, item 4: per-layer structural overrides (`layers.<name>.channels`, `layers.<name>.rank`)
 * apply on their own, without a global `channels` / `lowRank` setting — compressModel gives the
 * same architecture as applyStructural, and the summary says what changed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasm } from '../../node/io';
import type { ModelParts } from '../weights';
import type { CompressionPlan } from '../plan';
import { applyStructural, countParams } from '../transform';
import { bundledParts } from '../transform/fixtures';
import { compressModel } from '.';

const paramsOf = (shapes: number[][]) => shapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);

describe('compressModel with per-layer structural overrides only', () => {
  let parts: ModelParts;
  beforeAll(async () => {
    await useWasm();
    parts = bundledParts('lenet-300-100');
  });

  it('channels: 0.5 on fc1 alone halves fc1 (266 610 → 133 860 parameters)', () => {
    const plan: CompressionPlan = { version: 1, layers: { fc1: { channels: 0.5 } } };
    const out = compressModel(parts, plan);
    const alone = applyStructural(parts, plan);
    // fc1 784×150 + 150, fc2 150×100 + 100, fc3 100×10 + 10, computed by hand
    expect(784 * 150 + 150 + 150 * 100 + 100 + 100 * 10 + 10).toBe(133_860);
    expect(paramsOf(out.compressed.tensors.map((t) => t.shape))).toBe(133_860);
    expect(paramsOf(out.compressed.tensors.map((t) => t.shape))).toBe(countParams(alone.parts));
    expect(out.structural.after.params).toBe(133_860);
    expect(out.structural.channels.find((c) => c.layer === 'fc1')).toMatchObject({ before: 300, after: 150 });
  });

  it('rank on fc1 alone factorises fc1', () => {
    const plan: CompressionPlan = { version: 1, layers: { fc1: { rank: { by: 'rank', value: 16 } } } };
    const out = compressModel(parts, plan);
    // fc1_lr 784×16, fc1 16×300 + 300, fc2 300×100 + 100, fc3 100×10 + 10
    const expected = 784 * 16 + 16 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10;
    expect(paramsOf(out.compressed.tensors.map((t) => t.shape))).toBe(expected);
    expect(countParams(applyStructural(parts, plan).parts)).toBe(expected);
    expect(out.structural.lowRank.find((r) => r.layer === 'fc1')).toMatchObject({ rank: 16, factorLayer: 'fc1_lr' });
  });
});
