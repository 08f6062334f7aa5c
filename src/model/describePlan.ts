/**
 * A plan in a few words, for the chart's tooltip, the points table and the sweep: each section of
 * the settings table (src/model/planFields.ts) in table order, then the layer overrides, e.g.
 * "prune 90 % per layer · 32 clusters · 2 layer overrides · fine-tuned 4 epochs".
 */
import type { CompressionPlan } from './plan';
import { field, PLAN_SECTIONS, type SectionKey } from './planFields';

const percent = (x: number) => `${Math.round(x * 100)} %`;
const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

/** How each section reads; exhaustive over SectionKey, so a new section of the table must say how it reads. */
const DESCRIBE: { [K in SectionKey]: (value: NonNullable<CompressionPlan[K]>, plan: CompressionPlan) => string | undefined } = {
  prune: (p) => (p.pattern === 'n:m'
    ? `${p.n ?? field('prune.n').default}:${p.m ?? field('prune.m').default} sparse`
    : `prune ${percent(p.ratio)}${p.scope === 'layer' ? ' per layer' : ''}`),
  channels: (c) => `channels −${percent(c.ratio)}`,
  lowRank: (r) => `low-rank ${r.by} ${r.value}`,
  cluster: (c) => `${c.k} clusters${c.grid ? ' on a uint8 grid' : ''}`,
  // weight sharing's codebook replaces quantization, so a clustered plan does not name it
  quantize: (q, plan) => (plan.cluster ? undefined : q === 'float16' ? 'float16'
    : `${q.equalize ? 'equalized, ' : ''}${q.bits}-bit${q.granularity === 'channel' ? ' per channel' : ''}${q.calibrate === 'mse' ? ' (MSE range)' : ''}${q.calibrate === 'bias' ? ' (bias-corrected)' : ''}${q.calibrate === 'output' ? ' (output-MSE range, bias-corrected)' : ''}${q.calibrate === 'adaround' ? ' (AdaRound)' : ''}`),
  finetune: (f) => `fine-tuned ${plural(f.epochs, 'epoch')}`,
  distill: (d) => `distilled ${plural(d.epochs, 'epoch')}${d.mode === 'hard' ? ' (hard)' : ''}`,
};

/** A short human description of a plan, e.g. "prune 90 % · 32 clusters"; "no compression" for an empty plan. */
export function describePlan(plan: CompressionPlan): string {
  const parts: string[] = [];
  const describe = <K extends SectionKey>(key: K) => {
    const value = plan[key];
    const text = value === undefined ? undefined : DESCRIBE[key](value as NonNullable<CompressionPlan[K]>, plan);
    if (text) parts.push(text);
  };
  for (const { key } of PLAN_SECTIONS) if (key !== 'finetune' && key !== 'distill') describe(key);
  const overrides = Object.keys(plan.layers ?? {}).length;
  if (overrides) parts.push(plural(overrides, 'layer override'));
  describe('finetune');
  describe('distill');
  return parts.join(' · ') || 'no compression';
}
