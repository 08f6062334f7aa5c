/**
 * Whole-model compression: a plan applied to a model given as data. Structural transforms first
 * (they change the architecture), then weight-level compression of every kernel. The result is
 * what will be written: `compressed.tensors[i].values` are the exact weights of the exports.
 * Structural transforms need a layers model's layer graph: on a graph model they are skipped,
 * and `skipped` says so (the summary carries it to the UI and the report).
 */
import type { CompressionPlan } from '../plan';
import { DATA_CALIBRATIONS, structuralAsked } from '../planFields';
import { applyStructural, countParams, flops, type StructuralReport } from '../transform';
import { equalizeCrossLayer, type EqualizeReport } from '../transform/equalize';
import { correctBiases, type BiasCorrectionReport } from '../transform/biasCorrection';
import { formatFields, type CompressedModel, type ModelParts } from '../weights';
import { compressWeights, type EncodedTensor, type TensorReport } from './weightLevel';
import { within, type OnStep } from '../progress';

export interface CompressOutput {
  compressed: CompressedModel;
  /** The compressed model as plain parts (for modelFromParts / evaluation). */
  parts: ModelParts;
  tensors: TensorReport[];
  /** What channel pruning and low-rank did, layer by layer, with params and FLOPs before/after. */
  structural: StructuralReport;
  /** Parts of the plan that were not applied, each with why (empty when everything applied). */
  skipped: string[];
  /** quantize.equalize 'cle': one row per Dense / Conv layer, the pair it equalized or why none (absent when not asked). */
  equalization?: EqualizeReport[];
  /** quantize.calibrate 'bias' / 'output' / 'adaround': one row per Dense / Conv layer, the tensor corrected or why none (absent when not asked). */
  biasCorrection?: BiasCorrectionReport[];
  /** quantize.calibrate 'output' / 'adaround': how each kernel was calibrated on data. */
  calibration?: CalibrationReport[];
}

/** Why channel pruning / low-rank do not apply to a graph model (shown to the user). */
export const GRAPH_STRUCTURAL_REASON = 'needs a TF.js layers model (a graph model from tensorflowjs_converter has no layer graph to rewrite); weight-level techniques still apply';

/** FLOPs per sample, or NaN for a layer class the shape inference does not know. */
function safeFlops(parts: ModelParts): number {
  try { return flops(parts); } catch { return NaN; }
}

/** A structural report of a model left as it is: parameters of plain weights, FLOPs NaN for a graph model. */
function unchanged(parts: ModelParts): StructuralReport {
  const params = parts.weights.reduce((a, w) => a + w.values.length, 0);
  const cost = parts.format === 'graph-model' ? { params, flops: NaN } : { params: countParams(parts), flops: safeFlops(parts) };
  return { channels: [], lowRank: [], before: cost, after: cost };
}

/**
 * Gradient-based (Taylor) importance of a model's weights, computed on the ORIGINAL model before
 * any transform (train/taylor.ts accumulateTaylorScores), for plans with prune.score 'taylor' or
 * channels.norm 'taylor'.
 */
export interface PruneScores {
  /** Manifest weight name (e.g. "fc1/kernel") → Σ_batches |w·∂L/∂w| per element, same length as the tensor. */
  weights?: Map<string, Float32Array>;
  /** Layer name → Σ_batches (Σ_{i∈c} wᵢ·∂L/∂wᵢ)², one score per output unit / filter c. */
  channels?: Map<string, Float64Array>;
}

/** A model after the plan's structural transforms and equalization, before weight-level compression. */
export interface ShapedModel {
  parts: ModelParts;
  structural: StructuralReport;
  /** Taylor weight scores carried through channel pruning (sliced with their kernels). */
  carried?: Map<string, Float32Array>;
  equalization?: EqualizeReport[];
  skipped: string[];
}

/**
 * The plan's structural transforms (layers models only), then cross-layer equalization when
 * plan.quantize.equalize is 'cle' (layers models only; BNs it folds leave the topology).
 */
export function shapeModel(parts: ModelParts, plan: CompressionPlan, scores?: PruneScores): ShapedModel {
  const graph = parts.format === 'graph-model';
  // Global settings and per-layer overrides alike (the settings table says which are structural).
  const asked = structuralAsked(plan);
  const skipped = graph ? asked.map((what) => `${what} skipped: it ${GRAPH_STRUCTURAL_REASON}`) : [];
  const structural = !graph && asked.length
    ? applyStructural(parts, plan, { scores: scores?.channels, carry: scores?.weights })
    : { parts, report: unchanged(parts), carried: scores?.weights };
  let shaped = { ...structural.parts, ...formatFields(parts) };
  // Cross-layer equalization (transform/equalize.ts): same function, channel ranges balanced for the quantizer.
  const cle = typeof plan.quantize === 'object' && plan.quantize.equalize === 'cle';
  if (cle && graph) skipped.push(`cross-layer equalization skipped: it ${GRAPH_STRUCTURAL_REASON}`);
  const equalized = cle && !graph ? equalizeCrossLayer(shaped) : undefined;
  if (equalized) shaped = { ...equalized.parts, ...formatFields(parts) };
  return { parts: shaped, structural: structural.report, carried: structural.carried, skipped, ...(equalized ? { equalization: equalized.report } : {}) };
}

/** What calibration on data (model/calibrate) hands to compressModel: kernels already encoded, measured input means, its report. */
export interface CalibratedKernels {
  /** The shapeModel result the calibration measured (compressModel continues from it). */
  shaped: ShapedModel;
  /** Kernels encoded on their calibrated grids, by manifest name. */
  encoded: Map<string, EncodedTensor>;
  /** E[x] per kernel row by layer, for empirical bias correction. */
  rowMeans: Map<string, Float64Array>;
  /** false: leave the biases as they are (the calibration measured that correcting them made the model worse). */
  correctBiases?: boolean;
  /** One row per quantized kernel: how it was calibrated and the output error it reached. */
  report: CalibrationReport[];
}

/** How one kernel was calibrated on data, with its layer-output error (mean squared, per calibration row). */
export interface CalibrationReport {
  layer: string;
  tensor: string;
  /** 'output' range, 'adaround', or 'weight-mse' when the layer could not be measured (see `reason`). */
  method: 'output' | 'adaround' | 'weight-mse';
  reason?: string;
  /** Output MSE of nearest rounding on the min/max grid, on the searched grid, and of the final rounding (of the re-fitted weights when pruned). */
  error?: { minmax: number; range: number; final: number };
  /** AdaRound's iterations on this layer (fewer for big layers: calibrate/index.ts adaroundIterations). */
  iterations?: number;
  /** A pruned kernel: the output MSE of pruning alone, and after its kept weights were re-fitted (calibrate/refit.ts). */
  refit?: { before: number; after: number };
  ms: number;
}

/** The error when a plan calibrates on data and none was given (shown to the user as is). */
export const CALIBRATION_NEEDS_DATA = 'This calibration measures the model on calibration inputs: choose data in the Recover card (the bundled training split or images you drop; no labels needed) — on the command line, --calibrate <split | folder> — or choose a data-free calibration (MSE range, bias correction)';

/**
 * Applies `plan` to `parts`: {@link shapeModel}, then weight-level compression. `scores` rank
 * weights / channels when the plan asks for Taylor scores (weight scores are sliced along with
 * their kernels by channel pruning); without them such a plan throws {@link TAYLOR_NEEDS_DATA}.
 * quantize.calibrate 'bias' adds data-free bias correction from BatchNorm statistics; 'output' /
 * 'adaround' need `calibrated` (model/calibrate: calibrateKernels) — kernels encoded on data and
 * the measured means for empirical bias correction — and throw {@link CALIBRATION_NEEDS_DATA}
 * without it. `onStep` hears of the structural step and of each tensor's weight-level compression (0–1).
 */
export function compressModel(parts: ModelParts, plan: CompressionPlan, scores?: PruneScores, calibrated?: CalibratedKernels, onStep?: OnStep): CompressOutput {
  const graph = parts.format === 'graph-model';
  if (!calibrated && structuralAsked(plan).length) onStep?.(0, 'Structural transforms (channels, low rank)');
  const shape = calibrated?.shaped ?? shapeModel(parts, plan, scores);
  const shaped = shape.parts;
  const skipped = [...shape.skipped];
  const equalized = shape.equalization;
  const q = typeof plan.quantize === 'object' && !plan.cluster ? plan.quantize : undefined;
  const onData = q !== undefined && DATA_CALIBRATIONS.includes(q.calibrate ?? '');
  if (onData && !calibrated) throw new Error(CALIBRATION_NEEDS_DATA);
  if (onData && graph) skipped.push(`calibration on data skipped: it ${GRAPH_STRUCTURAL_REASON}; the weight-MSE range is used`);
  const { tensors, report } = compressWeights(shaped, plan, undefined, scores?.weights && shape.carried, calibrated?.encoded, within(onStep, 0.1, 0.95));
  if (q?.calibrate === 'bias' || onData) onStep?.(0.95, 'Bias correction');
  // Bias correction: from calibration data (any layers model), or data-free from BN statistics — unfolded models only:
  // with equalization the BNs were folded, so their statistics are gone from `shaped`.
  const bias = q?.calibrate === 'bias';
  if ((bias || onData) && graph) skipped.push(`bias correction skipped: it ${GRAPH_STRUCTURAL_REASON}`);
  if (bias && equalized) skipped.push('bias correction skipped: without calibration data it needs the BatchNorm statistics that equalization folds away; choose a calibration on data (layer-output MSE) to correct an equalized model');
  const corrected = graph ? undefined
    : onData ? (calibrated?.correctBiases === false ? undefined : correctBiases(shaped, tensors, { rowMeans: calibrated?.rowMeans }))
      : bias && !equalized ? correctBiases(shaped, tensors) : undefined;
  for (const t of tensors) {
    const v = corrected?.corrected.get(t.name);
    if (!v) continue;
    if (t.payload.kind === 'float32') { t.values = v; t.payload = { ...t.payload, values: v }; } else skipped.push(`bias correction of ${t.name} skipped: stored as ${t.payload.kind}, not float32`);
  }
  const fields = formatFields(parts);
  const compressed = { topology: shaped.topology, tensors, ...fields };
  return {
    compressed, parts: { topology: shaped.topology, weights: tensors, ...fields }, tensors: report, structural: shape.structural, skipped,
    ...(equalized ? { equalization: equalized } : {}),
    ...(corrected ? { biasCorrection: corrected.report } : {}),
    ...(calibrated ? { calibration: calibrated.report } : {}),
  };
}

export {
  compressWeights, isKernel, TAYLOR_NEEDS_DATA, splitWeightName, graphKernelTargets, layersKernelTargets, kernelTargetsOf, uniformSettingsOf,
  type EncodedTensor, type KernelTargets, type TensorReport, type WeightRole,
} from './weightLevel';
