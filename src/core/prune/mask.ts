import { selectMagnitude } from '../select';
import { checkRange } from '../tensor';

/** What every pruning function returns for one tensor. */
export interface PruneResult {
  /** A new array: the input with pruned elements set to exactly +0. */
  values: Float32Array;
  /** 1 = kept, 0 = pruned; same length as values. */
  mask: Uint8Array;
  /** Number of elements this call pruned (mask zeros); equals round(ratio·n) when ratio-driven. */
  pruned: number;
}

/**
 * Number of elements a ratio prunes out of n: k = round(ratio·n) (halves round up), so the
 * sparsity the studio shows is reached exactly. Throws unless ratio ∈ [0, 1].
 */
export function pruneCount(fn: string, ratio: number, n: number): number {
  checkRange(fn, 'ratio', ratio, 0, 1);
  return Math.min(n, Math.round(ratio * n));
}

/**
 * Applies a 0/1 mask: out[i] = mask[i] ? values[i] : 0. Returns a new array and the count of
 * zeros in the mask.
 */
export function applyMask(values: Float32Array, mask: Uint8Array): { values: Float32Array; pruned: number } {
  const out = new Float32Array(values.length);
  let pruned = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask[i]) out[i] = values[i];
    else pruned++;
  }
  return { values: out, pruned };
}

/**
 * Prunes, across all tensors together, the k = round(ratio·N) elements with the smallest
 * score (N = total elements; ties broken by tensor order, then flat index). `scores[t]` must
 * be non-negative and aligned with `values[t]`; pass the values themselves to prune by |w|.
 * ratio 0 returns copies with an all-ones mask; ratio 1 zeroes everything.
 */
export function pruneByScores(fn: string, values: readonly Float32Array[], scores: readonly Float32Array[], ratio: number): PruneResult[] {
  let n = 0;
  for (let t = 0; t < values.length; t++) {
    if (scores[t].length !== values[t].length) throw new Error(`${fn}: scores of tensor ${t} have length ${scores[t].length}, values ${values[t].length}`);
    n += values[t].length;
  }
  const k = pruneCount(fn, ratio, n);
  if (k === 0) return values.map((v) => ({ values: v.slice(), mask: new Uint8Array(v.length).fill(1), pruned: 0 }));
  // Threshold τ = k-th smallest score; prune every score < τ and the first (k − below) equal to τ.
  const { key: threshold, below } = selectMagnitude(scores, k - 1, fn);
  let ties = k - below;
  return values.map((v, t) => {
    const keys = new Uint32Array(scores[t].buffer, scores[t].byteOffset, v.length);
    const out = new Float32Array(v.length);
    const mask = new Uint8Array(v.length);
    let pruned = 0;
    for (let i = 0; i < v.length; i++) {
      const key = keys[i] & 0x7fffffff;
      if (key > threshold || (key === threshold && ties === 0)) {
        out[i] = v[i];
        mask[i] = 1;
      } else {
        if (key === threshold) ties--;
        pruned++;
      }
    }
    return { values: out, mask, pruned };
  });
}
