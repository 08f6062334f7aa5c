/**
 * Shape helpers shared by every core algorithm. A tensor in src/core is a flat row-major
 * `Float32Array` plus a `shape`; TF.js stores kernels as `[..., in, out]` (dense `[in, out]`,
 * conv `[kh, kw, cin, cout]`), so the last axis is the output channel unless a caller says
 * otherwise.
 */

/** A tensor shape: non-negative integer dimensions, row-major (last index varies fastest). */
export type Shape = readonly number[];

/**
 * Number of elements of a shape: n = ∏ shape[i] (1 for a scalar `[]`).
 * Throws when a dimension is not a non-negative integer.
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`sizeOf: dimension ${d} in [${shape.join(', ')}] is not a non-negative integer`);
    n *= d;
  }
  return n;
}

/** Throws `${fn}: values has length L but shape [..] holds n elements` unless they agree. */
export function checkShape(fn: string, values: ArrayLike<number>, shape: Shape): number {
  const n = sizeOf(shape);
  if (values.length !== n) throw new Error(`${fn}: values has length ${values.length} but shape [${shape.join(', ')}] holds ${n} elements`);
  return n;
}

/**
 * Throws `${fn}: values[i] is NaN` (or `Infinity` / `-Infinity`) for the first non-finite
 * element, so a corrupt weight file is named instead of silently poisoning a threshold.
 */
export function assertFinite(fn: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v - v is NaN exactly when v is NaN or ±Infinity; one comparison on the hot path.
    if (v - v !== 0) throw new Error(`${fn}: values[${i}] is ${v}; weights must be finite`);
  }
}

/** Throws unless `x` is a finite number in [lo, hi]; returns it. */
export function checkRange(fn: string, name: string, x: number, lo: number, hi: number): number {
  if (typeof x !== 'number' || !(x >= lo && x <= hi)) throw new Error(`${fn}: ${name} must be in [${lo}, ${hi}], got ${x}`);
  return x;
}

/** Throws unless `x` is an integer in [lo, hi]; returns it. */
export function checkInt(fn: string, name: string, x: number, lo: number, hi: number): number {
  if (!Number.isInteger(x) || x < lo || x > hi) throw new Error(`${fn}: ${name} must be an integer in [${lo}, ${hi}], got ${x}`);
  return x;
}

/** Resolves a possibly negative axis (−1 = last) against `rank`; throws when out of range. */
export function normalizeAxis(fn: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) throw new Error(`${fn}: axis ${axis} is out of range for a rank-${rank} tensor`);
  return a;
}

/**
 * Splits a shape around `axis` into `outer × size × inner`, so that the flat index of
 * element (o, c, i) is `(o·size + c)·inner + i` and its position along the axis is c.
 */
export interface AxisLayout { outer: number; size: number; inner: number }

/** Computes the {@link AxisLayout} of `shape` around `axis` (negative counts from the end). */
export function axisLayout(fn: string, shape: Shape, axis: number): AxisLayout {
  const a = normalizeAxis(fn, axis, shape.length);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, size: shape[a], inner };
}

/**
 * The 2-D matrix view of a kernel: `[rows, cols]` with cols = last dimension (output channels)
 * and rows = product of the others; a conv kernel [kh, kw, cin, cout] is [kh·kw·cin, cout]
 * without moving data. A scalar or vector is one row.
 */
export function matrixView(shape: Shape): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  sizeOf(shape);
  let rows = 1;
  for (let i = 0; i < shape.length - 1; i++) rows *= shape[i];
  return { rows, cols: shape[shape.length - 1] };
}
