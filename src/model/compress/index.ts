/**
 * Whole-model compression: a plan applied to a model given as data. Structural transforms first
 * (they change the architecture), then weight-level compression of every kernel. The result is
 * what will be written: `compressed.tensors[i].values` are the exact weights of the exports.
 */
import type { CompressionPlan } from '../plan';
import { applyStructural, countParams, flops, type StructuralReport } from '../transform';
import type { CompressedModel, ModelParts } from '../weights';
import { compressWeights, type TensorReport } from './weightLevel';

export interface CompressOutput {
  compressed: CompressedModel;
  /** The compressed model as plain parts (for modelFromParts / evaluation). */
  parts: ModelParts;
  tensors: TensorReport[];
  /** What channel pruning and low-rank did, layer by layer, with params and FLOPs before/after. */
  structural: StructuralReport;
}

/** FLOPs per sample, or NaN for a layer class the shape inference does not know. */
function safeFlops(parts: ModelParts): number {
  try { return flops(parts); } catch { return NaN; }
}

export function compressModel(parts: ModelParts, plan: CompressionPlan): CompressOutput {
  const structural = plan.channels || plan.lowRank
    ? applyStructural(parts, plan)
    : { parts, report: { channels: [], lowRank: [], before: { params: countParams(parts), flops: safeFlops(parts) }, after: { params: countParams(parts), flops: safeFlops(parts) } } };
  const shaped = structural.parts;
  const { tensors, report } = compressWeights(shaped, plan);
  const compressed = { topology: shaped.topology, tensors };
  return { compressed, parts: { topology: shaped.topology, weights: tensors }, tensors: report, structural: structural.report };
}

export { compressWeights, isKernel, splitWeightName, type TensorReport } from './weightLevel';
