import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core';
import { useWasm } from '../../node/io';
import { adaround, annealedBeta, gradientV, type GroupedLinear, type RoundingGrid } from './adaround';

beforeAll(async () => { await useWasm(); });

/** Rows x = relu(z·M)/2 with z ~ N(0, I₄): strongly correlated inputs, [G, n, K]. */
function correlatedRows(g: number, n: number, k: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const m = Array.from({ length: g * 4 * k }, () => rng.normal());
  const rows = new Float32Array(g * n * k);
  for (let gi = 0; gi < g; gi++) for (let r = 0; r < n; r++) {
    const z = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    for (let c = 0; c < k; c++) {
      let s = 0.2 * rng.normal();
      for (let j = 0; j < 4; j++) s += z[j] * m[(gi * 4 + j) * k + c];
      rows[(gi * n + r) * k + c] = Math.max(0, s / 2);
    }
  }
  return rows;
}

/** A random [G, K, O] layer with symmetric per-column grids of 2^bits levels (zero = 0 unless given). */
function randomLayer(g: number, k: number, o: number, n: number, seed: number, bits = 3, zero = 0) {
  const rng = createRng(seed + 100);
  const w = Float32Array.from({ length: g * k * o }, () => rng.normal() / Math.sqrt(k));
  const half = 2 ** (bits - 1);
  const scale = new Float32Array(w.length);
  for (let gi = 0; gi < g; gi++) for (let j = 0; j < o; j++) {
    let max = 0;
    for (let i = 0; i < k; i++) max = Math.max(max, Math.abs(w[(gi * k + i) * o + j]));
    for (let i = 0; i < k; i++) scale[(gi * k + i) * o + j] = max / (half - 1);
  }
  const grid: RoundingGrid = { scale, zero: new Float32Array(w.length).fill(zero), qmin: zero - half, qmax: zero + half - 1 };
  const layer: GroupedLinear = { groups: g, k, o, n, rows: correlatedRows(g, n, k, seed) };
  return { w, grid, layer };
}

/** mean_rows Σ_g,o (x_g · (W − Ŵ)_g[:, o])², in float64. */
function outputLoss(w: Float32Array, values: Float32Array, { groups, k, o, n, rows }: GroupedLinear): number {
  let sum = 0;
  for (let g = 0; g < groups; g++) for (let r = 0; r < n; r++) for (let j = 0; j < o; j++) {
    let y = 0;
    for (let i = 0; i < k; i++) y += rows[(g * n + r) * k + i] * (w[(g * k + i) * o + j] - values[(g * k + i) * o + j]);
    sum += y * y;
  }
  return sum / n;
}

describe('adaround', () => {
  it('hand-checked K = 2, O = 1: rounds the first weight up where nearest rounds it down', async () => {
    // x = t·[1, 2], W = [0.45, 0.1], s = 1: y = 0.65·t. Ŵ = [0, 0] (nearest) leaves 0.65t: loss 0.4225·E[t²];
    // [1, 0] leaves −0.55 + 0.2 = −0.35t (0.1225); [0, 1] 0.45 − 1.8 = −1.35t (1.8225); [1, 1] −2.35t (5.5225).
    const t = [1, -1, 2, -2, 0.5, -0.5, 1.5, -1.5];
    const rows = Float32Array.from(t.flatMap((v) => [v, 2 * v]));
    const meanT2 = t.reduce((a, v) => a + v * v, 0) / t.length;
    const grid: RoundingGrid = { scale: new Float32Array([1, 1]), zero: new Float32Array([0, 0]), qmin: -8, qmax: 7 };
    const res = await adaround(new Float32Array([0.45, 0.1]), grid, { groups: 1, k: 2, o: 1, n: t.length, rows });
    expect([...(res?.codes ?? [])]).toEqual([1, 0]);
    expect([...(res?.values ?? [])]).toEqual([1, 0]);
    expect(res?.loss.nearest).toBeCloseTo(0.4225 * meanT2, 5);
    expect(res?.loss.learned).toBeCloseTo(0.1225 * meanT2, 5);
    expect(res?.loss.keptNearest).toBe(0);
  });

  it('stays on the grid, keeps pruned weights and empty (scale 0) columns at the zero point, clamps outliers, reports honest losses', async () => {
    const { w, grid, layer } = randomLayer(1, 48, 12, 256, 1, 3, 4); // asymmetric codes 0 … 7, zero point 4
    for (let i = 0; i < w.length; i += 5) w[i] = 0;
    w[1] = 50; w[2] = -50;
    for (let i = 3; i < w.length; i += 12) grid.scale[i] = 0; // column 3 is empty on the grid: it stays at the zero point
    const res = await adaround(w, grid, layer, { iterations: 200 });
    if (!res) throw new Error('not cancelled, so a result');
    for (const [i, q] of res.codes.entries()) {
      expect(Number.isInteger(q) && q >= 0 && q <= 7).toBe(true);
      expect(res.values[i]).toBe(Math.fround(grid.scale[i] * (q - grid.zero[i])));
      if (w[i] === 0 || grid.scale[i] === 0) { expect(q).toBe(4); expect(res.values[i]).toBe(0); continue; }
      const p = w[i] / grid.scale[i] + 4; // every code is ⌊p⌋ or ⌈p⌉, clamped
      expect([Math.floor(p), Math.ceil(p)].map((c) => Math.min(7, Math.max(0, c)))).toContain(q);
    }
    expect([res.codes[1], res.codes[2]]).toEqual([7, 0]);
    expect(Math.abs(res.loss.learned / outputLoss(w, res.values, layer) - 1)).toBeLessThan(1e-5);
    expect(res.loss.learned).toBeLessThanOrEqual(res.loss.nearest);
  });

  it('learns a strictly lower full-data loss than nearest on correlated inputs; seeded runs repeat', async () => {
    const { w, grid, layer } = randomLayer(1, 64, 16, 512, 2);
    const a = await adaround(w, grid, layer, { iterations: 300, batch: 64, seed: 7 });
    const nearest = w.map((v, i) => Math.fround(grid.scale[i] * Math.min(grid.qmax, Math.max(grid.qmin, Math.round(v / grid.scale[i])))));
    expect(Math.abs((a?.loss.nearest ?? 0) / outputLoss(w, nearest, layer) - 1)).toBeLessThan(1e-5);
    expect(a?.loss.learned).toBeLessThan(0.8 * (a?.loss.nearest ?? 0));
    expect(a?.loss.optimised).toBeGreaterThanOrEqual(a?.loss.learned ?? Infinity);
    const b = await adaround(w, grid, layer, { iterations: 300, batch: 64, seed: 7 });
    expect(b?.codes).toEqual(a?.codes);
  });

  it('G > 1 (depthwise-like) gives the codes of each group run on its own', async () => {
    const { w, grid, layer } = randomLayer(3, 9, 4, 128, 3);
    const opts = { iterations: 150, batch: 32, seed: 1 };
    const all = await adaround(w, grid, layer, opts);
    let nearest = 0;
    for (let g = 0; g < 3; g++) {
      const part = (a: Float32Array, len: number) => a.slice(g * len, (g + 1) * len);
      const one = await adaround(part(w, 36), { ...grid, scale: part(grid.scale, 36), zero: part(grid.zero, 36) },
        { groups: 1, k: 9, o: 4, n: 128, rows: part(layer.rows, 128 * 9) }, opts);
      expect([...(all?.codes.slice(g * 36, (g + 1) * 36) ?? [])]).toEqual([...(one?.codes ?? [])]);
      nearest += one?.loss.nearest ?? NaN;
    }
    expect(all?.loss.nearest).toBeCloseTo(nearest, 5);
  });

  it('cancels (resolves undefined), reports monotonic progress ending at the total, leaks no tensor', async () => {
    const { w, grid, layer } = randomLayer(2, 16, 8, 64, 4);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const done = await adaround(w, grid, layer, { iterations: 40, onProgress: (d, total) => { seen.push(d); expect(total).toBe(40); } });
    expect(done).toBeDefined();
    expect(seen.at(-1)).toBe(40);
    expect(seen.every((d, i) => i === 0 || d > seen[i - 1])).toBe(true);
    let calls = 0;
    expect(await adaround(w, grid, layer, { iterations: 40, isCancelled: () => ++calls > 2 })).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('its hand-derived ∂L/∂V equals TF.js autograd of the same loss', () => {
    // L(V) = c·(w − s·h(V)) + λ(1 − |2h(V) − 1|^β) with ∂rec/∂ΔW = c fixed: ∂L/∂V = gradientV(σ(V), s, c, λ, β).
    const vs = [-3, -1.2, -0.3, 0, 0.4, 1.1, 2.9];
    const [s, c, lambda, beta] = [0.7, -1.3, 0.05, 6];
    const f = (v: tf.Tensor) => {
      const h = tf.clipByValue(tf.add(tf.mul(tf.sigmoid(v), 1.2), -0.1), 0, 1);
      const rec = tf.mul(c, tf.sub(0.5, tf.mul(s, h)));
      return tf.sum(tf.add(rec, tf.mul(lambda, tf.sub(1, tf.pow(tf.abs(tf.sub(tf.mul(h, 2), 1)), beta)))));
    };
    const auto = tf.tidy(() => tf.grad(f)(tf.tensor1d(vs)).dataSync());
    vs.forEach((v, i) => expect(gradientV(1 / (1 + Math.exp(-v)), s, c, lambda, beta)).toBeCloseTo(auto[i], 5));
  });

  it('anneals β by a cosine from 20 to 2 after the warm-up; rejects mismatched shapes', async () => {
    expect(annealedBeta(0, 100, 0.2, [20, 2])).toBe(20);
    expect(annealedBeta(20, 100, 0.2, [20, 2])).toBe(20);
    expect(annealedBeta(60, 100, 0.2, [20, 2])).toBeCloseTo(11, 10);
    expect(annealedBeta(100, 100, 0.2, [20, 2])).toBeCloseTo(2, 10);
    const { w, grid, layer } = randomLayer(1, 4, 2, 8, 5);
    await expect(adaround(w.subarray(1), grid, layer)).rejects.toThrow(/G·K·O/);
    await expect(adaround(w, grid, { ...layer, n: 9 })).rejects.toThrow(/rows/);
    await expect(adaround(w, { ...grid, scale: grid.scale.map(() => NaN) }, layer)).rejects.toThrow(/scale/);
  });
});
