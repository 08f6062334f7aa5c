/**
 * Index arithmetic of structured pruning: keeping a subset of the slices of a row-major tensor
 * along one axis, and the rows of a Dense kernel that read kept channels through a Flatten.
 */

/**
 * Keeps the slices `keep` (indices along `axis`, in the order given) of a row-major tensor:
 * out[o, j, i] = values[o, keep[j], i] with the layout outer × shape[axis] × inner. Returns the
 * new values and shape (shape[axis] = keep.length). Throws for an index out of range.
 */
export function sliceAxis(values: Float32Array, shape: readonly number[], axis: number, keep: readonly number[]): { values: Float32Array; shape: number[] } {
  const a = axis < 0 ? axis + shape.length : axis;
  if (a < 0 || a >= shape.length) throw new Error(`sliceAxis: axis ${axis} is out of range for shape [${shape.join(', ')}]`);
  const size = shape[a];
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  if (values.length !== outer * size * inner) throw new Error(`sliceAxis: values has length ${values.length}, shape [${shape.join(', ')}] holds ${outer * size * inner}`);
  for (const k of keep) if (!Number.isInteger(k) || k < 0 || k >= size) throw new Error(`sliceAxis: index ${k} is out of range [0, ${size})`);
  const out = new Float32Array(outer * keep.length * inner);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (const k of keep) {
      const from = (o * size + k) * inner;
      out.set(values.subarray(from, from + inner), p);
      p += inner;
    }
  }
  const newShape = [...shape];
  newShape[a] = keep.length;
  return { values: out, shape: newShape };
}

/**
 * Flattened feature indices of kept channels: Flatten of a channels-last tensor [..., C] with
 * `length` = P·C features puts channel c of position p at p·C + c, so the kept features are
 * {p·C + c : p < P, c ∈ keep}, in increasing order. Throws unless C divides `length`.
 */
export function flattenedIndices(keep: readonly number[], channels: number, length: number): number[] {
  if (channels <= 0 || length % channels !== 0) throw new Error(`flattenedIndices: ${length} features are not a whole number of positions × ${channels} channels`);
  const out: number[] = [];
  for (let p = 0; p < length / channels; p++) for (const c of keep) out.push(p * channels + c);
  return out;
}

/** The complement of `keep` in [0, n), ascending. */
export function removedOf(keep: readonly number[], n: number): number[] {
  const kept = new Set(keep);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!kept.has(i)) out.push(i);
  return out;
}
