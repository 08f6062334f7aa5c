import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import { bundledParts, partsOfModel, pseudoRandom, weight, withWeight } from '../transform/fixtures';
import type { ModelParts } from '../weights';
import { compressModel, isKernel, TAYLOR_NEEDS_DATA } from '.';

let lenet: ModelParts;
beforeAll(async () => {
  await useWasm();
  lenet = bundledParts('lenet-300-100');
});

/** Synthetic Taylor scores |w|·r with r pseudo-random: a zero weight scores 0, but the order differs from |w|. */
function scoresOf(parts: ModelParts): Map<string, Float32Array> {
  return new Map(parts.weights.filter((w) => isKernel(w.name)).map((w, t) => {
    const r = pseudoRandom(w.values.length, 11 + t);
    return [w.name, w.values.map((v, i) => Math.abs(v) * (Math.abs(r[i]) + 0.01))];
  }));
}

/** Largest score among pruned weights and smallest among kept ones, over the named kernels. */
function split(out: ModelParts, scores: Map<string, Float32Array>, names: string[]) {
  let maxPruned = -Infinity;
  let minKept = Infinity;
  let zeros = 0;
  for (const name of names) {
    const v = weight(out, name).values;
    const s = scores.get(name) as Float32Array;
    v.forEach((x, i) => {
      if (x === 0) { zeros++; maxPruned = Math.max(maxPruned, s[i]); } else minKept = Math.min(minKept, s[i]);
    });
  }
  return { maxPruned, minKept, zeros };
}

describe('compressModel with Taylor scores', () => {
  it('global: prunes exactly round(ratio·N) weights, the lowest Taylor scores across tensors, not the smallest |w|', () => {
    const scores = scoresOf(lenet);
    const names = [...scores.keys()];
    const n = names.reduce((a, k) => a + (scores.get(k) as Float32Array).length, 0);
    const taylor = compressModel(lenet, { version: 1, prune: { ratio: 0.9, scope: 'global', score: 'taylor' } }, { weights: scores }).parts;
    const r = split(taylor, scores, names);
    expect(r.zeros).toBe(Math.round(0.9 * n));
    expect(r.maxPruned).toBeLessThanOrEqual(r.minKept);
    // Magnitude pruning at the same sparsity keeps a different set, and violates the Taylor order.
    const magnitude = compressModel(lenet, { version: 1, prune: { ratio: 0.9, scope: 'global' } }).parts;
    const m = split(magnitude, scores, names);
    expect(m.zeros).toBe(r.zeros);
    expect(m.maxPruned).toBeGreaterThan(m.minKept);
    // Biases are left alone.
    expect(weight(taylor, 'fc1/bias').values).toEqual(weight(lenet, 'fc1/bias').values);
  });

  it('layer scope and per-layer overrides: each kernel at its own ratio, by its own scores', () => {
    const scores = scoresOf(lenet);
    const out = compressModel(lenet, { version: 1, prune: { ratio: 0.5, scope: 'layer', score: 'taylor' }, layers: { fc2: { prune: 0.8 } } }, { weights: scores }).parts;
    for (const [name, ratio] of [['fc1/kernel', 0.5], ['fc2/kernel', 0.8], ['fc3/kernel', 0.5]] as const) {
      const r = split(out, scores, [name]);
      expect(r.zeros).toBe(Math.round(ratio * weight(lenet, name).values.length));
      expect(r.maxPruned).toBeLessThanOrEqual(r.minKept);
    }
  });

  it('missing scores, N:M and low-rank say why; ratio 0 and magnitude plans need no scores', () => {
    expect(() => compressModel(lenet, { version: 1, prune: { ratio: 0.5, score: 'taylor' } })).toThrow(TAYLOR_NEEDS_DATA);
    expect(() => compressModel(lenet, { version: 1, channels: { ratio: 0.5, norm: 'taylor' } })).toThrow(TAYLOR_NEEDS_DATA);
    expect(() => compressModel(lenet, { version: 1, prune: { ratio: 0.5, pattern: 'n:m', score: 'taylor' } }, { weights: scoresOf(lenet) })).toThrow(/N:M pruning ranks by magnitude only/);
    expect(() => compressModel(lenet, { version: 1, prune: { ratio: 0.5, score: 'taylor' }, layers: { fc1: { rank: { by: 'rank', value: 8 } } } }, { weights: scoresOf(lenet) }))
      .toThrow(/fc1_lr\/kernel.*low-rank/);
    expect(() => compressModel(lenet, { version: 1, prune: { ratio: 0, score: 'taylor' } })).not.toThrow();
    expect(() => compressModel(lenet, { version: 1, prune: { ratio: 0.5 } }, {})).not.toThrow();
  });
});

describe('channel pruning with Taylor scores', () => {
  /** 3 → 4 (relu) → 2 Dense with L1 unit scores 6, 0.5, 3, 0.6. */
  async function tiny(): Promise<ModelParts> {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'h' }), tf.layers.dense({ units: 2, name: 'out' })] });
    const parts = await partsOfModel(m);
    m.dispose();
    return withWeight(parts, 'h/kernel', () => Float32Array.from([1, 0.1, -2, 0.2, 2, 0.1, 1, 0.2, -3, 0.3, 0, 0.2]));
  }

  it('removes the lowest-Taylor unit (one L1 would keep) and slices the weight scores with the kernels', async () => {
    const parts = await tiny();
    const channels = new Map([['h', Float64Array.from([0.01, 5, 4, 3])]]);
    expect(compressModel(parts, { version: 1, channels: { ratio: 0.25 } }).structural.channels[0].removed).toEqual([1]);
    const out = compressModel(parts, { version: 1, channels: { ratio: 0.25, norm: 'taylor' } }, { channels });
    expect(out.structural.channels[0]).toMatchObject({ layer: 'h', before: 4, after: 3, removed: [0] });
    expect(weight(out.parts, 'h/kernel').values).toEqual(Float32Array.from([0.1, -2, 0.2, 0.1, 1, 0.2, 0.3, 0, 0.2]));
    expect(weight(out.parts, 'out/kernel').shape).toEqual([3, 2]);
    // Weight scores index the original [3, 4] kernel; after removing unit 0 the 4 lowest of the
    // remaining 9 are at (row, unit) = (0,1) 1, (0,2) 2, (1,1) 3, (2,1) 4 → zeroed; out/kernel: rows 1–3 of [4, 2].
    const weights = new Map([
      ['h/kernel', Float32Array.from([0, 1, 2, 50, 0, 3, 60, 70, 0, 4, 80, 90])],
      ['out/kernel', Float32Array.from([0, 0, 5, 6, 7, 8, 9, 10])],
    ]);
    const both = compressModel(parts, { version: 1, channels: { ratio: 0.25, norm: 'taylor' }, prune: { ratio: 4 / 15, score: 'taylor' } }, { channels, weights });
    expect(weight(both.parts, 'h/kernel').values).toEqual(Float32Array.from([0, 0, 0.2, 0, 1, 0.2, 0, 0, 0.2]));
    expect(weight(both.parts, 'out/kernel').values).toEqual(weight(out.parts, 'out/kernel').values);
    expect(() => compressModel(parts, { version: 1, channels: { ratio: 0.25, norm: 'taylor' } }, { channels: new Map([['h', new Float64Array(3)]]) })).toThrow(/3 scores for 4 units/);
  });
});
