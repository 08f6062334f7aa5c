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

/** Applies `plan` to `parts`: structural transforms (layers models only), then weight-level compression. */
export function compressModel(parts: ModelParts, plan: CompressionPlan): CompressOutput {
  const graph = parts.format === 'graph-model';
  // Global settings and per-layer overrides alike (the settings table says which are structural).
  const asked = structuralAsked(plan);
  const skipped = graph ? asked.map((what) => `${what} skipped: it ${GRAPH_STRUCTURAL_REASON}`) : [];
  const structural = !graph && asked.length ? applyStructural(parts, plan) : { parts, report: unchanged(parts) };
  const shaped = { ...structural.parts, ...formatFields(parts) };
  const { tensors, report } = compressWeights(shaped, plan);
  const fields = formatFields(parts);
  const compressed = { topology: shaped.topology, tensors, ...fields };
  return { compressed, parts: { topology: shaped.topology, weights: tensors, ...fields }, tensors: report, structural: structural.report, skipped };
}

export {
  compressWeights, isKernel, splitWeightName, graphKernelTargets, layersKernelTargets, kernelTargetsOf,
  type KernelTargets, type TensorReport, type WeightRole,
} from './weightLevel';
