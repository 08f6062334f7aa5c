/**
 * The compression plan's settings table: every field of a CompressionPlan once — where it sits,
 * its type and range, its default, the label the studio shows, its URL key and form, and whether
 * a layer can override it (TF Playground's state.ts PROPS is the model). parsePlan, the URL codec
 * (src/state/urlState.ts), describePlan, the control cards and the layer table's override inputs
 * are all derived from it, so a range or a label is stated here and nowhere else.
 *
 * URL forms: a field's value is written as `String(number)` or the enum value itself. Fields sharing a URL key are its parts, joined by ':' in table
 * order (an absent part is empty, trailing empty parts are left out): `lr=energy:0.9`,
 * `ft=2:0.001`. A field with `url.implied` is set to that value whenever its key carries parts
 * (`nm=2:4` means pattern n:m); its other values are written as the key's whole value.
 * Per-layer overrides go into one key, `lo=<layer>~<flag><value>~…,<layer>~…`, each override by
 * its one-letter `layer.flag` (`fc1~p0.9~b4`, `fc3~x`, `fc1~rfraction:0.25`).
 */
import type { CompressionPlan, LayerOverride } from './planTypes';

/** The plan's sections (top-level keys besides version and layers), in the order they are described. */
export type SectionKey = 'prune' | 'channels' | 'lowRank' | 'cluster' | 'quantize' | 'finetune' | 'distill';

/** A whole or real number in [min, max] (`lowOpen`: min itself excluded, shown as "(0, max]"). */
export interface NumberType { kind: 'int' | 'real'; min: number; max: number; lowOpen?: boolean }
/** One of a few strings. */
export interface EnumType { kind: 'enum'; values: readonly string[] }
/** true / false (per-layer exclude). */
export interface FlagType { kind: 'flag' }
export type FieldType = NumberType | EnumType | FlagType;

/** How the studio's control shows a number: slider position = value × scale (or log2 value), within [min, max]. */
export interface ControlRange { min: number; max: number; step: number; scale?: number; log2?: boolean; choices?: readonly number[] }

/** A field's per-layer override: the LayerOverride key, its flag letter in the URL, its layer-table label and choices. */
export interface LayerSpec {
  key: keyof LayerOverride;
  flag: string;
  /** the word shown in the layer table */
  label: string;
  /** the accessible name of the layer-table input, before " for <layer>" */
  name: string;
  /** the values the layer table offers (none: overridable in a plan file or link only) */
  choices?: readonly number[];
}

/** One field of a plan section. */
export interface PlanField {
  section: SectionKey | 'layers';
  key: string;
  type: FieldType;
  /** required when its section is present */
  required?: boolean;
  /** the value used when the field is left out, or when the studio turns the section on (with `initial`) */
  default?: number | string;
  /** part of the section the studio creates when its card is turned on */
  initial?: boolean;
  /** the label shown in the studio */
  label: string;
  /** labels of enum values, as the studio's options show them */
  options?: Record<string, string>;
  /** the range as error messages state it, when it is not "[min, max]" / "min–max" */
  rangeText?: string;
  /** the studio control's range (the plan may allow more) */
  control?: ControlRange;
  /** label and default when the section's `by` has this value (low-rank: energy kept, not rank) */
  variants?: Record<string, { label: string; default: number }>;
  url: { key: string; implied?: string };
  layer?: LayerSpec;
}

/** A plan section: its card title, what it is called in reports, and structural / per-layer facts. */
export interface PlanSection {
  key: SectionKey;
  title: string;
  technique: string;
  /** changes the architecture (applied by applyStructural; layers models only) */
  structural?: boolean;
  /** the whole section as one per-layer override (low-rank → `rank`) */
  layer?: LayerSpec;
  /**
   * a plain-string form of the whole section (quantize: 'float16'), with its URL token, its label,
   * the label of the choice between it and the object form, and the object form's label
   */
  whole?: { value: string; token: string; label: string; choice: string; otherwise: string };
}

const pct = { min: 0, max: 99, step: 1, scale: 100 };
const f = (field: PlanField) => field;

/** Every field of a CompressionPlan, each once. */
export const PLAN_FIELDS: readonly PlanField[] = [
  f({ section: 'prune', key: 'ratio', type: { kind: 'real', min: 0, max: 0.99 }, required: true, default: 0.5, initial: true, label: 'Zeroed weights', control: pct,
    url: { key: 'prune' }, layer: { key: 'prune', flag: 'p', label: 'prune', name: 'Prune ratio', choices: [0, 0.5, 0.7, 0.8, 0.9, 0.95] } }),
  f({ section: 'prune', key: 'scope', type: { kind: 'enum', values: ['global', 'layer'] }, default: 'global', initial: true, label: 'Pattern',
    options: { global: 'unstructured, one global threshold', layer: 'unstructured, same ratio per layer' }, url: { key: 'scope' } }),
  f({ section: 'prune', key: 'pattern', type: { kind: 'enum', values: ['unstructured', 'n:m'] }, default: 'unstructured', label: 'Pattern',
    options: { unstructured: 'unstructured', 'n:m': '2:4 semi-structured (N:M)' }, url: { key: 'nm', implied: 'n:m' } }),
  f({ section: 'prune', key: 'score', type: { kind: 'enum', values: ['magnitude', 'taylor'] }, default: 'magnitude', label: 'Score',
    options: { magnitude: 'magnitude |w|', taylor: 'Taylor |w·∂L/∂w| (uses the training data)' }, url: { key: 'ps' } }),
  f({ section: 'prune', key: 'n', type: { kind: 'int', min: 1, max: 63 }, default: 2, label: 'N kept', rangeText: 'whole 1 ≤ n < m ≤ 64', url: { key: 'nm' } }),
  f({ section: 'prune', key: 'm', type: { kind: 'int', min: 2, max: 64 }, default: 4, label: 'of every M', rangeText: 'whole 1 ≤ n < m ≤ 64', url: { key: 'nm' } }),

  f({ section: 'channels', key: 'ratio', type: { kind: 'real', min: 0, max: 0.9 }, required: true, default: 0.25, initial: true, label: 'Units / filters removed',
    control: { min: 0, max: 90, step: 5, scale: 100 }, url: { key: 'ch' }, layer: { key: 'channels', flag: 'c', label: 'channels', name: 'Units / filters removed' } }),
  f({ section: 'channels', key: 'norm', type: { kind: 'enum', values: ['l1', 'l2', 'taylor'] }, default: 'l1', initial: true, label: 'Score',
    options: { l1: 'L1 norm', l2: 'L2 norm', taylor: 'Taylor (uses the training data)' }, url: { key: 'chn' } }),

  f({ section: 'lowRank', key: 'by', type: { kind: 'enum', values: ['rank', 'fraction', 'energy'] }, required: true, default: 'fraction', initial: true, label: 'Rank by',
    options: { rank: 'whole rank', fraction: 'fraction of full rank', energy: 'energy kept (Σσ²)' }, url: { key: 'lr' } }),
  // The range depends on `by` (LOW_RANK_VALUE); this is the union, checked first.
  f({ section: 'lowRank', key: 'value', type: { kind: 'real', min: 1e-6, max: 1e6 }, required: true, default: 0.25, initial: true, label: 'Rank',
    control: { min: 1, max: 100, step: 1, scale: 100 }, variants: { energy: { label: 'Energy kept', default: 0.9 } }, url: { key: 'lr' } }),

  f({ section: 'cluster', key: 'k', type: { kind: 'int', min: 2, max: 65536 }, required: true, default: 32, initial: true, label: 'Shared values per tensor',
    control: { min: 1, max: 8, step: 1, log2: true }, url: { key: 'k' }, layer: { key: 'clusters', flag: 'k', label: 'clusters', name: 'Shared values' } }),
  f({ section: 'cluster', key: 'init', type: { kind: 'enum', values: ['linear', 'kmeans++'] }, default: 'linear', label: 'Initial centroids',
    options: { linear: 'linear', 'kmeans++': 'k-means++' }, url: { key: 'ki' } }),
  f({ section: 'cluster', key: 'grid', type: { kind: 'enum', values: ['uint8'] }, label: 'shared values on a uint8 grid (TF.js files 4× smaller)', url: { key: 'kg' } }),

  f({ section: 'quantize', key: 'bits', type: { kind: 'int', min: 1, max: 16 }, required: true, default: 8, initial: true, label: 'Bits',
    control: { min: 1, max: 16, step: 1 }, url: { key: 'q' }, layer: { key: 'bits', flag: 'b', label: 'bits', name: 'Bits', choices: [16, 8, 6, 5, 4, 3, 2] } }),
  f({ section: 'quantize', key: 'granularity', type: { kind: 'enum', values: ['tensor', 'channel'] }, default: 'tensor', label: 'Scales',
    options: { tensor: 'per tensor', channel: 'per output channel' }, url: { key: 'qg' } }),
  f({ section: 'quantize', key: 'scheme', type: { kind: 'enum', values: ['affine', 'symmetric'] }, default: 'affine', label: 'Range',
    options: { affine: 'asymmetric (affine)', symmetric: 'symmetric' }, url: { key: 'qs' } }),
  f({ section: 'quantize', key: 'calibrate', type: { kind: 'enum', values: ['minmax', 'mse', 'bias', 'output', 'adaround'] }, default: 'minmax', label: 'Calibration',
    options: {
      minmax: 'none (min / max range)', mse: 'MSE range search', bias: 'MSE range + bias correction (BatchNorm statistics)',
      output: 'layer-output MSE range + bias correction (calibration data)', adaround: 'AdaRound: learned rounding (calibration data)',
    }, url: { key: 'qc' } }),
  f({ section: 'quantize', key: 'equalize', type: { kind: 'enum', values: ['cle'] }, label: 'cross-layer equalization first', url: { key: 'qe' } }),

  f({ section: 'finetune', key: 'epochs', type: { kind: 'int', min: 1, max: 50 }, required: true, default: 1, initial: true, label: 'Epochs',
    control: { min: 1, max: 10, step: 1 }, url: { key: 'ft' } }),
  f({ section: 'finetune', key: 'learningRate', type: { kind: 'real', min: 1e-7, max: 0.1 }, default: 5e-4, label: 'Learning rate', rangeText: '(0, 0.1]',
    control: { min: 1e-4, max: 3e-3, step: 1e-4, choices: [0.0001, 0.0005, 0.001, 0.003] }, url: { key: 'ft' } }),
  f({ section: 'finetune', key: 'limit', type: { kind: 'int', min: 1, max: 1e7 }, label: 'Training samples', rangeText: '≥ 1', url: { key: 'ftn' } }),

  f({ section: 'distill', key: 'epochs', type: { kind: 'int', min: 1, max: 50 }, required: true, default: 2, initial: true, label: 'Epochs',
    control: { min: 1, max: 10, step: 1 }, url: { key: 'kd' } }),
  f({ section: 'distill', key: 'learningRate', type: { kind: 'real', min: 1e-7, max: 0.1 }, default: 1e-3, label: 'Learning rate', rangeText: '(0, 0.1]',
    control: { min: 1e-4, max: 3e-3, step: 1e-4, choices: [0.0001, 0.0005, 0.001, 0.003] }, url: { key: 'kd' } }),
  f({ section: 'distill', key: 'temperature', type: { kind: 'real', min: 1, max: 20 }, default: 4, initial: true, label: 'Temperature T',
    control: { min: 1, max: 10, step: 1 }, url: { key: 'kdt' } }),
  f({ section: 'distill', key: 'alpha', type: { kind: 'real', min: 0, max: 1 }, default: 0, initial: true, label: 'Label weight α',
    control: { min: 0, max: 100, step: 5, scale: 100 }, url: { key: 'kda' } }),
  f({ section: 'distill', key: 'mode', type: { kind: 'enum', values: ['soft', 'hard'] }, default: 'soft', label: 'Targets',
    options: { soft: "soft (the original's probabilities at T)", hard: "hard (the original's top class)" }, url: { key: 'kdm' } }),
  f({ section: 'distill', key: 'hintWeight', type: { kind: 'real', min: 0, max: 100 }, default: 1, label: 'Hint loss weight', url: { key: 'kdh' } }),
  f({ section: 'distill', key: 'limit', type: { kind: 'int', min: 1, max: 1e7 }, label: 'Training samples', rangeText: '≥ 1', url: { key: 'kdn' } }),

  f({ section: 'layers', key: 'exclude', type: { kind: 'flag' }, label: 'exclude', url: { key: 'lo' }, layer: { key: 'exclude', flag: 'x', label: 'exclude', name: 'Exclude' } }),
  f({ section: 'layers', key: 'hint', type: { kind: 'flag' }, label: 'hint', url: { key: 'lo' }, layer: { key: 'hint', flag: 'h', label: 'hint', name: 'Hint loss' } }),
];

/** The sections, in the order describePlan names them. */
export const PLAN_SECTIONS: readonly PlanSection[] = [
  { key: 'prune', title: 'Pruning', technique: 'pruning' },
  { key: 'channels', title: 'Structured pruning', technique: 'channel pruning', structural: true },
  { key: 'lowRank', title: 'Low-rank (SVD)', technique: 'low-rank', structural: true, layer: { key: 'rank', flag: 'r', label: 'rank', name: 'Low-rank' } },
  { key: 'cluster', title: 'Weight sharing (k-means)', technique: 'weight sharing' },
  { key: 'quantize', title: 'Quantization', technique: 'quantization', whole: { value: 'float16', token: 'f16', label: 'float16', choice: 'Format', otherwise: 'integer codes (uniform)' } },
  { key: 'finetune', title: 'Fine-tuning (retrain)', technique: 'fine-tuning' },
  { key: 'distill', title: 'Distillation (from the original)', technique: 'distillation' },
];

/** The value range of lowRank.value (and a layer's rank.value) for each `by`. */
export const LOW_RANK_VALUE: Record<string, NumberType & { text: string }> = {
  rank: { kind: 'int', min: 1, max: 1e6, text: 'a whole rank ≥ 1' },
  fraction: { kind: 'real', min: 1e-6, max: 1, text: 'in (0, 1]' },
  energy: { kind: 'real', min: 1e-6, max: 1, text: 'in (0, 1]' },
};

/** A field by "section.key", e.g. field('prune.ratio'); throws for a name not in the table. */
export function field(id: string): PlanField {
  const found = PLAN_FIELDS.find((x) => `${x.section}.${x.key}` === id);
  if (!found) throw new Error(`plan settings table: no field "${id}"`);
  return found;
}

/** The fields of one section, in table order. */
export const fieldsOf = (section: SectionKey | 'layers'): PlanField[] => PLAN_FIELDS.filter((x) => x.section === section);

/** A section by key. */
export const section = (key: SectionKey): PlanSection => PLAN_SECTIONS.find((s) => s.key === key) as PlanSection;

/** The per-layer overrides, in URL flag order: the section-level one (rank) and each field's. */
export const LAYER_FIELDS: readonly { spec: LayerSpec; field?: PlanField; section?: SectionKey }[] = [
  ...PLAN_FIELDS.filter((x) => x.section === 'layers').map((x) => ({ spec: x.layer as LayerSpec, field: x })),
  ...PLAN_FIELDS.filter((x) => x.section !== 'layers' && x.layer).map((x) => ({ spec: x.layer as LayerSpec, field: x })),
  ...PLAN_SECTIONS.filter((s) => s.layer).map((s) => ({ spec: s.layer as LayerSpec, section: s.key })),
];

/** The section a studio card creates when it is turned on: the fields marked `initial`, at their defaults. */
export function initialSection(key: SectionKey): Record<string, number | string> {
  return Object.fromEntries(fieldsOf(key).filter((x) => x.initial && x.default !== undefined).map((x) => [x.key, x.default as number | string]));
}

/** The structural techniques `plan` asks for, globally or in a layer override ("channel pruning", "low-rank"). */
export function structuralAsked(plan: CompressionPlan): string[] {
  const layers = Object.values(plan.layers ?? {});
  return PLAN_SECTIONS.filter((s) => s.structural).filter((s) => {
    const overrideKeys = LAYER_FIELDS.filter((l) => (l.section ?? l.field?.section) === s.key).map((l) => l.spec.key);
    return plan[s.key] !== undefined || layers.some((o) => overrideKeys.some((k) => o[k] !== undefined));
  }).map((s) => s.technique);
}

/** Whether a plan ranks weights or channels by Taylor scores |w·∂L/∂w| (they need data and a loss). */
export const usesTaylorScores = (plan: CompressionPlan | undefined): boolean => plan?.prune?.score === 'taylor' || plan?.channels?.norm === 'taylor';

/** Inputs a calibration on data measures the model on: the first of a seeded shuffle of the data. */
export const CALIBRATION_SAMPLES = 512;

/** Calibration methods that measure the model on calibration inputs (no labels needed). */
export const DATA_CALIBRATIONS: readonly string[] = ['output', 'adaround'];

/** Whether `plan` quantizes with a calibration that needs calibration inputs ('output', 'adaround'). */
export const needsCalibrationData = (plan: CompressionPlan | undefined): boolean =>
  typeof plan?.quantize === 'object' && DATA_CALIBRATIONS.includes(plan.quantize.calibrate ?? '');

/** Whether compressing `plan` needs data: it recovers (finetune / distill), it scores by Taylor, or it calibrates on data. */
export const needsTrainData = (plan: CompressionPlan | undefined): boolean =>
  Boolean(plan?.finetune || plan?.distill) || usesTaylorScores(plan) || needsCalibrationData(plan);

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Whether `x` is a valid value of type `t`. */
export function fits(t: FieldType, x: unknown): boolean {
  if (t.kind === 'flag') return typeof x === 'boolean';
  if (t.kind === 'enum') return typeof x === 'string' && t.values.includes(x);
  if (!isNum(x) || x < t.min || x > t.max) return false;
  return t.kind === 'real' || Number.isInteger(x);
}

const orList = (values: readonly string[]) => (values.length === 1 ? `"${values[0]}" or left out` : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`);

/** What a valid value of `fieldSpec` is, as an error message says it ("must be in [0, 0.99]"). */
export function rangeMessage(fieldSpec: Pick<PlanField, 'type' | 'rangeText'>): string {
  const t = fieldSpec.type;
  if (t.kind === 'flag') return 'must be true or false';
  if (t.kind === 'enum') return `must be ${orList(t.values)}`;
  const range = fieldSpec.rangeText ?? (t.kind === 'int' ? `${t.min}–${t.max}` : t.lowOpen ? `(${t.min}, ${t.max}]` : `[${t.min}, ${t.max}]`);
  if (fieldSpec.rangeText?.startsWith('whole')) return `needs ${range}`;
  return t.kind === 'int' ? `must be a whole number ${range}` : `must be in ${range}`;
}
