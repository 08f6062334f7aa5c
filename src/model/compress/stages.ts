/**
 * The stage view of one compression (Deep Compression's figure 1 for any plan): the model after
 * each step — original → structural → pruned → quantized / clustered → coded — and the bytes of a
 * real compact file of each. Stages before 'coded' are written with a plain record per tensor
 * (fixed-width values, and the smaller of a dense and a CSR index: float32 non-zeros + CSR for a
 * pruned model, b-bit codes or cluster indices for a quantized one); 'coded' is the final model
 * with the smallest records (relative index with the best gap width, Huffman), i.e. exactly the
 * exported file. The last value-changing stage is the final compression itself (recovery and
 * calibration included, when given); earlier stages are the plan cut short (stagePlans.ts).
 */
import { compactBytes } from '../export/compact';
import { EMPTY_PLAN } from '../plan';
import type { CompressionPlan } from '../planTypes';
import type { CompressedModel, ModelParts } from '../weights';
import { compressModel } from '.';
import { quantizedName, stagePlans, stageRecord, type StageId } from './stagePlans';
import { describeCoding, describeStage } from './stageText';

export { plainRecord, STAGE_IDS, stagePlans, stageRecord, type StageId, type StagePlan } from './stagePlans';

/** One stage: its model and the exact bytes of its compact file. */
export interface StageBuild {
  id: StageId;
  /** 'original', 'structural', 'pruned', 'quantized' | 'clustered' | 'float16', 'coded' */
  name: string;
  /** length in bytes of this stage's compact file (encodeCompact(compressed, { record: stageRecord(id) })) */
  bytes: number;
  /** what the step did, e.g. "70.0 % of weights zero; float32 non-zeros, CSR index on 3 of 6 tensors" */
  what: string;
  /** where the stage differs from the plan beyond being cut short (e.g. magnitude instead of Taylor ranking) */
  notes: string[];
  /** 'original': the loaded model; 'final': the final compression (exported); 'own': `parts` below */
  model: 'original' | 'final' | 'own';
  /** the stage's weights as a model (for evaluation); for 'coded' the final model's */
  parts: ModelParts;
  compressed: CompressedModel;
}

/** A final compression: its weights as written and as a model (CompressOutput or CompressionSession). */
export interface FinalCompression {
  compressed: CompressedModel;
  parts: ModelParts;
}

/**
 * The stages of compressing `parts` by `plan` (see the file comment). `final` is the plan's
 * compression as exported (the studio's held session, recovery and calibration included); without
 * it the plan is compressed here, post-training (a plan calibrating on data then throws). Stages the
 * plan does not have are left out; 'original' and 'coded' are always there. The last stage's bytes
 * are compactBytes(final.compressed).total — the exported file's length.
 */
export function buildStages(parts: ModelParts, plan: CompressionPlan, final?: FinalCompression): StageBuild[] {
  const graph = parts.format === 'graph-model';
  const original = compressModel(parts, EMPTY_PLAN);
  const last = final ?? compressModel(parts, plan);
  const sized = (compressed: CompressedModel, id: StageId) => compactBytes(compressed, { record: stageRecord(id) }).total;
  const stages: StageBuild[] = [{
    id: 'original', name: 'original', bytes: sized(original.compressed, 'original'), notes: [], model: 'original',
    what: describeStage('original', original.compressed), parts, compressed: original.compressed,
  }];
  const steps = stagePlans(plan, graph);
  steps.forEach((step, i) => {
    const isLast = i === steps.length - 1;
    const out = isLast ? last : compressModel(parts, step.plan);
    stages.push({
      id: step.id, name: step.id === 'quantized' ? quantizedName(plan) : step.id, bytes: sized(out.compressed, step.id),
      what: describeStage(step.id, out.compressed, original.compressed, plan), notes: isLast ? [] : step.notes,
      model: isLast ? 'final' : 'own', parts: out.parts, compressed: out.compressed,
    });
  });
  stages.push({
    id: 'coded', name: 'coded', bytes: sized(last.compressed, 'coded'), what: describeCoding(last.compressed),
    notes: [], model: 'final', parts: last.parts, compressed: last.compressed,
  });
  return stages;
}
