/**
 * Test helpers (Node tests only, not used by the app): facts about the compressed kernels of a
 * CompressOutput, computed independently of the code that compressed them, so a round-trip test
 * can check that a plan's technique really took effect (not only that the exports agree).
 */
import type { CompressOutput } from '.';
import { kernelTargetsOf } from './weightLevel';

/** A compressed kernel: its values as the exports hold them, shape and output-channel axis (≥ 0). */
export interface Kernel {
  name: string;
  shape: number[];
  values: Float32Array;
  axis: number;
}

/** The kernels (tensors the plan compresses) of `out`, excluded ones left out. */
export function kernelsOf(out: CompressOutput): Kernel[] {
  const targets = kernelTargetsOf(out.parts);
  const compressed = new Set(out.tensors.filter((t) => t.kernel && !t.excluded).map((t) => t.name));
  return out.parts.weights.filter((w) => compressed.has(w.name)).map((w) => {
    const axis = targets(w).axis ?? -1;
    return { name: w.name, shape: w.shape, values: w.values, axis: axis < 0 ? w.shape.length + axis : axis };
  });
}

/** Number of different values. */
export const distinct = (values: ArrayLike<number>): number => new Set(Array.from(values)).size;

/** Share of exact zeros over all `kernels`. */
export function sparsity(kernels: Kernel[]): number {
  const total = kernels.reduce((a, k) => a + k.values.length, 0);
  return kernels.reduce((a, k) => a + k.values.filter((v) => v === 0).length, 0) / total;
}

/** The values of each index along `axis` (one array per output channel). */
export function channels(k: Kernel): number[][] {
  const size = k.shape[k.axis];
  const inner = k.shape.slice(k.axis + 1).reduce((a, b) => a * b, 1);
  const out = Array.from({ length: size }, () => [] as number[]);
  k.values.forEach((v, i) => out[Math.floor(i / inner) % size].push(v));
  return out;
}

/**
 * The most non-zeros in any aligned group of `m` consecutive weights along the input axis
 * (shape.length − 2: rows of a Dense kernel, input channels of a conv kernel); partial groups at
 * the end are not counted.
 */
export function maxNonZerosPerGroup(k: Kernel, m: number): number {
  const axis = Math.max(0, k.shape.length - 2);
  const size = k.shape[axis];
  const inner = k.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = k.values.length / (size * inner);
  let most = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let g = 0; g + m <= size; g += m) {
        let nz = 0;
        for (let j = g; j < g + m; j++) if (k.values[(o * size + j) * inner + i] !== 0) nz++;
        most = Math.max(most, nz);
      }
    }
  }
  return most;
}

/** Whether `v` is a float16 value: at most 11 significant bits, exponent ≥ −24, magnitude ≤ 65504. */
export function isFloat16(v: number): boolean {
  if (v === 0) return true;
  const a = Math.abs(v);
  if (a > 65504) return false;
  const exp = Math.max(Math.floor(Math.log2(a)), -14);
  return Number.isInteger(a * 2 ** (10 - exp));
}

/** Whether every value of `values` is a whole multiple (to 1e-4) of max|v| / `levels` (symmetric codes −levels … levels). */
export function onSymmetricGrid(values: ArrayLike<number>, levels: number): boolean {
  const max = Math.max(...Array.from(values, Math.abs));
  if (max === 0) return true;
  const step = max / levels;
  return Array.from(values).every((v) => Math.abs(v / step - Math.round(v / step)) < 1e-4);
}
