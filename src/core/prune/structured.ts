import { assertFinite, axisLayout, checkShape, type Shape } from '../tensor';
import { pruneCount, type PruneResult } from './mask';

/** Norm used to score a channel. */
export type ChannelNorm = 'l1' | 'l2';

/**
 * Importance score of every channel (slice) along `axis` (default −1: the output channel of a
 * TF.js kernel [.., in, out]): L1 sₖ = Σ|w| or L2 sₖ = √(Σ w²) over the slice of channel k
 * (Li et al. 2017, "Pruning Filters for Efficient ConvNets"). Units: those of the weights.
 * Returns a Float64Array of length shape[axis]. Throws for NaN/±Inf weights.
 */
export function channelScores(values: Float32Array, shape: Shape, opts: { norm: ChannelNorm; axis?: number }): Float64Array {
  const fn = 'channelScores';
  checkShape(fn, values, shape);
  assertFinite(fn, values);
  if (opts.norm !== 'l1' && opts.norm !== 'l2') throw new Error(`${fn}: norm must be 'l1' or 'l2', got ${String(opts.norm)}`);
  const { outer, size, inner } = axisLayout(fn, shape, opts.axis ?? -1);
  const scores = new Float64Array(size);
  const l2 = opts.norm === 'l2';
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let i = 0; i < inner; i++, p++) s += l2 ? values[p] * values[p] : Math.abs(values[p]);
      scores[c] += s;
    }
  }
  if (l2) for (let c = 0; c < size; c++) scores[c] = Math.sqrt(scores[c]);
  return scores;
}

/** Result of {@link pruneChannels}: the element-level result plus the channel decision. */
export interface ChannelPruneResult extends PruneResult {
  /** 1 = channel kept, 0 = removed; length shape[axis]. */
  channelMask: Uint8Array;
}

/**
 * Structured pruning: removes (zeroes) the k = round(ratio·C) channels along `axis` with the
 * lowest score (ties: lower channel index first), C = shape[axis]. `scores` are given (e.g.
 * from {@link channelScores} or a Taylor score) so any criterion can drive it. ratio 1 would
 * remove every channel and disconnect the layer, so k = C throws; ratio 0 changes nothing.
 */
export function pruneChannels(values: Float32Array, shape: Shape, scores: ArrayLike<number>, opts: { ratio: number; axis?: number }): ChannelPruneResult {
  const fn = 'pruneChannels';
  checkShape(fn, values, shape);
  const { outer, size, inner } = axisLayout(fn, shape, opts.axis ?? -1);
  if (scores.length !== size) throw new Error(`${fn}: expected ${size} scores (one per channel), got ${scores.length}`);
  for (let c = 0; c < size; c++) if (!Number.isFinite(scores[c])) throw new Error(`${fn}: scores[${c}] is ${scores[c]}; scores must be finite`);
  const k = pruneCount(fn, opts.ratio, size);
  if (k === size && size > 0) throw new Error(`${fn}: ratio ${opts.ratio} would remove all ${size} channels; keep at least one`);
  const order = Array.from({ length: size }, (_, c) => c).sort((a, b) => scores[a] - scores[b] || a - b);
  const channelMask = new Uint8Array(size).fill(1);
  for (let j = 0; j < k; j++) channelMask[order[j]] = 0;
  const out = new Float32Array(values.length);
  const mask = new Uint8Array(values.length);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c++) {
      const keep = channelMask[c];
      for (let i = 0; i < inner; i++, p++) {
        mask[p] = keep;
        if (keep) out[p] = values[p];
      }
    }
  }
  return { values: out, mask, pruned: k * outer * inner, channelMask };
}
