/**
 * The structural part of a compression plan in one call: channel pruning (plan.channels and
 * per-layer `channels`), then low-rank factorisation (plan.lowRank and per-layer `rank`), each a
 * pure ModelParts → ModelParts transform, with the size and compute of the model before and after
 * (params = Σ weight elements; FLOPs per sample = 2·MACs of Dense / Conv / Depthwise layers, see
 * cost.ts). The weight-level steps of the plan (pruning, quantization, …) run afterwards, elsewhere.
 */
import type { CompressionPlan } from '../plan';
import type { ModelParts } from '../weights';
import { pruneChannelsStructured, type ChannelOptions, type ChannelReport } from './channels';
import { countParams, flops } from './cost';
import { factorizeLowRank, type FactorizeOptions, type LowRankReport } from './lowRank';

/** Params and FLOPs per sample of a model (flops NaN when a layer's output shape cannot be inferred). */
export interface ModelCost {
  params: number;
  flops: number;
}

export interface StructuralReport {
  /** One row per Dense / Conv2D layer; empty when the plan has no channel pruning. */
  channels: ChannelReport[];
  /** One row per layer with a kernel; empty when the plan has no low-rank setting. */
  lowRank: LowRankReport[];
  before: ModelCost;
  after: ModelCost;
}

function cost(parts: ModelParts): ModelCost {
  let f = NaN;
  try { f = flops(parts); } catch { /* a layer class shapes.ts does not know: FLOPs unknown, not an error */ }
  return { params: countParams(parts), flops: f };
}
const hasChannels = (plan: CompressionPlan) => (plan.channels?.ratio ?? 0) > 0 || Object.values(plan.layers ?? {}).some((o) => (o.channels ?? 0) > 0);
const hasLowRank = (plan: CompressionPlan) => plan.lowRank !== undefined || Object.values(plan.layers ?? {}).some((o) => o.rank !== undefined);

/**
 * Applies the plan's structural transforms: channel pruning, then low-rank. A plan without either
 * returns the input parts unchanged (same object). `opts` go to both steps (compensate, Taylor
 * channel scores, carried arrays; keepOutputLayer, conv, requireSaving); `carried` holds opts.carry
 * sliced by channel pruning, less the entries of factorised layers. Throws for a topology it
 * cannot read, and for Taylor channel scoring without scores.
 */
export function applyStructural(parts: ModelParts, plan: CompressionPlan, opts: ChannelOptions & FactorizeOptions = {}): { parts: ModelParts; report: StructuralReport; carried: Map<string, Float32Array> } {
  const before = cost(parts);
  let out = parts;
  let channels: ChannelReport[] = [];
  let lowRank: LowRankReport[] = [];
  let carried = new Map(opts.carry ?? []);
  if (hasChannels(plan)) ({ parts: out, report: channels, carried } = pruneChannelsStructured(out, plan, opts));
  if (hasLowRank(plan)) ({ parts: out, report: lowRank } = factorizeLowRank(out, plan, opts));
  // A factorised layer's kernel is a new matrix: arrays carried for the old one no longer apply.
  for (const r of lowRank) if (r.factorLayer) for (const name of carried.keys()) if (name.startsWith(`${r.layer}/`) || name.includes(`/${r.layer}/`)) carried.delete(name);
  return { parts: out, report: { channels, lowRank, before, after: out === parts ? before : cost(out) }, carried };
}
