/**
 * The studio's presets: named plans a workshop can step through (the Controls card's buttons; the
 * benchmark times them too), each with one line saying what it does and what it costs. Model-
 * agnostic: no layer names. The first one is the one to open a talk with: post-training, seconds,
 * and a result worth showing.
 */
import type { CompressionPlan } from './plan';
import { CALIBRATION_SAMPLES, needsCalibrationData } from './planFields';

/** A named plan and what it does, for a button and its accessible description. */
export interface Preset {
  /** The button's text and accessible name. */
  name: string;
  /** What the plan does and what it buys or loses (hand-written; figures only where measured on every bundled model). */
  what: string;
  plan: CompressionPlan;
}

/**
 * What running `plan` costs, from the plan itself so it cannot drift from it: whether it retrains
 * (fine-tuning with labels, or distillation from the original) and on what data, or calibrates on
 * CALIBRATION_SAMPLES unlabelled training images, or needs no data at all; and the time it takes
 * in the tab for the bundled models (seconds without training; a minute or more with it, e.g. the
 * fine-tuning preset on LeNet-5 in 51 s, README).
 */
export function presetCost(plan: CompressionPlan): string {
  const epochs = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;
  if (plan.distill) return `trains ${epochs(plan.distill.epochs)} on unlabelled training images: minutes`;
  if (plan.finetune) return `retrains ${epochs(plan.finetune.epochs)} on labelled training images: a minute or more`;
  if (needsCalibrationData(plan)) return `no retraining; ${CALIBRATION_SAMPLES} unlabelled training images: seconds`;
  return 'no retraining, no data: seconds';
}

/** One line for a preset: what it does, then what it costs. */
export const presetDescription = (p: Preset): string => `${p.what} — ${presetCost(p.plan)}`;

/** The presets in the order a talk steps through them: post-training first, then retraining, then formats and structure. */
export const PRESET_LIST: readonly Preset[] = [
  {
    // Pruning refit + output-MSE ranges + bias correction (model/calibrate). Measured with the CLI (compress --plan
    // --calibrate <data>-train --format compact, then eval on <data>-val): LeNet-300-100 14.7× 97.60 % (float 97.60),
    // LeNet-5 14.6× 98.70 % (98.95), fashion-cnn 14.2× 90.33 % (90.88); at 80 % pruned fashion-cnn lost 1.4 points.
    name: 'Prune 70 % + 4-bit, calibrated',
    what: '70 % pruned, 4-bit per channel fitted to layer outputs: 14–15×, ≤ 0.6 points lost (bundled models)',
    plan: { version: 1, prune: { ratio: 0.7, scope: 'global' }, quantize: { bits: 4, granularity: 'channel', scheme: 'affine', calibrate: 'output' } },
  },
  {
    // Deep Compression's pipeline with its retraining: one global threshold (big layers lose the most), 4 epochs of
    // masked fine-tuning, 32 shared values, then a pass that trains them (README: 38–39× on the LeNets).
    name: 'Deep Compression + fine-tuning',
    what: 'Han et al.\'s pipeline: 93 % pruned, 32 shared values, retrained',
    plan: { version: 1, prune: { ratio: 0.93, scope: 'global' }, cluster: { k: 32, grid: 'uint8' }, finetune: { epochs: 4, learningRate: 0.001 } },
  },
  {
    // The same with 16 shared values, learnt from the original instead of the labels (`npm run bench -- --part dc-distill`:
    // LeNet-300-100 43.1× at −0.15 points; no labels needed).
    name: 'Deep Compression + distillation',
    what: 'the same with 16 shared values, learnt from the original, not labels',
    plan: { version: 1, prune: { ratio: 0.93, scope: 'global' }, cluster: { k: 16, grid: 'uint8' }, distill: { epochs: 6, learningRate: 0.002, temperature: 8, alpha: 0 } },
  },
  {
    // CLI as above: TF.js files 3.96× / 3.96× / 3.78×, compact 4.7× / 4.7× / 5.2×, top-1 −0.00 / −0.00 / −0.05 points.
    name: 'TF.js int8',
    what: 'uint8 files stock TF.js loads: 3.8–4×, compact 4.7–5.2×, ≤ 0.05 points lost (bundled models)',
    plan: { version: 1, quantize: { bits: 8, granularity: 'tensor', scheme: 'affine' } },
  },
  // CLI as above: 2.0× on each, top-1 within 0.01 points.
  { name: 'float16', what: 'half-precision weights: 2×, accuracy unchanged (bundled models)', plan: { version: 1, quantize: 'float16' } },
  {
    // Deep Compression's first two steps post-training: what its retraining is for. CLI as above: 29.8× 40.65 %,
    // 29.9× 51.50 %, 26.0× 9.83 % (chance).
    name: 'Deep Compression, no retraining',
    what: '90 % of each layer pruned, 32 shared values: 26–30×, but accuracy collapses (10–52 %)',
    plan: { version: 1, prune: { ratio: 0.9, scope: 'layer' }, cluster: { k: 32 } },
  },
  {
    // CLI as above: top-1 −11.0 / −6.5 / −52.4 points.
    name: 'Fastest (structured + low-rank)',
    what: 'a quarter of units and filters cut, layers factorised: fewer FLOPs, but loses accuracy',
    plan: { version: 1, channels: { ratio: 0.25, norm: 'l1' }, lowRank: { by: 'fraction', value: 0.25 } },
  },
];

/** The presets' plans by name (PRESET_LIST's order). */
export const PRESETS: Record<string, CompressionPlan> = Object.fromEntries(PRESET_LIST.map((p) => [p.name, p.plan]));
