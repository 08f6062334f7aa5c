/**
 * What an evaluation computes from a model's outputs (N rows of `classes` values): top-1
 * accuracy, cross-entropy and the confusion matrix against labels; and, against a reference
 * model's outputs on the same inputs, fidelity: top-1 agreement and mean KL(reference ‖ model).
 * Rows that are not probabilities (a negative value, or a sum off 1 by more than 1e-3) are
 * taken as logits and put through a softmax first.
 */

/** Probabilities below this are clipped for logarithms (cross-entropy, KL). */
export const P_MIN = 1e-7;

/** Index of the largest value of row `i` (the first one on ties). */
export function argmaxRow(values: ArrayLike<number>, i: number, classes: number): number {
  let best = 0;
  const base = i * classes;
  for (let c = 1; c < classes; c++) if (values[base + c] > values[base + best]) best = c;
  return best;
}

/** Row `i` as probabilities: itself if it is a distribution, else softmax of it (taken as logits). */
export function probabilitiesRow(values: ArrayLike<number>, i: number, classes: number): Float64Array {
  const row = new Float64Array(classes);
  let sum = 0;
  let negative = false;
  for (let c = 0; c < classes; c++) {
    row[c] = values[i * classes + c];
    sum += row[c];
    if (row[c] < 0) negative = true;
  }
  if (!negative && Math.abs(sum - 1) <= 1e-3) return row;
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let z = 0;
  for (let c = 0; c < classes; c++) { row[c] = Math.exp(row[c] - max); z += row[c]; }
  for (let c = 0; c < classes; c++) row[c] /= z;
  return row;
}

export interface AccuracyStats {
  /** top-1 accuracy in [0, 1] */
  accuracy: number;
  /** mean −ln p(label), p clipped to ≥ P_MIN */
  loss: number;
  /** confusion[label][predicted] = count */
  confusion: number[][];
}

/** Accuracy, loss and confusion of `count` output rows against `labels`. */
export function accuracyStats(outputs: ArrayLike<number>, labels: ArrayLike<number>, count: number, classes: number): AccuracyStats {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  let lossSum = 0;
  for (let i = 0; i < count; i++) {
    const best = argmaxRow(outputs, i, classes);
    const label = labels[i];
    confusion[label][best]++;
    if (best === label) correct++;
    lossSum -= Math.log(Math.max(probabilitiesRow(outputs, i, classes)[label], P_MIN));
  }
  return { accuracy: count ? correct / count : NaN, loss: count ? lossSum / count : NaN, confusion };
}

export interface Fidelity {
  /** share of inputs on which both models pick the same top-1 class, in [0, 1] */
  agreement: number;
  /** mean over inputs of KL(reference ‖ model) = Σ p·(ln p − ln q), in nats, p and q clipped to ≥ P_MIN */
  meanKl: number;
}

/** Fidelity of `outputs` to `reference` over their first `count` rows. */
export function fidelity(reference: ArrayLike<number>, outputs: ArrayLike<number>, count: number, classes: number): Fidelity {
  if (reference.length < count * classes || outputs.length < count * classes) {
    throw new Error(`fidelity: need ${count}×${classes} outputs, got ${reference.length} reference and ${outputs.length}`);
  }
  let agree = 0;
  let kl = 0;
  for (let i = 0; i < count; i++) {
    if (argmaxRow(reference, i, classes) === argmaxRow(outputs, i, classes)) agree++;
    const p = probabilitiesRow(reference, i, classes);
    const q = probabilitiesRow(outputs, i, classes);
    for (let c = 0; c < classes; c++) {
      if (p[c] <= 0) continue; // 0 · ln 0 = 0
      const pc = Math.max(p[c], P_MIN);
      kl += p[c] * (Math.log(pc) - Math.log(Math.max(q[c], P_MIN)));
    }
  }
  return { agreement: count ? agree / count : NaN, meanKl: count ? Math.max(0, kl / count) : NaN };
}
