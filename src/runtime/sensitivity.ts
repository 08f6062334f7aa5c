/**
 * Per-layer sensitivity (as AIMET and Sparsify offer): the accuracy when each compressible layer
 * alone is pruned or quantized at several levels, every other layer left as it is. Each cell is a
 * real compression of that one layer (through the same plan code) evaluated on the validation split
 * (on an unlabelled split: top-1 agreement with the original model instead of accuracy). 'joint'
 * measures (prune ratio, bits) pairs per layer (jointGrid.ts), so Auto can choose both at once.
 */
import type { Dataset } from '../model/dataset';
import { compressModel, kernelTargetsOf } from '../model/compress';
import { encodedTensorBytes } from '../core';
import { compactBytes } from '../model/export';
import { EMPTY_PLAN } from '../model/plan';
import type { CompressionPlan } from '../model/plan';
import { tfModelFromParts, type ModelParts } from '../model/weights';
import { evaluateModel } from './evaluate';
import { JOINT_GRID, jointCells, jointPlan, jointText, skipReason } from './jointGrid';
import type { EvalResult, SensitivityRequest, SensitivityResult } from './protocol';

/** The plan that compresses only `layer` at `level` (a prune ratio, or bits per weight); see jointPlan for 'joint'. */
export function singleLayerPlan(technique: 'prune' | 'quantize', layer: string, level: number): CompressionPlan {
  return technique === 'prune'
    ? { version: 1, layers: { [layer]: { prune: level } } }
    : { version: 1, layers: { [layer]: { bits: level } } };
}

/** Compressible layers of `parts`, in weight order. */
export function compressibleLayers(parts: ModelParts): string[] {
  const targets = kernelTargetsOf(parts);
  const out: string[] = [];
  for (const w of parts.weights) {
    const role = targets(w);
    if (role.axis !== undefined && !out.includes(role.layer)) out.push(role.layer);
  }
  return out;
}

/** Whether the model has BatchNormalization statistics (calibrate 'bias' needs them to correct anything). */
export function hasBatchNorm(parts: ModelParts): boolean {
  return parts.weights.some((w) => /moving_mean/.test(w.name));
}

/**
 * Measures every compressible layer alone at every level (see the file comment), the baseline
 * first on the same `request.limit` samples. 'joint' walks each layer's grid mildest cell first
 * and skips dominated and hopeless cells (JointGrid), reporting them as done so progress still
 * ends at total. Undefined when cancelled.
 */
export async function measureSensitivity(parts: ModelParts, ds: Dataset, request: SensitivityRequest,
  hooks: { isCancelled: () => boolean; onProgress: (done: number, total: number, message: string) => void }): Promise<SensitivityResult | undefined> {
  const layers = compressibleLayers(parts);
  const grid = request.technique === 'joint' ? { ...JOINT_GRID, ...request.joint } : undefined;
  const cells = grid ? jointCells(grid) : undefined;
  const levels = cells ? cells.map((_, j) => j) : request.levels;
  const planAt = (layer: string, j: number) => (cells && grid ? jointPlan({ [layer]: cells[j] }, layers, grid) : singleLayerPlan(request.technique === 'prune' ? 'prune' : 'quantize', layer, levels[j]));
  const textAt = (j: number) => (cells ? jointText(cells[j]) : request.technique === 'prune' ? `${Math.round(levels[j] * 100)} %` : `${levels[j]} bits`);
  const total = layers.length * levels.length + 1;
  const accuracy: number[][] = [];
  const evalOptions = { limit: request.limit, latencyRuns: 1, warmupRuns: 0, throughputBatch: 1 };
  // The baseline on exactly the same samples, so every drop compares like with like.
  // Without labels each cell is scored by top-1 agreement with the original model's outputs.
  const original = await tfModelFromParts(parts);
  let baseline: number;
  let reference: Float32Array | undefined;
  try {
    const r = await evaluateModel(original, ds, evalOptions, { job: 0, isCancelled: hooks.isCancelled, onOutputs: (o) => { reference = o; } });
    if (r.type !== 'done') return undefined;
    baseline = ds.labels ? r.accuracy : 1;
  } finally {
    original.dispose();
  }
  // Compact-file bytes of each layer's tensors (exact record sizes), uncompressed and per cell.
  // Only the layer's own records are sized (compactBytes would plan every tensor's record per cell).
  const layerBytes = (out: ReturnType<typeof compressModel>, layer: string) =>
    out.tensors.reduce((sum, t, k) => (t.layer === layer ? sum + encodedTensorBytes(out.compressed.tensors[k].payload) : sum), 0);
  const plain = compressModel(parts, EMPTY_PLAN);
  const totalBytes = compactBytes(plain.compressed).total;
  const baseBytes = layers.map((layer) => layerBytes(plain, layer));
  const bytes: number[][] = [];
  const score = (r: EvalResult) => (ds.labels ? r.accuracy : (r.fidelity?.agreement ?? NaN));
  let done = 1;
  let skipped = 0;
  hooks.onProgress(done, total, 'baseline');
  for (const layer of layers) {
    const row: number[] = new Array<number>(levels.length).fill(NaN);
    const sizes: number[] = new Array<number>(levels.length).fill(NaN);
    const drops = () => row.map((a) => baseline - a);
    for (let j = 0; j < levels.length; j++) {
      if (hooks.isCancelled()) return undefined;
      const maxDrop = grid?.maxDrop ?? Infinity;
      // Hopeless cells are not even compressed; dominated ones are sized, not evaluated.
      if (cells && skipReason(cells, j, sizes, drops(), maxDrop)) {
        skipped++;
        hooks.onProgress(++done, total, `${layer} at ${textAt(j)}: skipped`);
        continue;
      }
      const out = compressModel(parts, planAt(layer, j));
      sizes[j] = layerBytes(out, layer);
      if (cells && skipReason(cells, j, sizes, drops(), maxDrop, sizes[j])) {
        skipped++;
        sizes[j] = NaN;
        hooks.onProgress(++done, total, `${layer} at ${textAt(j)}: skipped`);
        continue;
      }
      const model = await tfModelFromParts(out.parts);
      try {
        const r = await evaluateModel(model, ds, evalOptions, { job: 0, isCancelled: hooks.isCancelled, reference: ds.labels ? undefined : reference });
        if (r.type !== 'done') return undefined;
        row[j] = score(r);
      } finally {
        model.dispose();
      }
      hooks.onProgress(++done, total, `${layer} at ${textAt(j)}`);
    }
    accuracy.push(row);
    bytes.push(sizes);
  }
  const count = Math.min(request.limit ?? ds.entry.count, ds.entry.count);
  const result: SensitivityResult = { technique: request.technique, metric: ds.labels ? 'accuracy' : 'agreement', levels, layers, accuracy, baseline, bytes, baseBytes, totalBytes, count };
  if (cells && grid) result.joint = { cells, grid, calibrations: hasBatchNorm(parts) ? ['minmax', 'mse', 'bias'] : ['minmax', 'mse'], skipped };
  return result;
}
