/**
 * A kernel layer's calibration inputs as rows of linear maps (pure data, no TF.js). Dense, Conv2D
 * and DepthwiseConv2D all compute, per output position, y_g = x_g · W_g for G independent groups:
 *   Dense   [K, O]            G = 1, x = the input vector (every leading position a row)
 *   Conv2D  [kh, kw, C, O]    G = 1, x = the im2col patch in (i, j, c) order, K = kh·kw·C
 *   Depthwise [kh, kw, C, M]  G = C, x_c = channel c's kh·kw patch, W_c = [kh·kw, M]
 * so that the layer-output error of a quantized kernel is ‖x_g (W_g − Ŵ_g)‖² per row. This file
 * turns NHWC activations into those rows (a seeded sample of output positions, at most `maxRows`
 * per group) and the mean of every kernel row over ALL positions (padding zeros included: what
 * the layer really multiplies), for range search, AdaRound and bias correction.
 */
import type { Rng } from '../../core';

/** Geometry of a kernel layer, from its config. */
export type KernelGeometry =
  | { kind: 'dense'; k: number; o: number }
  | { kind: 'conv' | 'depthwise'; kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; same: boolean; c: number; o: number };

/** One layer as G linear maps with calibration rows (the layout AdaRound and the range search read). */
export interface LayerRows {
  groups: number;
  k: number;
  o: number;
  /** n rows per group, [G, n, K] row-major */
  rows: Float32Array;
  n: number;
}

/** Accumulates rows and row means over batches of a layer's input activations. */
export interface PatchCollector {
  /** Adds a batch of the layer's input, NHWC (Dense: [N, …, K]), `count` samples. */
  add(x: Float32Array, inputShape: readonly number[], count: number): void;
  /** The rows gathered (G·n·K) and the mean of each kernel row (the kernel's flat layout ÷ its last axis). */
  finish(): { layer: LayerRows; rowMean: Float64Array };
}

/** Output size of one spatial axis: TF's 'same' ⌈n/s⌉, 'valid' ⌈(n − (k−1)d)/s⌉. */
export const outSize = (n: number, k: number, s: number, d: number, same: boolean) => (same ? Math.ceil(n / s) : Math.ceil((n - (k - 1) * d) / s));
/** Leading padding of one axis (TF: half the total, rounded down, before). */
export const padBefore = (n: number, out: number, k: number, s: number, d: number, same: boolean) => (same ? Math.max(0, (out - 1) * s + (k - 1) * d + 1 - n) >> 1 : 0);

/**
 * A collector for a layer of geometry `g`: per sample, `perSample` output positions drawn with
 * `rng` (all of them when there are fewer) become rows; every position counts towards the means.
 */
export function patchCollector(g: KernelGeometry, perSample: number, rng: Rng): PatchCollector {
  const groups = g.kind === 'depthwise' ? g.c : 1;
  const k = g.kind === 'dense' ? g.k : g.kind === 'conv' ? g.kh * g.kw * g.c : g.kh * g.kw;
  const meanLen = g.kind === 'dense' ? g.k : g.kh * g.kw * g.c;
  const sum = new Float64Array(meanLen);
  let positions = 0;
  const chunks: Float32Array[][] = Array.from({ length: groups }, () => []);
  let n = 0;

  function pick(total: number): number[] {
    if (total <= perSample) return Array.from({ length: total }, (_, i) => i);
    const chosen = new Set<number>();
    while (chosen.size < perSample) chosen.add(Math.floor(rng.next() * total));
    return [...chosen].sort((a, b) => a - b);
  }

  function addDense(x: Float32Array, count: number) {
    const rowsPerSample = x.length / count / k;
    for (let s = 0; s < count; s++) {
      for (let p = 0; p < rowsPerSample; p++) {
        const base = (s * rowsPerSample + p) * k;
        for (let i = 0; i < k; i++) sum[i] += x[base + i];
      }
      positions += rowsPerSample;
      for (const p of pick(rowsPerSample)) { chunks[0].push(x.slice((s * rowsPerSample + p) * k, (s * rowsPerSample + p + 1) * k)); n++; }
    }
  }

  function addConv(x: Float32Array, shape: readonly number[], count: number) {
    if (g.kind === 'dense') return;
    const [h, w, c] = [shape[1], shape[2], shape[3]];
    if (c !== g.c) throw new Error(`calibration: the layer reads ${c} channels, its kernel ${g.c}`);
    const oh = outSize(h, g.kh, g.sh, g.dh, g.same);
    const ow = outSize(w, g.kw, g.sw, g.dw, g.same);
    const pt = padBefore(h, oh, g.kh, g.sh, g.dh, g.same);
    const pl = padBefore(w, ow, g.kw, g.sw, g.dw, g.same);
    const at = (s: number, y: number, xx: number, ch: number) => (y < 0 || y >= h || xx < 0 || xx >= w ? 0 : x[((s * h + y) * w + xx) * c + ch]);
    for (let s = 0; s < count; s++) {
      // Means over every output position: per tap (i, j), the sum of the input over the rows it reads.
      for (let i = 0; i < g.kh; i++) {
        for (let j = 0; j < g.kw; j++) {
          const base = (i * g.kw + j) * c;
          for (let y = 0; y < oh; y++) {
            const yy = y * g.sh - pt + i * g.dh;
            if (yy < 0 || yy >= h) continue;
            for (let q = 0; q < ow; q++) {
              const xx = q * g.sw - pl + j * g.dw;
              if (xx < 0 || xx >= w) continue;
              const src = ((s * h + yy) * w + xx) * c;
              for (let ch = 0; ch < c; ch++) sum[base + ch] += x[src + ch];
            }
          }
        }
      }
      positions += oh * ow;
      for (const p of pick(oh * ow)) {
        const y0 = Math.floor(p / ow) * g.sh - pt;
        const x0 = (p % ow) * g.sw - pl;
        if (g.kind === 'conv') {
          const row = new Float32Array(k);
          for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) for (let ch = 0; ch < c; ch++) row[(i * g.kw + j) * c + ch] = at(s, y0 + i * g.dh, x0 + j * g.dw, ch);
          chunks[0].push(row);
        } else {
          for (let ch = 0; ch < c; ch++) {
            const row = new Float32Array(k);
            for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) row[i * g.kw + j] = at(s, y0 + i * g.dh, x0 + j * g.dw, ch);
            chunks[ch].push(row);
          }
        }
        n++;
      }
    }
  }

  return {
    add(x, inputShape, count) {
      if (g.kind === 'dense') addDense(x, count); else addConv(x, inputShape, count);
    },
    finish() {
      const rows = new Float32Array(groups * n * k);
      chunks.forEach((list, gi) => list.forEach((r, i) => rows.set(r, (gi * n + i) * k)));
      const rowMean = Float64Array.from(sum, (v) => (positions ? v / positions : 0));
      return { layer: { groups, k, o: g.kind === 'depthwise' ? g.o / g.c : g.o, rows, n }, rowMean };
    },
  };
}

/**
 * The kernel's flat values in the grouped layout [G, K, O] of {@link LayerRows} (a copy):
 * Dense / Conv2D already are [K, O]; depthwise [kh, kw, C, M] → [C, kh·kw, M].
 */
export function toGrouped(values: ArrayLike<number>, g: KernelGeometry): Float32Array {
  if (g.kind !== 'depthwise') return Float32Array.from(values);
  const t = g.kh * g.kw;
  const m = g.o / g.c;
  const out = new Float32Array(values.length);
  for (let tap = 0; tap < t; tap++) for (let c = 0; c < g.c; c++) for (let j = 0; j < m; j++) out[(c * t + tap) * m + j] = values[(tap * g.c + c) * m + j];
  return out;
}

/** Inverse of {@link toGrouped}: grouped [G, K, O] back to the kernel's own layout. */
export function fromGrouped<T extends Float32Array | Int32Array>(grouped: T, g: KernelGeometry): T {
  if (g.kind !== 'depthwise') return grouped.slice() as T;
  const t = g.kh * g.kw;
  const m = g.o / g.c;
  const out = grouped.slice() as T;
  for (let tap = 0; tap < t; tap++) for (let c = 0; c < g.c; c++) for (let j = 0; j < m; j++) out[(tap * g.c + c) * m + j] = grouped[(c * t + tap) * m + j];
  return out;
}

/** Number of the quantization channel (axis 2 for depthwise, last otherwise) of each grouped column: [G·O] → channel. */
export function channelOfColumn(g: KernelGeometry, perChannel: boolean): Int32Array {
  const groups = g.kind === 'depthwise' ? g.c : 1;
  const o = g.kind === 'depthwise' ? g.o / g.c : g.o;
  return Int32Array.from({ length: groups * o }, (_, i) => (!perChannel ? 0 : g.kind === 'depthwise' ? Math.floor(i / o) : i));
}
