/**
 * A compression plan: JSON-serialisable global settings plus per-layer overrides, applied to a
 * loaded model by compressModel (src/model/compress). The same plan drives the studio's sliders, the
 * CLI (--plan plan.json) and the benchmark, so a figure can always be reproduced from its plan.
 *
 * Order of application: structural transforms first (channel pruning, then low-rank), which change
 * the architecture; then, per weight tensor, pruning → clustering or quantization or float16.
 * Which tensors are compressed: the kernels of Dense, Conv2D, DepthwiseConv2D and SeparableConv2D
 * (depthwise and pointwise); in a TF.js graph model, the Const weights consumed as the filter /
 * weight input of MatMul, BatchMatMul, Conv2D, DepthwiseConv2dNative and their fused forms (layer
 * overrides then name the weight itself). Structural transforms apply to layers models only: on a
 * graph model they are skipped and the compression summary says why. Biases and BatchNormalization parameters stay float32 (they are
 * < 1 % of the bytes of the bundled models and quantizing them costs accuracy for nothing);
 * BatchNormalization is not folded.
 */

import { field, fieldsOf, fits, LAYER_FIELDS, LOW_RANK_VALUE, PLAN_SECTIONS, rangeMessage, section, type PlanField, type SectionKey } from './planFields';

export type {
  ChannelSettings, ClusterSettings, CompressionPlan, DistillSettings, FineTuneSettings, LayerOverride, LowRankSettings, PrunePattern, PruneSettings, QuantSettings,
} from './planTypes';
import type { CompressionPlan } from './planTypes';

export const EMPTY_PLAN: CompressionPlan = { version: 1 };

const fail = (what: string): never => { throw new Error(`compression plan: ${what}`); };
const shown = (x: unknown) => (x === undefined ? 'it is missing' : `got ${JSON.stringify(x)}`);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks an object's fields against the settings table; `partial`: a missing required field is not an error. */
function checkFields(obj: Record<string, unknown>, fields: PlanField[], where: string, partial: boolean) {
  for (const f of fields) {
    const x = obj[f.key];
    if (x === undefined && (partial || !f.required)) continue;
    if (!fits(f.type, x)) fail(`${where}.${f.key} ${rangeMessage(f)}, ${shown(x)}`);
  }
}

/** The rules between fields of one section, beyond each field's own range. */
function checkRules(key: SectionKey, s: Record<string, unknown>, where: string) {
  if (key === 'prune' && (s.n !== undefined || s.m !== undefined) && s.pattern !== 'n:m') fail(`${where}.n and ${where}.m apply to pattern "n:m" only: set ${where}.pattern to "n:m" or leave them out`);
  if (key === 'prune' && s.pattern === 'n:m') {
    const n = s.n ?? field('prune.n').default;
    const m = s.m ?? field('prune.m').default;
    if (!fits({ kind: 'int', min: 2, max: 64 }, m) || !fits({ kind: 'int', min: 1, max: (m as number) - 1 }, n)) fail(`${where} n:m needs whole 1 ≤ n < m ≤ 64, got ${n}:${m}`);
  }
  if (key === 'lowRank' && typeof s.by === 'string' && s.value !== undefined) {
    const range = LOW_RANK_VALUE[s.by];
    if (!fits(range, s.value)) fail(`${where}.value must be ${range.text} when ${where}.by is ${s.by}, ${shown(s.value)}`);
  }
  if (key === 'quantize' && s.scheme === 'symmetric' && typeof s.bits === 'number' && s.bits < 2) fail('symmetric quantization needs at least 2 bits');
  if (key === 'cluster' && s.grid === 'uint8' && typeof s.k === 'number' && s.k > 256) fail(`${where}.grid "uint8" needs at most 256 clusters (${where}.k ≤ 256)`);
}

/**
 * Checks one section of a plan (`where` names it in messages, e.g. "prune" or "layers.fc1.rank")
 * against the settings table and the rules between its fields; throws an Error naming the field
 * and its range. `partial`: a missing required field is not an error (the URL codec checks a
 * section as it reads it key by key).
 */
export function checkSection(key: SectionKey, value: unknown, where: string = key, partial = false): void {
  const whole = section(key).whole;
  if (whole && value === whole.value) return;
  if (!isObject(value)) fail(`"${where}" must be an object${whole ? ` or "${whole.value}"` : ''}, ${shown(value)}`);
  const obj = value as Record<string, unknown>;
  checkFields(obj, fieldsOf(key), where, partial);
  checkRules(key, obj, where);
}

/** Checks one layer's overrides (each with the range of the global field it overrides); throws naming the layer and field. */
export function checkLayerOverride(name: string, o: unknown): void {
  const where = `layers.${name}`;
  if (!isObject(o)) fail(`"${where}" must be an object of overrides, ${shown(o)}`);
  const obj = o as Record<string, unknown>;
  for (const { spec, field: f, section: s } of LAYER_FIELDS) {
    const x = obj[spec.key];
    if (x === undefined) continue;
    if (s) checkSection(s, x, `${where}.${spec.key}`);
    else if (f && !fits(f.type, x)) fail(`${where}.${spec.key} ${rangeMessage(f)}, ${shown(x)}`);
  }
}

/**
 * Validates a parsed plan against the settings table (src/model/planFields.ts): each field's
 * type and range, the rules between fields, and each layer override with the range of the field
 * it overrides. Throws an Error naming the field and the allowed range.
 */
export function parsePlan(value: unknown): CompressionPlan {
  if (!isObject(value)) return fail('expected a JSON object');
  const p = value as unknown as CompressionPlan;
  if (p.version !== 1) fail(`"version" must be 1, got ${JSON.stringify(p.version)}`);
  for (const { key } of PLAN_SECTIONS) if (p[key] !== undefined) checkSection(key, p[key]);
  if (p.layers !== undefined && !isObject(p.layers)) fail(`"layers" must be an object of layer name → overrides, ${shown(p.layers)}`);
  for (const [name, o] of Object.entries(p.layers ?? {})) checkLayerOverride(name, o);
  if (p.finetune && p.distill) fail('"finetune" and "distill" are two ways to recover accuracy: choose one (distill with "alpha" > 0 also uses the labels)');
  return p;
}
