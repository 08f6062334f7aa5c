/**
 * The shareable settings in the URL hash, so a workshop link reopens the same view:
 *   #model=lenet-5&backend=wasm&prune=0.9&scope=layer&k=32&lo=fc3~x,fc1~p0.95~b4
 * The view keys (model, dataset, backend, td = the data a recovery trains on) are listed here; every plan key is derived from the
 * plan settings table (src/model/planFields.ts: each field's URL key and form), so each field
 * of a plan — per-layer overrides included — goes into the link and comes back identical.
 * Invalid values are ignored, key by key, with the same ranges parsePlan enforces.
 */
import { checkLayerOverride, checkSection, type CompressionPlan, type LayerOverride } from '../model/plan';
import { field, fieldsOf, fits, LAYER_FIELDS, PLAN_SECTIONS, type PlanField, type PlanSection, type SectionKey } from '../model/planFields';
import type { BackendChoice } from '../runtime/protocol';

export interface UrlSettings {
  model?: string;
  dataset?: string;
  backend?: BackendChoice;
  /** the bundled data set a plan's recovery trains on (the Recover card's choice) */
  trainData?: string;
  plan?: CompressionPlan;
  /** the presentation view (large type, chart and stages only): `view=present`, or the short link `#present` */
  view?: UrlView;
}

/** The views a link can open besides the normal one. */
export type UrlView = 'present';

type Fields = Record<string, string>;
interface Prop {
  key: string;
  /** reads the raw string into the settings (ignore invalid input) */
  read: (raw: string, s: UrlSettings) => void;
  /** the value to write, or undefined to leave the key out */
  write: (s: UrlSettings) => string | undefined;
}
type Obj = Record<string, unknown>;

const BACKENDS: BackendChoice[] = ['auto', 'webgpu', 'wasm', 'cpu'];
const ID = /^[\w.-]{1,80}$/;
const LAYER_NAME = /^[\w./-]{1,100}$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const plan = (s: UrlSettings): CompressionPlan => (s.plan ??= { version: 1 });
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null;
const valid = (check: () => void) => { try { check(); return true; } catch { return false; } };

/** URL text → a value of `f`, or undefined when it is not one. */
function parseValue(f: PlanField, raw: string): unknown {
  const v = f.type.kind === 'enum' ? raw : f.type.kind === 'flag' ? { '': true, 0: false }[raw] : NUMBER.test(raw) ? Number(raw) : undefined;
  return fits(f.type, v) ? v : undefined;
}

/** `fields` of `obj` as ':'-joined parts (absent = empty; trailing empty parts left out unless `keepEmpty`). */
function joinParts(obj: Obj, fields: PlanField[], keepEmpty = false): string {
  const parts = fields.map((f) => (obj[f.key] === undefined ? '' : String(obj[f.key])));
  while (!keepEmpty && parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts.join(':');
}

/** ':'-joined parts → the fields they give, or undefined when a part is not a valid value. */
function splitParts(raw: string, fields: PlanField[]): Obj | undefined {
  const parts = raw.split(':');
  if (parts.length > fields.length) return undefined;
  const out: Obj = {};
  for (const [i, part] of parts.entries()) {
    if (part === '') continue;
    const v = parseValue(fields[i], part);
    if (v === undefined) return undefined;
    out[fields[i].key] = v;
  }
  return out;
}

/** The prop of one URL key of a plan section: the fields that share it, as parts (see planFields.ts). */
function sectionProp(sec: PlanSection, key: string, fields: PlanField[], first: boolean): Prop {
  const implied = fields.find((f) => f.url.implied);
  const parts = fields.filter((f) => f !== implied);
  const whole = first ? sec.whole : undefined;
  return {
    key,
    read: (raw, s) => {
      const current = s.plan?.[sec.key];
      if (whole && raw === whole.token) { plan(s)[sec.key] = whole.value as never; return; }
      if (current !== undefined && !isObj(current)) return; // e.g. quantize: 'float16' has no bits or scheme
      const given = implied && implied.type.kind === 'enum' && implied.type.values.includes(raw) && raw !== implied.url.implied
        ? { [implied.key]: raw }
        : splitParts(raw, parts);
      if (!given) return;
      if (implied && !(implied.key in given)) given[implied.key] = implied.url.implied;
      const next = { ...(current as Obj | undefined), ...given };
      if (valid(() => checkSection(sec.key, next, sec.key, true))) plan(s)[sec.key] = next as never;
    },
    write: (s) => {
      const value = s.plan?.[sec.key];
      if (whole && value === whole.value) return whole.token;
      if (!isObj(value)) return undefined;
      if (implied) {
        const v = value[implied.key];
        return v === undefined ? undefined : v === implied.url.implied ? joinParts(value, parts, true) : String(v);
      }
      return joinParts(value, parts) || undefined;
    },
  };
}

/** One layer override as URL flags: `x` / `x0` (exclude), `p0.9`, `b4`, `k16`, `c0.5`, `rfraction:0.25`. */
function layerFlags(o: LayerOverride): string[] {
  return LAYER_FIELDS.filter(({ spec }) => o[spec.key] !== undefined).map(({ spec, section }) => {
    const v = o[spec.key];
    const text = section ? joinParts(v as unknown as Obj, fieldsOf(section)) : v === true ? '' : v === false ? '0' : String(v);
    return spec.flag + text;
  });
}

/** URL flags → one layer override; invalid flags are ignored (undefined when none was valid). */
function readLayerFlags(name: string, flags: string[]): LayerOverride | undefined {
  const o: Obj = {};
  for (const flag of flags) {
    const entry = LAYER_FIELDS.find(({ spec }) => spec.flag === flag[0]);
    if (!entry) continue;
    const text = flag.slice(1);
    const v = entry.section ? splitParts(text, fieldsOf(entry.section)) : parseValue(entry.field as PlanField, text);
    if (v !== undefined && valid(() => checkLayerOverride(name, { [entry.spec.key]: v }))) o[entry.spec.key] = v;
  }
  return flags.length && !Object.keys(o).length ? undefined : o as LayerOverride;
}

const LAYERS_PROP: Prop = {
  key: field('layers.exclude').url.key,
  // entries `<layer>~<flag>~<flag>…` joined by ','; a layer name alone is an empty override
  read: (raw, s) => {
    const layers: Record<string, LayerOverride> = {};
    for (const entry of raw.split(',')) {
      const [name, ...flags] = entry.split('~');
      if (!LAYER_NAME.test(name)) continue;
      const o = readLayerFlags(name, flags);
      if (o) layers[name] = o;
    }
    if (Object.keys(layers).length) plan(s).layers = layers;
  },
  write: (s) => {
    const entries = Object.entries(s.plan?.layers ?? {}).map(([name, o]) => [name, ...layerFlags(o)].join('~'));
    return entries.length ? entries.join(',') : undefined;
  },
};

/** The props of every plan field, from the settings table: one per URL key, in table order. */
function planProps(): Prop[] {
  const props: Prop[] = [];
  for (const sec of PLAN_SECTIONS) {
    const keys = [...new Set(fieldsOf(sec.key).map((f) => f.url.key))];
    keys.forEach((key, i) => props.push(sectionProp(sec, key, fieldsOf(sec.key).filter((f) => f.url.key === key), i === 0)));
  }
  return [...props, LAYERS_PROP];
}

/** Every shareable setting: its hash key, how it is read (validated) and written. */
export const URL_PROPS: Prop[] = [
  { key: 'model', read: (r, s) => { if (ID.test(r)) s.model = r; }, write: (s) => s.model },
  { key: 'dataset', read: (r, s) => { if (ID.test(r)) s.dataset = r; }, write: (s) => s.dataset },
  { key: 'backend', read: (r, s) => { if (BACKENDS.includes(r as BackendChoice)) s.backend = r as BackendChoice; }, write: (s) => s.backend },
  { key: 'td', read: (r, s) => { if (ID.test(r)) s.trainData = r; }, write: (s) => s.trainData },
  ...planProps(),
  { key: 'view', read: (r, s) => { if (r === 'present') s.view = r; }, write: (s) => s.view },
  // `#present` alone (a link typed by hand) opens the presentation view too; it is written as view=present.
  { key: 'present', read: (r, s) => { if (r === '') s.view = 'present'; }, write: () => undefined },
];

/**
 * A section read key by key is complete, or it is dropped. Links written before the prune ratio
 * went into every link carry `nm=2:4` alone: the ratio an n:m pattern implies is 1 − n/m.
 */
function finishSections(p: CompressionPlan) {
  const prune = p.prune as Partial<NonNullable<CompressionPlan['prune']>> | undefined;
  if (prune && prune.ratio === undefined && prune.pattern === 'n:m') {
    prune.ratio = 1 - (prune.n ?? (field('prune.n').default as number)) / (prune.m ?? (field('prune.m').default as number));
  }
  for (const { key } of PLAN_SECTIONS) {
    if (p[key] !== undefined && !valid(() => checkSection(key as SectionKey, p[key]))) delete p[key];
  }
}

/** The settings a URL hash ("#model=…&prune=…") names; keys it does not know and invalid values are ignored. */
export function readUrlSettings(hash: string): UrlSettings {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: UrlSettings = {};
  for (const prop of URL_PROPS) {
    const raw = params.get(prop.key);
    if (raw !== null) prop.read(raw, out);
  }
  if (out.plan) {
    finishSections(out.plan);
    if (Object.keys(out.plan).length === 1) delete out.plan;
  }
  return out;
}

/** The URL hash ("#model=…&prune=…") of `settings`; readUrlSettings gives them back. */
export function writeUrlSettings(settings: UrlSettings): string {
  const fields: Fields = {};
  for (const prop of URL_PROPS) {
    const value = prop.write(settings);
    if (value !== undefined && value !== '') fields[prop.key] = value;
  }
  return `#${new URLSearchParams(fields).toString()}`;
}

/**
 * `hash` with its view set to `view` (or the view keys removed when undefined), every other key
 * kept as it is: entering or leaving the presentation view changes nothing else in the link.
 */
export function withView(hash: string, view: UrlView | undefined): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('present');
  if (view) params.set('view', view);
  else params.delete('view');
  const text = params.toString();
  return text ? `#${text}` : '';
}
