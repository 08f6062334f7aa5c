/**
 * "Auto": per-layer settings from a sensitivity table, for a target accuracy drop or a target
 * size. Greedy on exchange rates: starting from nothing compressed, it repeatedly moves one layer
 * to a more compressed level, taking the move that saves the most bytes per point of accuracy
 * lost (moves that lose nothing first), until
 *   - target drop: no further move fits in the remaining budget, or
 *   - target size: the estimated compact size is at or under the target.
 * Estimates add up single-layer figures: size = whole model − Σ layer bytes + Σ chosen layer bytes
 * (exact record sizes, so this part is exact up to the header), drop = Σ single-layer drops (an
 * approximation: drops of separately compressed layers roughly add up). The plan is then measured
 * like any other, so the drop and size it really gives are shown, not assumed. For a joint grid
 * (prune ratio × bits per layer) autoRefine.ts measures the combined plan and backs off.
 */
import type { CompressionPlan, LayerOverride } from '../model/plan';
import { jointPlan, jointText } from '../runtime/jointGrid';
import type { JointCalibration, JointLevel, SensitivityResult } from '../runtime/protocol';

/** What auto aims for: at most `drop` accuracy lost (fraction), or at most `bytes` of compact file. */
export type AutoTarget = { drop: number } | { bytes: number };

export interface AutoChoice {
  plan: CompressionPlan;
  /** one summary line, then one line per layer: what was chosen and why */
  explanation: string[];
  /** estimated compact size (bytes) and accuracy drop (fraction) of the plan */
  estimate: { bytes: number; drop: number };
}

/** Bytes in words: "1.2 MB", "45.3 KB", "120 B". */
export const kb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} KB` : `${n} B`);
/** A fraction of accuracy in points: 0.0042 → "0.42 points". */
export const points = (fraction: number) => `${(fraction * 100).toFixed(2)} points`;

/** Whether cell (i, j) was measured (a joint grid leaves skipped cells NaN). */
const measured = (r: SensitivityResult, i: number, j: number) => Number.isFinite(r.accuracy[i][j]) && Number.isFinite(r.bytes[i][j]);

/**
 * The greedy pick (file comment): level[i] = chosen index into r.levels for layer i, or −1 (left
 * as it is), with the estimated size (bytes) and drop (fraction), and whether a size target is met.
 */
export function pickLevels(r: SensitivityResult, target: AutoTarget): { level: number[]; estimate: { bytes: number; drop: number }; reached: boolean } {
  const L = r.layers.length;
  const level = new Array<number>(L).fill(-1); // −1 = left as it is
  const bytesAt = (i: number, j: number) => (j < 0 ? r.baseBytes[i] : r.bytes[i][j]);
  // A level that scores above the baseline counts as no loss (noise on a subset), never as a gain.
  const dropAt = (i: number, j: number) => (j < 0 ? 0 : Math.max(0, r.baseline - r.accuracy[i][j]));
  const size = () => r.totalBytes - r.baseBytes.reduce((a, b) => a + b, 0) + level.reduce((a, j, i) => a + bytesAt(i, j), 0);
  const drop = () => level.reduce((a, j, i) => a + dropAt(i, j), 0);
  const done = () => ('bytes' in target ? size() <= target.bytes : false);

  while (!done()) {
    let best: { i: number; j: number; rate: number; saved: number } | undefined;
    const budget = 'drop' in target ? target.drop - drop() : Infinity;
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < r.levels.length; j++) {
        if (!measured(r, i, j)) continue;
        const saved = bytesAt(i, level[i]) - bytesAt(i, j);
        if (saved <= 0) continue;
        const cost = dropAt(i, j) - dropAt(i, level[i]);
        if (cost > budget + 1e-12) continue;
        // Free moves (no added loss) rank by bytes saved, ahead of every costly move.
        const rate = cost <= 0 ? Infinity : saved / cost;
        if (!best || rate > best.rate || (rate === best.rate && saved > best.saved)) best = { i, j, rate, saved };
      }
    }
    if (!best) break;
    level[best.i] = best.j;
  }
  return { level, estimate: { bytes: size(), drop: drop() }, reached: done() || 'drop' in target };
}

/** What level j of r is, in words: "prune 80 %", "4 bits", or for a joint grid "prune 80 % + 4 bits". */
export function levelText(r: SensitivityResult, j: number): string {
  if (r.joint) return jointText(r.joint.cells[j]);
  return r.technique === 'prune' ? `prune ${Math.round(r.levels[j] * 100)} %` : `${r.levels[j]} bits`;
}

/** A joint plan's quantizer: calibration and granularity (each defaults to the grid's). */
export interface JointQuant { calibrate?: JointCalibration; granularity?: 'tensor' | 'channel' }

/** The plan of `level` (pickLevels): per-layer overrides; for a joint grid, jointPlan with the grid's quantizer or `quant`. */
export function planOfLevels(r: SensitivityResult, level: number[], quant: JointQuant = {}): CompressionPlan {
  if (r.joint) {
    const { cells, grid } = r.joint;
    const choice: Record<string, JointLevel> = {};
    level.forEach((j, i) => { if (j >= 0) choice[r.layers[i]] = cells[j]; });
    return jointPlan(choice, r.layers, { ...grid, granularity: quant.granularity ?? grid.granularity }, quant.calibrate);
  }
  const layers: Record<string, LayerOverride> = {};
  level.forEach((j, i) => { if (j >= 0) layers[r.layers[i]] = r.technique === 'prune' ? { prune: r.levels[j] } : { bits: r.levels[j] }; });
  return { version: 1, layers };
}

/** One line per layer: what `level` chose for it, its bytes, and its single-layer drop. */
export function layerLines(r: SensitivityResult, level: number[], leftReason: string): string[] {
  const metric = r.metric === 'agreement' ? 'agreement' : 'accuracy';
  return r.layers.map((name, i) => {
    const j = level[i];
    if (j < 0) return `${name}: left as it is (${kb(r.baseBytes[i])}) — ${leftReason}`;
    const d = Math.max(0, r.baseline - r.accuracy[i][j]);
    return `${name}: ${levelText(r, j)} — ${kb(r.baseBytes[i])} → ${kb(r.bytes[i][j])}, alone ${d <= 0 ? `no ${metric} loss` : `−${points(d)}`}`;
  });
}

/** @param target allowed loss (fraction of accuracy, against r.baseline on the same samples) or size in bytes. */
export function autoPlan(r: SensitivityResult, target: AutoTarget): AutoChoice {
  const { level, estimate, reached } = pickLevels(r, target);
  const metric = r.metric === 'agreement' ? 'agreement' : 'accuracy';
  const lines = layerLines(r, level, 'bytes' in target && reached ? 'not needed for the target' : 'every level costs more than the budget left');
  const goal = 'drop' in target ? `at most ${points(target.drop)} of ${metric} lost` : `a compact file of at most ${kb(target.bytes)}`;
  const unreached = reached ? '' : ` — not reachable with these levels; the smallest is ${kb(estimate.bytes)}`;
  const summary = `Target ${goal}${unreached}: estimated ${kb(estimate.bytes)} (from ${kb(r.totalBytes)}), −${points(estimate.drop)} (single-layer drops added up); the measured figures follow.`;
  const plan = planOfLevels(r, level);
  return { plan: r.joint ? plan : { version: 1, layers: plan.layers ?? {} }, explanation: [summary, ...lines], estimate };
}
