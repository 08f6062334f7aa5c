import type { CompressionPlan } from './plan';

/** A short human description of a plan, e.g. "prune 90 % · 32 clusters". */
export function describePlan(plan: CompressionPlan): string {
  const parts: string[] = [];
  if (plan.prune) parts.push(plan.prune.pattern === 'n:m' ? `${plan.prune.n ?? 2}:${plan.prune.m ?? 4} sparse` : `prune ${Math.round(plan.prune.ratio * 100)} %${plan.prune.scope === 'layer' ? ' per layer' : ''}`);
  if (plan.channels) parts.push(`channels −${Math.round(plan.channels.ratio * 100)} %`);
  if (plan.lowRank) parts.push(`low-rank ${plan.lowRank.by} ${plan.lowRank.value}`);
  if (plan.cluster) parts.push(`${plan.cluster.k} clusters${plan.cluster.grid ? ' on a uint8 grid' : ''}`);
  else if (plan.quantize === 'float16') parts.push('float16');
  else if (plan.quantize) parts.push(`${plan.quantize.bits}-bit${plan.quantize.granularity === 'channel' ? ' per channel' : ''}`);
  const overrides = Object.keys(plan.layers ?? {}).length;
  if (overrides) parts.push(`${overrides} layer override${overrides > 1 ? 's' : ''}`);
  if (plan.finetune) parts.push(`fine-tuned ${plan.finetune.epochs} epoch${plan.finetune.epochs > 1 ? 's' : ''}`);
  return parts.join(' · ') || 'no compression';
}
