/**
 * What the stage view draws and tabulates, from a measured stage view: one row per stage with its
 * bytes, ratio to the original, bytes the step removed and accuracy, each with the words that
 * qualify it (a stage cut short of a recovering or calibrating plan is measured before that step),
 * and the log axis's domain in whole decades.
 */
import type { CompressionPlan } from '../model/plan';
import { needsCalibrationData } from '../model/planFields';
import type { StageResult, StagesResult } from '../runtime/protocol';
import { formatBytes, formatPercent } from './format';

/** One stage as the chart and the table show it. */
export interface StageRow {
  id: StageResult['id'];
  name: string;
  bytes: number;
  /** "35.9 KB" */
  bytesText: string;
  /** "29.7×" (original ÷ this stage) */
  ratioText: string;
  /** "−14.6 KB" (bytes this step removed), '' for the original */
  savedText: string;
  /** accuracy in percent (the chart's line), NaN when not measured */
  accuracyPct: number;
  /** "40.65 %" */
  accuracyText: string;
  /** why the accuracy is not the final model's, e.g. "before recovery" ('' when it is) */
  when: string;
  what: string;
  notes: string[];
}

/** Why a stage cut short of `plan` is measured before its last steps: recovery, calibration on data, or ''. */
export function beforeWhat(plan: CompressionPlan): string {
  if (plan.finetune) return 'before fine-tuning';
  if (plan.distill) return 'before distillation';
  if (needsCalibrationData(plan)) return 'before calibration';
  return '';
}

/** The rows of a measured stage view (see StageRow). */
export function stageRows(result: StagesResult): StageRow[] {
  const before = beforeWhat(result.plan);
  return result.stages.map((s) => ({
    id: s.id, name: s.name, bytes: s.bytes, bytesText: formatBytes(s.bytes), ratioText: `${s.ratio < 10 ? s.ratio.toFixed(2) : s.ratio.toFixed(1)}×`,
    savedText: s.id === 'original' ? '' : `−${formatBytes(s.saved)}`,
    accuracyPct: s.accuracy * 100, accuracyText: formatPercent(s.accuracy),
    when: s.model === 'own' ? before : '', what: s.what, notes: s.notes,
  }));
}

/** A log axis's domain for `bytes`: from the decade at or below the smallest to the decade at or above the largest. */
export function decades(bytes: readonly number[]): [number, number] {
  const lo = Math.min(...bytes);
  const hi = Math.max(...bytes);
  if (!(lo > 0) || !Number.isFinite(hi)) return [1, 10];
  const bottom = 10 ** Math.floor(Math.log10(lo));
  const top = 10 ** Math.ceil(Math.log10(hi));
  return [bottom, top > bottom ? top : bottom * 10];
}

/** The powers of ten from `domain[0]` to `domain[1]` (the log axis's ticks). */
export function decadeTicks([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) out.push(Math.round(v));
  return out;
}
