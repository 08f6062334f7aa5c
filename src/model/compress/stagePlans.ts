/**
 * The cumulative sub-plans of the stage view (stages.ts): a plan cut after each of its steps in
 * the order compressModel applies them — structure (channels, low-rank), then unstructured
 * pruning, then quantization / clustering. Each sub-plan is post-training and data-free: recovery,
 * calibration and equalization belong to the final compression, and Taylor ranking (it needs
 * training data) falls back to magnitude / L1 with a note.
 */
import { encodedTensorBytes, type RecordOptions } from '../../core';
import type { CompressionPlan, LayerOverride } from '../planTypes';
import type { CompressedTensor } from '../weights';
import { structuralAsked } from '../planFields';

/** The stages a plan can have, in order. 'coded' is the final model with the exported file's coding. */
export const STAGE_IDS = ['original', 'structural', 'pruned', 'quantized', 'coded'] as const;
/** One stage of the stage view. */
export type StageId = (typeof STAGE_IDS)[number];

/** A value-changing stage's sub-plan, and why it differs from the plan beyond being cut short. */
export interface StagePlan {
  id: 'structural' | 'pruned' | 'quantized';
  plan: CompressionPlan;
  /** e.g. "magnitude ranking (Taylor scores come with training data)" */
  notes: string[];
}

const STRUCTURAL_KEYS = ['exclude', 'channels', 'rank'] as const;
const PRUNE_KEYS = [...STRUCTURAL_KEYS, 'prune'] as const;

/** Layer overrides restricted to `keys`; layers left with nothing are dropped (undefined when none remain). */
function overrides(plan: CompressionPlan, keys: readonly (keyof LayerOverride)[]): Record<string, LayerOverride> | undefined {
  const out: Record<string, LayerOverride> = {};
  for (const [name, o] of Object.entries(plan.layers ?? {})) {
    const kept = Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as LayerOverride;
    // An exclusion alone changes nothing at a stage that does nothing else to the layer.
    if (Object.keys(kept).some((k) => k !== 'exclude')) out[name] = kept;
  }
  return Object.keys(out).length ? out : undefined;
}

const someLayer = (plan: CompressionPlan, key: keyof LayerOverride) => Object.values(plan.layers ?? {}).some((o) => o[key] !== undefined);

/** Whether `plan` prunes weights (globally or in a layer override). */
export const prunes = (plan: CompressionPlan): boolean => (plan.prune !== undefined && (plan.prune.ratio > 0 || plan.prune.pattern === 'n:m')) || someLayer(plan, 'prune');

/** Whether `plan` quantizes or clusters weights (globally or in a layer override). */
export const quantizes = (plan: CompressionPlan): boolean => plan.quantize !== undefined || plan.cluster !== undefined || someLayer(plan, 'bits') || someLayer(plan, 'clusters');

/**
 * The value-changing stages `plan` has, each with its cumulative, post-training sub-plan (the
 * last one is the plan's own post-training part). `graph`: a graph model, where structural
 * transforms do not apply (the compression skips them, so the stage view omits them too).
 */
export function stagePlans(plan: CompressionPlan, graph = false): StagePlan[] {
  const out: StagePlan[] = [];
  const notes: string[] = [];
  let base: CompressionPlan = { version: 1 };
  if (!graph && structuralAsked(plan).length) {
    const channels = plan.channels && plan.channels.norm === 'taylor' ? { ...plan.channels, norm: 'l1' as const } : plan.channels;
    if (channels !== plan.channels) notes.push('channels ranked by L1 norm (Taylor scores come with training data)');
    base = { version: 1, ...(channels ? { channels } : {}), ...(plan.lowRank ? { lowRank: plan.lowRank } : {}) };
    const layers = overrides(plan, STRUCTURAL_KEYS);
    if (layers) base.layers = layers;
    out.push({ id: 'structural', plan: base, notes: [...notes] });
  }
  if (prunes(plan)) {
    const prune = plan.prune && plan.prune.score === 'taylor' ? { ...plan.prune, score: 'magnitude' as const } : plan.prune;
    if (prune !== plan.prune) notes.push('weights ranked by magnitude (Taylor scores come with training data)');
    base = { ...base, ...(prune ? { prune } : {}) };
    const layers = overrides(plan, graph ? ['exclude', 'prune'] : PRUNE_KEYS);
    if (layers) base.layers = layers;
    else delete base.layers;
    out.push({ id: 'pruned', plan: base, notes: [...notes] });
  }
  if (quantizes(plan)) {
    const { finetune: _f, distill: _d, ...post } = plan;
    out.push({ id: 'quantized', plan: post, notes: [...notes] });
  }
  return out;
}

/** The quantized stage's name: 'clustered' for weight sharing, 'float16', else 'quantized'. */
export function quantizedName(plan: CompressionPlan): string {
  if (plan.cluster || someLayer(plan, 'clusters')) return 'clustered';
  if (plan.quantize === 'float16') return 'float16';
  return 'quantized';
}

const PLAIN: RecordOptions[] = [{ index: 'dense', entropy: 'fixed' }, { index: 'csr', entropy: 'fixed' }];

/**
 * A tensor's plain record: fixed-width symbols and whichever of a dense or a CSR index is smaller
 * (ties: dense). What the stages before 'coded' are stored with.
 */
export function plainRecord(t: CompressedTensor): RecordOptions {
  const [dense, csr] = PLAIN.map((o) => encodedTensorBytes(t.payload, o));
  return csr < dense ? PLAIN[1] : PLAIN[0];
}

/** The record options of a stage's compact file: plain before 'coded', the smallest (default) for 'coded'. */
export const stageRecord = (id: StageId): ((t: CompressedTensor) => RecordOptions) | undefined => (id === 'coded' ? undefined : plainRecord);

