/**
 * The joint (prune ratio × bits) grid of a sensitivity analysis and the plans it measures: its
 * cells in measuring order, which cells to skip, and the plan that compresses some layers at
 * chosen cells and leaves the others as they are. Pure: no TF.js, no measuring.
 */
import type { CompressionPlan, LayerOverride } from '../model/plan';
import type { JointCalibration, JointGrid, JointLevel } from './protocol';

/** The default grid: 6 prune ratios × 5 bit widths (the layer table's override choices), per-channel affine codes, MSE range, 5-point cap. */
export const JOINT_GRID: Required<JointGrid> = {
  prune: [0, 0.5, 0.7, 0.8, 0.9, 0.95], bits: [8, 6, 4, 3, 2], scheme: 'affine', granularity: 'channel', calibrate: 'mse', maxDrop: 0.05,
};

/**
 * The grid's cells, mildest first: bits descending, and within one bit width prune ratios
 * ascending — so every milder cell of a cell (no more pruning, at least as many bits) comes
 * before it. Duplicate values are dropped.
 */
export function jointCells(grid: Pick<JointGrid, 'prune' | 'bits'>): JointLevel[] {
  const bits = [...new Set(grid.bits)].sort((a, b) => b - a);
  const prune = [...new Set(grid.prune)].sort((a, b) => a - b);
  if (!bits.length || !prune.length) throw new Error('the joint grid needs at least one prune ratio and one bit width');
  if (bits.some((b) => !Number.isInteger(b) || b < 1 || b > 16)) throw new Error(`joint grid bits must be whole numbers 1–16, got ${bits.join(', ')}`);
  if (prune.some((p) => !(p >= 0 && p < 1))) throw new Error(`joint grid prune ratios must be in [0, 1), got ${prune.join(', ')}`);
  return bits.flatMap((b) => prune.map((p) => ({ prune: p, bits: b })));
}

/** Whether `a` is at most as compressed as `b` by construction (no more pruning, at least as many bits) and not the same cell. */
export function milder(a: JointLevel, b: JointLevel): boolean {
  return a.prune <= b.prune && a.bits >= b.bits && (a.prune !== b.prune || a.bits !== b.bits);
}

/**
 * Whether cell `k` of one layer can be skipped, given the cells before it: some milder cell is
 * already no larger (`bytes`, NaN = not sized), or already lost more than `maxDrop` (`drops`,
 * fractions; NaN = not measured). Returns why, or undefined to measure it.
 */
export function skipReason(cells: JointLevel[], k: number, bytes: number[], drops: number[], maxDrop: number, ownBytes?: number): 'hopeless' | 'dominated' | undefined {
  for (let m = 0; m < k; m++) {
    if (!milder(cells[m], cells[k])) continue;
    if (drops[m] > maxDrop) return 'hopeless';
    if (ownBytes !== undefined && bytes[m] <= ownBytes) return 'dominated';
  }
  return undefined;
}

/** "prune 80 % + 4 bits" (or "4 bits" without pruning). */
export function jointText(c: JointLevel): string {
  return c.prune > 0 ? `prune ${Math.round(c.prune * 100)} % + ${c.bits} bits` : `${c.bits} bits`;
}

/**
 * The plan compressing each layer of `choice` at its cell: per-layer `prune` and `bits`
 * overrides, a global quantize section carrying the grid's scheme, granularity and `calibrate`
 * (its bits, the most common chosen width, apply to no layer: every compressible layer has an
 * override), and `exclude` for the layers of `layers` not chosen (left float32, unpruned).
 */
export function jointPlan(choice: Record<string, JointLevel>, layers: string[], grid: JointGrid, calibrate: JointCalibration = grid.calibrate ?? JOINT_GRID.calibrate): CompressionPlan {
  const chosen = Object.values(choice);
  if (!chosen.length) return { version: 1 };
  const count = new Map<number, number>();
  for (const c of chosen) count.set(c.bits, (count.get(c.bits) ?? 0) + 1);
  const bits = [...count].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
  const overrides: Record<string, LayerOverride> = {};
  for (const layer of layers) {
    const c = choice[layer];
    overrides[layer] = c ? (c.prune > 0 ? { prune: c.prune, bits: c.bits } : { bits: c.bits }) : { exclude: true };
  }
  return {
    version: 1,
    quantize: { bits, scheme: grid.scheme ?? JOINT_GRID.scheme, granularity: grid.granularity ?? JOINT_GRID.granularity, calibrate },
    layers: overrides,
  };
}
