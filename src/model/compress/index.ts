/**
 * Whole-model compression: a plan applied to a model given as data. Structural transforms first
 * (they change the architecture), then weight-level compression of every kernel. The result is
 * what will be written: `compressed.tensors[i].values` are the exact weights of the exports.
 * Structural transforms need a layers model's layer graph: on a graph model they are skipped,
 * and `skipped` says so (the summary carries it to the UI and the report).
 */
import type { CompressionPlan } from '../plan';
import { structuralAsked } from '../planFields';
import { applyStructural, countParams, flops, type StructuralReport } from '../transform';
import { equalizeCrossLayer, type EqualizeReport } from '../transform/equalize';
import { correctBiases, type BiasCorrectionReport } from '../transform/biasCorrection';
import { formatFields, type CompressedModel, type ModelParts } from '../weights';
import { compressWeights, type TensorReport } from './weightLevel';

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
  /** quantize.calibrate 'bias': one row per Dense / Conv layer, the tensor corrected or why none (absent when not asked). */
  biasCorrection?: BiasCorrectionReport[];
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

/**
 * Applies `plan` to `parts`: structural transforms (layers models only), then cross-layer
 * equalization when plan.quantize.equalize is 'cle' (layers models only; BNs it folds leave the
 * topology), then weight-level compression. `scores` rank weights / channels when the plan asks for Taylor scores (weight scores
 * are sliced along with their kernels by channel pruning); without them such a plan throws
 * {@link TAYLOR_NEEDS_DATA}.
 */
export function compressModel(parts: ModelParts, plan: CompressionPlan, scores?: PruneScores): CompressOutput {
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
  // calibrate 'bias' = the MSE range search of weightLevel, then data-free bias correction (transform/biasCorrection.ts) below.
  const bias = typeof plan.quantize === 'object' && plan.quantize.calibrate === 'bias' && !plan.cluster;
  const weightPlan = bias && typeof plan.quantize === 'object' ? { ...plan, quantize: { ...plan.quantize, calibrate: 'mse' as const } } : plan;
  const { tensors, report } = compressWeights(shaped, weightPlan, undefined, scores?.weights && structural.carried);
  // Unfolded case only: with equalization the BNs were folded, so their statistics are gone from `shaped`.
  if (bias && (graph || equalized)) skipped.push(`bias correction skipped: ${graph ? `it ${GRAPH_STRUCTURAL_REASON}` : 'not yet supported with cross-layer equalization (the BatchNorm statistics it needs are folded away)'}`);
  const corrected = bias && !graph && !equalized ? correctBiases(shaped, tensors) : undefined;
  for (const t of tensors) {
    const v = corrected?.corrected.get(t.name);
    if (!v) continue;
    if (t.payload.kind === 'float32') { t.values = v; t.payload = { ...t.payload, values: v }; } else skipped.push(`bias correction of ${t.name} skipped: stored as ${t.payload.kind}, not float32`);
  }
  const fields = formatFields(parts);
  const compressed = { topology: shaped.topology, tensors, ...fields };
  return {
    compressed, parts: { topology: shaped.topology, weights: tensors, ...fields }, tensors: report, structural: structural.report, skipped,
    ...(equalized ? { equalization: equalized.report } : {}),
    ...(corrected ? { biasCorrection: corrected.report } : {}),
  };
}

export {
  compressWeights, isKernel, TAYLOR_NEEDS_DATA, splitWeightName, graphKernelTargets, layersKernelTargets, kernelTargetsOf,
  type KernelTargets, type TensorReport, type WeightRole,
} from './weightLevel';
