import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import { accumulateTaylorScores } from './taylor';

beforeAll(async () => { await useWasm(); });

/** Dense 2 → 2 with W = [[1, −1], [0.5, 2]], b = [0.5, −0.5] and the given activation. */
function tiny(activation: 'softmax' | 'linear'): tf.Sequential {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation, name: 'fc' })] });
  m.layers[0].setWeights([tf.tensor2d([[1, -1], [0.5, 2]]), tf.tensor1d([0.5, -0.5])]);
  return m;
}

const batch = (x: number[][], t: number[][]) => ({ x: tf.tensor2d(x), target: tf.tensor2d(t) });
const close = (a: ArrayLike<number>, b: number[], digits = 5) => { expect(a.length).toBe(b.length); b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, digits)); };

describe('accumulateTaylorScores', () => {
  it('hand-checked Dense 2→2, one sample: |w·g| per weight and (Σ_i w·g)² per unit', async () => {
    // x = [1, 2], target [1, 0]: z = xW + b = [1 + 1 + 0.5, −1 + 4 − 0.5] = [2.5, 2.5], p = [½, ½],
    // ∂L/∂z = p − t = [−½, ½], ∂L/∂W[i][j] = x_i (p_j − t_j) = [[−½, ½], [−1, 1]].
    // |w·g| = [[½, ½], [½, 2]];  unit j: (Σ_i W_ij g_ij)² = ((z_j − b_j)(p_j − t_j))² = (2·½)², (3·½)² = 1, 2.25.
    const m = tiny('softmax');
    const b = batch([[1, 2]], [[1, 0]]);
    const s = await accumulateTaylorScores(m, [b], { channels: true });
    close(s?.weights?.get('fc/kernel') ?? [], [0.5, 0.5, 0.5, 2]);
    close(s?.channels?.get('fc') ?? [], [1, 2.25]);
    expect([...(s?.weights?.keys() ?? [])]).toEqual(['fc/kernel']); // biases are not scored
    tf.dispose([b.x, b.target]);
    m.dispose();
  });

  it('a batch gradient is the mean over samples; batches add up; logits give the same scores as softmax outputs', async () => {
    // Two samples x = [1, 2] (t [1, 0]) and x = [1, 2] (t [0, 1]): the mean gradient is zero → all scores 0.
    const m = tiny('softmax');
    const opposite = batch([[1, 2], [1, 2]], [[1, 0], [0, 1]]);
    close((await accumulateTaylorScores(m, [opposite]))?.weights?.get('fc/kernel') ?? [], [0, 0, 0, 0]);
    const one = batch([[1, 2]], [[1, 0]]);
    const twice = await accumulateTaylorScores(m, [one, one], { channels: true });
    close(twice?.weights?.get('fc/kernel') ?? [], [1, 1, 1, 4]);
    close(twice?.channels?.get('fc') ?? [], [2, 4.5]);
    const logits = tiny('linear');
    const viaLogits = await accumulateTaylorScores(logits, [one], { channels: true });
    close(viaLogits?.weights?.get('fc/kernel') ?? [], [0.5, 0.5, 0.5, 2]);
    close(viaLogits?.channels?.get('fc') ?? [], [1, 2.25]);
    tf.dispose([opposite.x, opposite.target, one.x, one.target]);
    m.dispose();
    logits.dispose();
  });

  it('invariants on a conv net: zero input → zero score, scores ≥ 0, shapes match, frozen layers scored, no tensor leak', async () => {
    // Seeded weights and biases of 1 so that no ReLU is dead for the whole batch (an unseeded net
    // once had every conv unit dead, and the 'some score > 0' check failed in CI).
    const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: 'ones' as const });
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2], activation: 'relu', name: 'conv', ...init(1) }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 5, activation: 'relu', name: 'fc', trainable: false, ...init(2) }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', ...init(3) }),
    ] });
    // Input channel 1 is always zero, so the conv kernel's weights reading it have zero gradient.
    const x = tf.tidy(() => tf.concat([tf.randomUniform([8, 4, 4, 1], 0.1, 1, 'float32', 3), tf.zeros([8, 4, 4, 1])], -1));
    const target = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3).toFloat();
    const before = tf.memory().numTensors;
    const done: number[] = [];
    const s = await accumulateTaylorScores(m, [{ x, target }, { x, target }], { channels: true, onBatch: (n) => { done.push(n); } });
    expect(tf.memory().numTensors).toBe(before);
    expect(done).toEqual([1, 2]);
    expect(m.getLayer('fc').trainable).toBe(false); // restored
    const conv = s?.weights?.get('conv/kernel') as Float32Array; // [2, 2, 2, 3]: input channel = axis 2
    expect(conv.length).toBe(24);
    for (let i = 0; i < conv.length; i++) if (Math.floor(i / 3) % 2 === 1) expect(conv[i]).toBe(0);
    expect(conv.some((v) => v > 0)).toBe(true);
    expect((s?.weights?.get('fc/kernel') as Float32Array).some((v) => v > 0)).toBe(true);
    for (const v of s?.weights?.values() ?? []) expect(v.every((a) => a >= 0 && Number.isFinite(a))).toBe(true);
    expect([...(s?.channels?.entries() ?? [])].map(([k, v]) => [k, v.length])).toEqual([['conv', 3], ['fc', 5], ['out', 3]]);
    tf.dispose([x, target]);
    m.dispose();
  });

  it('cancelled: returns undefined, before or between batches', async () => {
    const m = tiny('softmax');
    const b = batch([[1, 2]], [[1, 0]]);
    expect(await accumulateTaylorScores(m, [b], { isCancelled: () => true })).toBeUndefined();
    let n = 0;
    expect(await accumulateTaylorScores(m, [b, b, b], { isCancelled: () => n >= 1, onBatch: (d) => { n = d; } })).toBeUndefined();
    expect(n).toBe(1);
    tf.dispose([b.x, b.target]);
    m.dispose();
  });
});
