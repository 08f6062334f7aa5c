/**
 * Whole-model compression: a plan applied to a model given as data. Structural transforms first
 * (they change the architecture), then weight-level compression of every kernel. The result is
 * what will be written: `compressed.tensors[i].values` are the exact weights of the exports.
 */
import type { CompressionPlan } from '../plan';
import type { CompressedModel, ModelParts } from '../weights';
import { compressWeights, type TensorReport } from './weightLevel';

export interface CompressOutput {
  compressed: CompressedModel;
  /** The compressed model as plain parts (for modelFromParts / evaluation). */
  parts: ModelParts;
  tensors: TensorReport[];
}

export function compressModel(parts: ModelParts, plan: CompressionPlan): CompressOutput {
  const { tensors, report } = compressWeights(parts, plan);
  const compressed = { topology: parts.topology, tensors };
  return { compressed, parts: { topology: parts.topology, weights: tensors }, tensors: report };
}

export { compressWeights, isKernel, splitWeightName, type TensorReport } from './weightLevel';
