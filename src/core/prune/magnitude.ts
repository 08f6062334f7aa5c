import { assertFinite, checkShape, type Shape } from '../tensor';
import { pruneByScores, type PruneResult } from './mask';

/** Options of {@link pruneMagnitude} and {@link pruneMagnitudeGlobal}. */
export interface MagnitudeOptions {
  /** Fraction of elements to zero, in [0, 1]; exactly round(ratio·n) are pruned. */
  ratio: number;
}

/** A tensor: flat row-major values and their shape. */
export interface TensorInput {
  values: Float32Array;
  shape: Shape;
}

/**
 * Unstructured magnitude pruning of one tensor: zeroes the k = round(ratio·n) weights of
 * smallest |w| (ties: lower flat index first), found by an exact O(n) radix select, not a sort.
 * Zeros rank lowest, so sparsity afterwards = max(k, zeros already present)/n: exactly the
 * requested share whenever it exceeds the existing one. ratio 0 changes nothing;
 * ratio 1 zeroes the tensor. Throws for NaN/±Inf weights or a ratio outside [0, 1].
 */
export function pruneMagnitude(values: Float32Array, shape: Shape, opts: MagnitudeOptions): PruneResult {
  checkShape('pruneMagnitude', values, shape);
  if (values.length === 0) {
    if (!(opts.ratio >= 0 && opts.ratio <= 1)) throw new Error(`pruneMagnitude: ratio must be in [0, 1], got ${opts.ratio}`);
    return { values: new Float32Array(0), mask: new Uint8Array(0), pruned: 0 };
  }
  if (opts.ratio === 0) assertFinite('pruneMagnitude', values);
  return pruneByScores('pruneMagnitude', [values], [values], opts.ratio)[0];
}

/**
 * Global magnitude pruning: one threshold τ over all tensors together, so that exactly
 * k = round(ratio·N) weights (N = Σ nₜ) with |w| ≤ τ are zeroed — layers with many small
 * weights lose more. τ is the exact k-th smallest |w| (radix select); ties at τ are broken by
 * tensor order, then flat index. Returns one result per tensor, in order.
 */
export function pruneMagnitudeGlobal(tensors: readonly TensorInput[], opts: MagnitudeOptions): PruneResult[] {
  const values = tensors.map((t, i) => {
    checkShape(`pruneMagnitudeGlobal (tensor ${i})`, t.values, t.shape);
    return t.values;
  });
  const n = values.reduce((s, v) => s + v.length, 0);
  if (n === 0 || opts.ratio === 0) {
    if (!(opts.ratio >= 0 && opts.ratio <= 1)) throw new Error(`pruneMagnitudeGlobal: ratio must be in [0, 1], got ${opts.ratio}`);
    values.forEach((v) => assertFinite('pruneMagnitudeGlobal', v));
    return values.map((v) => ({ values: v.slice(), mask: new Uint8Array(v.length).fill(1), pruned: 0 }));
  }
  return pruneByScores('pruneMagnitudeGlobal', values, values, opts.ratio);
}
