/**
 * The shareable settings, one declarative table (as TF Playground's state.ts PROPS) that reads
 * and writes the URL hash, so a workshop link reopens the same view:
 *   #model=lenet-5&backend=wasm&prune=0.9&scope=layer&k=32
 * Every key maps to one field of the view or of the compression plan; invalid values are ignored.
 */
import type { CompressionPlan } from '../model/plan';
import type { BackendChoice } from '../runtime/protocol';

export interface UrlSettings {
  model?: string;
  dataset?: string;
  backend?: BackendChoice;
  plan?: CompressionPlan;
}

type Fields = Record<string, string>;
interface Prop {
  key: string;
  /** reads the raw string into the settings (ignore invalid input) */
  read: (raw: string, s: UrlSettings) => void;
  /** the value to write, or undefined to leave the key out */
  write: (s: UrlSettings) => string | undefined;
}

const BACKENDS: BackendChoice[] = ['auto', 'webgpu', 'wasm', 'cpu'];
const ID = /^[\w.-]{1,80}$/;
const num = (raw: string, lo: number, hi: number) => {
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) && n >= lo && n <= hi ? n : undefined;
};
const plan = (s: UrlSettings): CompressionPlan => (s.plan ??= { version: 1 });

/** Every shareable setting: its hash key, how it is read (validated) and written. */
export const URL_PROPS: Prop[] = [
  { key: 'model', read: (r, s) => { if (ID.test(r)) s.model = r; }, write: (s) => s.model },
  { key: 'dataset', read: (r, s) => { if (ID.test(r)) s.dataset = r; }, write: (s) => s.dataset },
  { key: 'backend', read: (r, s) => { if (BACKENDS.includes(r as BackendChoice)) s.backend = r as BackendChoice; }, write: (s) => s.backend },
  { key: 'prune', read: (r, s) => { const v = num(r, 0, 0.99); if (v !== undefined) plan(s).prune = { ...plan(s).prune, ratio: v }; },
    write: (s) => (s.plan?.prune && s.plan.prune.pattern !== 'n:m' ? String(s.plan.prune.ratio) : undefined) },
  { key: 'scope', read: (r, s) => { if (s.plan?.prune && (r === 'global' || r === 'layer')) s.plan.prune.scope = r; }, write: (s) => s.plan?.prune?.scope },
  { key: 'nm', read: (r, s) => { const m = /^(\d+):(\d+)$/.exec(r); if (m && +m[1] < +m[2] && +m[2] <= 64) plan(s).prune = { ratio: 1 - +m[1] / +m[2], pattern: 'n:m', n: +m[1], m: +m[2] }; },
    write: (s) => (s.plan?.prune?.pattern === 'n:m' ? `${s.plan.prune.n ?? 2}:${s.plan.prune.m ?? 4}` : undefined) },
  { key: 'q', read: (r, s) => { if (r === 'f16') plan(s).quantize = 'float16'; else { const b = num(r, 1, 16); if (b !== undefined && Number.isInteger(b)) plan(s).quantize = { bits: b }; } },
    write: (s) => (s.plan?.quantize === 'float16' ? 'f16' : s.plan?.quantize ? String(s.plan.quantize.bits) : undefined) },
  { key: 'qg', read: (r, s) => { const q = s.plan?.quantize; if (q && q !== 'float16' && (r === 'tensor' || r === 'channel')) q.granularity = r; },
    write: (s) => (s.plan?.quantize && s.plan.quantize !== 'float16' ? s.plan.quantize.granularity : undefined) },
  { key: 'qs', read: (r, s) => { const q = s.plan?.quantize; if (q && q !== 'float16' && (r === 'affine' || r === 'symmetric')) q.scheme = r; },
    write: (s) => (s.plan?.quantize && s.plan.quantize !== 'float16' ? s.plan.quantize.scheme : undefined) },
  { key: 'k', read: (r, s) => { const k = num(r, 2, 65536); if (k !== undefined && Number.isInteger(k)) plan(s).cluster = { k }; }, write: (s) => (s.plan?.cluster ? String(s.plan.cluster.k) : undefined) },
  { key: 'kg', read: (r, s) => { if (s.plan?.cluster && r === 'uint8') s.plan.cluster.grid = 'uint8'; }, write: (s) => s.plan?.cluster?.grid },
  { key: 'ch', read: (r, s) => { const v = num(r, 0, 0.9); if (v !== undefined) plan(s).channels = { ratio: v }; }, write: (s) => (s.plan?.channels ? String(s.plan.channels.ratio) : undefined) },
  { key: 'lo', read: (r, s) => {
    // per-layer overrides: name~x (exclude), ~p0.9 (prune), ~b4 (bits); entries joined by ','
    const layers: NonNullable<CompressionPlan['layers']> = {};
    for (const entry of r.split(',')) {
      const [name, ...flags] = entry.split('~');
      if (!/^[\w./-]{1,100}$/.test(name)) continue;
      const o: NonNullable<CompressionPlan['layers']>[string] = {};
      for (const f of flags) {
        if (f === 'x') o.exclude = true;
        else if (f[0] === 'p' && num(f.slice(1), 0, 0.99) !== undefined) o.prune = Number(f.slice(1));
        else if (f[0] === 'b' && Number.isInteger(num(f.slice(1), 1, 16))) o.bits = Number(f.slice(1));
      }
      if (Object.keys(o).length) layers[name] = o;
    }
    if (Object.keys(layers).length) plan(s).layers = layers;
  },
  write: (s) => {
    const entries = Object.entries(s.plan?.layers ?? {}).map(([name, o]) => [name, o.exclude ? 'x' : '', o.prune !== undefined ? `p${o.prune}` : '', o.bits !== undefined ? `b${o.bits}` : ''].filter(Boolean).join('~'));
    return entries.length ? entries.join(',') : undefined;
  } },
  { key: 'chn', read: (r, s) => { if (s.plan?.channels && (r === 'l1' || r === 'l2')) s.plan.channels.norm = r; }, write: (s) => s.plan?.channels?.norm },
  { key: 'lr', read: (r, s) => {
    const m = /^(rank|fraction|energy):([\d.]+)$/.exec(r);
    if (!m) return;
    const v = Number(m[2]);
    // the same ranges parsePlan enforces: a whole rank ≥ 1, or a share in (0, 1]
    if (m[1] === 'rank' ? Number.isInteger(v) && v >= 1 : v > 0 && v <= 1) plan(s).lowRank = { by: m[1] as 'rank' | 'fraction' | 'energy', value: v };
  },
    write: (s) => (s.plan?.lowRank ? `${s.plan.lowRank.by}:${s.plan.lowRank.value}` : undefined) },
  { key: 'ft', read: (r, s) => {
    // fine-tuning: epochs, optionally ":learning rate", e.g. ft=2 or ft=2:0.001
    const m = /^(\d{1,2})(?::([\d.e-]+))?$/.exec(r);
    const epochs = m ? Number(m[1]) : 0;
    const lr = m?.[2] !== undefined ? num(m[2], 1e-7, 0.1) : undefined;
    if (epochs >= 1 && epochs <= 50 && (m?.[2] === undefined || lr !== undefined)) plan(s).finetune = { epochs, ...(lr !== undefined ? { learningRate: lr } : {}) };
  },
    write: (s) => (s.plan?.finetune ? `${s.plan.finetune.epochs}${s.plan.finetune.learningRate !== undefined ? `:${s.plan.finetune.learningRate}` : ''}` : undefined) },
];

export function readUrlSettings(hash: string): UrlSettings {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: UrlSettings = {};
  for (const prop of URL_PROPS) {
    const raw = params.get(prop.key);
    if (raw !== null) prop.read(raw, out);
  }
  return out;
}

export function writeUrlSettings(settings: UrlSettings): string {
  const fields: Fields = {};
  for (const prop of URL_PROPS) {
    const value = prop.write(settings);
    if (value !== undefined && value !== '') fields[prop.key] = value;
  }
  return `#${new URLSearchParams(fields).toString()}`;
}
