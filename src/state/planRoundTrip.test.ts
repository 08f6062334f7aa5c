/**
 * Round-trip property of the plan settings table (issue 9, item 6): seeded random plans over
 * every field of the table — per-layer overrides, N:M, low-rank, fine-tuning and the cluster
 * grid included — are accepted by parsePlan, and plan → URL → plan gives the same plan.
 */
import { describe, expect, it } from 'vitest';
import { checkSection, parsePlan, type CompressionPlan, type LayerOverride } from '../model/plan';
import { fieldsOf, LAYER_FIELDS, LOW_RANK_VALUE, PLAN_FIELDS, PLAN_SECTIONS, type FieldType, type SectionKey } from '../model/planFields';
import { readUrlSettings, writeUrlSettings } from './urlState';
import { createRng } from '../core/random';

/** Uniform floats in [0, 1) from the project's seeded generator. */
const rng = (seed: number) => { const g = createRng(seed); return () => g.next(); };
type Rand = ReturnType<typeof rng>;

function valueOf(t: FieldType, r: Rand): unknown {
  if (t.kind === 'flag') return r() < 0.5;
  if (t.kind === 'enum') return t.values[Math.floor(r() * t.values.length)];
  // half the time near the bottom of the range, so small whole numbers (k ≤ 256, n < m) come up often
  const hi = r() < 0.5 ? Math.min(t.max, t.min + 300) : t.max;
  if (t.kind === 'int') return t.min + Math.floor(r() * (hi - t.min + 1));
  const x = t.min + r() * (hi - t.min);
  return r() < 0.2 ? t.min : r() < 0.1 ? t.max : x;
}

/** A random valid section: each optional field present half the time; drawn again until checkSection accepts it. */
function randomSection(key: SectionKey, r: Rand): unknown {
  const whole = PLAN_SECTIONS.find((s) => s.key === key)?.whole;
  if (whole && r() < 0.2) return whole.value;
  for (;;) {
    const out: Record<string, unknown> = {};
    for (const f of fieldsOf(key)) if (f.required || r() < 0.5) out[f.key] = valueOf(f.type, r);
    if (key === 'lowRank') out.value = valueOf(LOW_RANK_VALUE[out.by as string], r);
    try { checkSection(key, out); return out; } catch { /* draw again */ }
  }
}

const NAMES = ['fc1', 'fc3', 'block/conv1', 'StatefulPartitionedCall/lenet_5/conv2d/Conv2D/ReadVariableOp', 'ip1.dense-2'];

function randomPlan(r: Rand): CompressionPlan {
  const plan: Record<string, unknown> = { version: 1 };
  for (const { key } of PLAN_SECTIONS) if (r() < 0.5) plan[key] = randomSection(key, r);
  // fine-tuning and distillation are two ways to recover: a plan has at most one
  if (plan.finetune && plan.distill) delete plan[r() < 0.5 ? 'finetune' : 'distill'];
  if (r() < 0.6) {
    const layers: Record<string, LayerOverride> = {};
    for (const name of NAMES) {
      if (r() < 0.5) continue;
      const o: Record<string, unknown> = {};
      for (const { spec, field, section } of LAYER_FIELDS) {
        if (r() < 0.5) continue;
        o[spec.key] = section ? randomSection(section, r) : valueOf(field!.type, r);
      }
      layers[name] = o as LayerOverride;
    }
    // an empty `layers` object says nothing, and no link writes it
    if (Object.keys(layers).length) plan.layers = layers;
  }
  return plan as unknown as CompressionPlan;
}

describe('plan → URL → plan', () => {
  it('gives back every seeded random plan, each accepted by parsePlan, covering every field of the table', () => {
    const r = rng(20261202);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const plan = randomPlan(r);
      expect(() => parsePlan(plan)).not.toThrow();
      const hash = writeUrlSettings({ model: 'lenet-5', backend: 'wasm', plan });
      const back = readUrlSettings(hash);
      expect(back.plan ?? { version: 1 }, hash).toStrictEqual(plan);
      expect(back.model).toBe('lenet-5');
      for (const { key } of PLAN_SECTIONS) {
        const s = plan[key];
        if (typeof s === 'object') for (const k of Object.keys(s)) seen.add(`${key}.${k}`);
        else if (s !== undefined) seen.add(`${key}=${s}`);
      }
      for (const o of Object.values(plan.layers ?? {})) for (const k of Object.keys(o)) seen.add(`layers.*.${k}`);
    }
    const expected = [
      ...PLAN_FIELDS.filter((f) => f.section !== 'layers').map((f) => `${f.section}.${f.key}`),
      ...LAYER_FIELDS.map((l) => `layers.*.${l.spec.key}`),
      'quantize=float16',
    ];
    expect([...seen].sort()).toEqual([...new Set(expected)].sort());
  });

  it('per-layer clusters, channels and rank go into the link (they were dropped)', () => {
    const plan: CompressionPlan = { version: 1, layers: { fc1: { clusters: 16, channels: 0.5, rank: { by: 'fraction', value: 0.25 } }, fc2: { exclude: false, rank: { by: 'rank', value: 8 } } } };
    const hash = writeUrlSettings({ plan });
    expect(decodeURIComponent(hash)).toBe('#lo=fc1~c0.5~k16~rfraction:0.25,fc2~x0~rrank:8');
    expect(readUrlSettings(hash).plan).toStrictEqual(plan);
  });

  it('reads links written before: n:m without a prune ratio, and per-layer flags in the old order', () => {
    expect(readUrlSettings('#nm=2:4').plan).toStrictEqual({ version: 1, prune: { pattern: 'n:m', n: 2, m: 4, ratio: 0.5 } });
    expect(readUrlSettings('#q=8&lo=fc3~x,fc1~p0.9~b4').plan).toStrictEqual({ version: 1, quantize: { bits: 8 }, layers: { fc3: { exclude: true }, fc1: { prune: 0.9, bits: 4 } } });
  });

  it('ignores an invalid value of one key and keeps the rest of its section', () => {
    expect(readUrlSettings('#q=1&qs=symmetric&qg=channel').plan).toStrictEqual({ version: 1, quantize: { bits: 1, granularity: 'channel' } });
    expect(readUrlSettings('#k=512&kg=uint8').plan).toStrictEqual({ version: 1, cluster: { k: 512 } });
    expect(readUrlSettings('#scope=layer').plan).toBeUndefined(); // a scope without a ratio is no pruning
    expect(readUrlSettings('#lo=fc1~rrank:0.5~k1~c0.95,fc2~p0.5~b0').plan).toStrictEqual({ version: 1, layers: { fc2: { prune: 0.5 } } });
  });
});
