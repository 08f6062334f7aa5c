/**
 * "Auto": per-layer settings for a target accuracy drop, from a sensitivity table. Each layer gets
 * an equal share of the budget, d = target / L, and the most aggressive level whose drop *alone*
 * stays within d (drops of separately compressed layers roughly add up). The choice is explained
 * layer by layer; the combined plan is then measured like any other, so the drop it really
 * causes is shown, not assumed.
 */
import type { CompressionPlan, LayerOverride } from '../model/plan';
import type { SensitivityResult } from '../runtime/protocol';

export interface AutoChoice {
  plan: CompressionPlan;
  /** one line per layer: what was chosen and why */
  explanation: string[];
}

const levelText = (r: SensitivityResult, level: number) => (r.technique === 'prune' ? `prune ${Math.round(level * 100)} %` : `${level} bits`);

/** @param targetDrop allowed loss in accuracy (fraction, e.g. 0.005) against r.baseline, measured on the same samples. */
export function autoPlan(r: SensitivityResult, targetDrop: number): AutoChoice {
  const baseline = r.baseline;
  const share = targetDrop / Math.max(1, r.layers.length);
  // Most aggressive first: highest prune ratio, or fewest bits.
  const order = r.levels.map((level, j) => ({ level, j })).sort((a, b) => (r.technique === 'prune' ? b.level - a.level : a.level - b.level));
  const layers: Record<string, LayerOverride> = {};
  const explanation: string[] = [];
  r.layers.forEach((layer, i) => {
    const pick = order.find(({ j }) => baseline - r.accuracy[i][j] <= share);
    if (!pick) {
      explanation.push(`${layer}: left as it is — every level costs more than ${(share * 100).toFixed(2)} points alone`);
      return;
    }
    const drop = (baseline - r.accuracy[i][pick.j]) * 100;
    layers[layer] = r.technique === 'prune' ? { prune: pick.level } : { bits: pick.level };
    explanation.push(`${layer}: ${levelText(r, pick.level)} (alone: ${drop <= 0 ? 'no loss' : `−${drop.toFixed(2)} points`}, budget ${(share * 100).toFixed(2)})`);
  });
  return { plan: { version: 1, layers }, explanation };
}
