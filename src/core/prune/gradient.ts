import { assertFinite, axisLayout, checkShape, type Shape } from '../tensor';
import { pruneByScores, type PruneResult } from './mask';

/** A tensor with the gradient of the loss with respect to it (same shape). */
export interface TensorWithGradient {
  values: Float32Array;
  grads: Float32Array;
  shape: Shape;
}

function check(fn: string, t: TensorWithGradient): void {
  checkShape(fn, t.values, t.shape);
  checkShape(`${fn} (grads)`, t.grads, t.shape);
  assertFinite(fn, t.values);
  assertFinite(`${fn} (grads)`, t.grads);
}

/**
 * First-order Taylor importance of each weight: sᵢ = |wᵢ · ∂L/∂wᵢ|, the estimated change of the
 * loss L when wᵢ is set to zero (L(w − wᵢeᵢ) ≈ L(w) − wᵢ·gᵢ; Molchanov et al. 2017). Units: those
 * of L. Gradients are typically accumulated over a batch (Σ or mean of per-example products).
 */
export function taylorScores(t: TensorWithGradient): Float32Array {
  check('taylorScores', t);
  const s = new Float32Array(t.values.length);
  for (let i = 0; i < s.length; i++) s[i] = Math.abs(t.values[i] * t.grads[i]);
  return s;
}

/**
 * Group Taylor importance per channel along `axis` (default −1, output channel):
 * sₖ = (Σ_{i∈k} wᵢ·gᵢ)², the squared first-order loss change when the whole channel is removed
 * (Molchanov et al. 2019, "Importance Estimation for Neural Network Pruning"). Feed it to
 * `pruneChannels`. Returns a Float64Array of length shape[axis].
 */
export function taylorChannelScores(t: TensorWithGradient, axis = -1): Float64Array {
  const fn = 'taylorChannelScores';
  check(fn, t);
  const { outer, size, inner } = axisLayout(fn, t.shape, axis);
  const sums = new Float64Array(size);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c++) {
      for (let i = 0; i < inner; i++, p++) sums[c] += t.values[p] * t.grads[p];
    }
  }
  for (let c = 0; c < size; c++) sums[c] *= sums[c];
  return sums;
}

/**
 * Unstructured gradient-based pruning over one or many tensors: zeroes the k = round(ratio·N)
 * weights of smallest Taylor score |w·∂L/∂w| with one global threshold (exact radix select;
 * ties by tensor order, then index). Pass one tensor for a per-tensor ratio.
 */
export function pruneTaylor(tensors: readonly TensorWithGradient[], opts: { ratio: number }): PruneResult[] {
  const scores = tensors.map((t) => taylorScores(t));
  return pruneByScores('pruneTaylor', tensors.map((t) => t.values), scores, opts.ratio);
}
