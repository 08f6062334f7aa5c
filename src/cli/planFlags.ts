/**
 * The compression plan of a `compress` command: a --plan file, if given, with the flags laid over
 * it (a flag sets its one field and keeps the plan's others), validated by parsePlan. Flags that
 * would be ignored — recovery settings without a recovery, a score without pruning — are usage
 * errors, never silently dropped.
 */
import type { CompressionPlan, QuantSettings } from '../model/plan';
import { field, type EnumType } from '../model/planFields';
import { parsePlan } from '../model/plan';
import { MAX_SMALL_JSON_BYTES, readRegularFile } from '../node/files';
import { UsageError, type FlagSpec } from './args';

type Flags = Record<string, string | number | boolean>;

/** The plan-shaping flags of `compress` (besides --plan), with their help texts. */
export const PLAN_FLAGS: Record<string, FlagSpec> = {
  prune: { type: 'number', help: 'share of kernel weights to zero, 0–0.99 (global)' },
  score: { type: 'string', help: 'how --prune ranks weights: magnitude (default) or taylor (|w·∂L/∂w| on the --train data)' },
  channels: { type: 'number', help: 'structured pruning: share of output units / filters removed per layer, 0–0.9' },
  'channel-score': { type: 'string', help: 'how --channels ranks units: l1 (default), l2 or taylor (on the --train data)' },
  bits: { type: 'number', help: 'uniform quantization bits, 1–16', integer: true },
  granularity: { type: 'string', help: 'quantization scales: tensor (default) or channel (one per output channel)' },
  scheme: { type: 'string', help: 'quantization range: affine (default) or symmetric' },
  calibration: { type: 'string', help: 'how quantization ranges and rounding are chosen: minmax (default), mse, bias (data-free), output or adaround (on the --calibrate data)' },
  equalize: { type: 'boolean', help: 'cross-layer equalization before quantizing' },
  rank: { type: 'number', help: 'low-rank: a whole rank, or a fraction of full rank in (0, 1)', above: 0 },
  clusters: { type: 'number', help: 'weight-sharing clusters per tensor, 2–65536', integer: true },
  finetune: { type: 'number', help: 'fine-tune on labels for this many epochs (needs a labelled --train)', integer: true, min: 1 },
  distill: { type: 'number', help: 'distil from the original for this many epochs (needs --train; labels not needed)', integer: true, min: 1 },
  alpha: { type: 'number', help: 'distillation: weight of the label loss, 0–1 (default 0: labels unused)' },
  temperature: { type: 'number', help: 'distillation: softmax temperature T ≥ 1 (default 4)' },
  hard: { type: 'boolean', help: "distillation: train on the original's top class instead of its softened outputs" },
  lr: { type: 'number', help: 'learning rate of the fine-tuning or distillation (Adam)', above: 0 },
  limit: { type: 'number', help: 'train on the first N samples of --train only', integer: true, min: 1 },
  plan: { type: 'string', help: 'a compression plan JSON file' },
};

/** A JSON file named by a flag (e.g. --plan), parsed; a fault names the flag and the file. */
export function readJsonFlag(flag: string, path: string): unknown {
  const what = `--${flag} ${path}`;
  const text = readRegularFile(path, MAX_SMALL_JSON_BYTES, what).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: is not valid JSON (${(e as Error).message}); fix the file`, { cause: e });
  }
}

const oneOf = <T extends string>(flag: string, value: string | number | boolean, allowed: readonly T[]): T => {
  if (!allowed.includes(value as T)) throw new UsageError(`--${flag} must be ${allowed.join(' or ')}, got "${value}"`);
  return value as T;
};

/** The values of an enum field of the plan (planFields), typed as the plan's. */
const valuesOf = <T extends string>(id: string): readonly T[] => (field(id).type as EnumType).values as readonly T[];

/** The plan of `flags` (file comment). Throws a UsageError for a flag that would be ignored, an Error naming the field for a bad plan. */
export function planFromFlags(flags: Flags): CompressionPlan {
  let plan: CompressionPlan = { version: 1 };
  if (flags.plan) {
    const json = readJsonFlag('plan', String(flags.plan));
    try {
      plan = parsePlan(json);
    } catch (e) {
      throw new Error(`--plan ${flags.plan}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (flags.prune !== undefined) plan.prune = { ...plan.prune, ratio: Number(flags.prune), scope: plan.prune?.scope ?? 'global' };
  if (flags.score !== undefined) {
    if (!plan.prune) throw new UsageError('--score ranks the weights --prune removes: give --prune <ratio> (or "prune" in the plan)');
    plan.prune = { ...plan.prune, score: oneOf('score', flags.score, ['magnitude', 'taylor'] as const) };
  }
  if (flags.channels !== undefined) plan.channels = { ...plan.channels, ratio: Number(flags.channels) };
  if (flags['channel-score'] !== undefined) {
    if (!plan.channels) throw new UsageError('--channel-score ranks the units --channels removes: give --channels <ratio> (or "channels" in the plan)');
    plan.channels = { ...plan.channels, norm: oneOf('channel-score', flags['channel-score'], ['l1', 'l2', 'taylor'] as const) };
  }
  if (flags.bits !== undefined) plan.quantize = { ...(typeof plan.quantize === 'object' ? plan.quantize : {}), bits: Number(flags.bits) };
  const quantFlags = ['granularity', 'scheme', 'calibration', 'equalize', 'calibrate'].filter((f) => flags[f] !== undefined && flags[f] !== false);
  if (quantFlags.length && typeof plan.quantize !== 'object') throw new UsageError(`--${quantFlags[0]} is a quantization setting: give --bits <n> (or "quantize" in the plan)`);
  if (typeof plan.quantize === 'object') {
    const q = plan.quantize;
    // The allowed values are the plan's own (planFields), so a new calibration needs no second list here.
    if (flags.granularity !== undefined) q.granularity = oneOf('granularity', flags.granularity, valuesOf<NonNullable<QuantSettings['granularity']>>('quantize.granularity'));
    if (flags.scheme !== undefined) q.scheme = oneOf('scheme', flags.scheme, valuesOf<NonNullable<QuantSettings['scheme']>>('quantize.scheme'));
    if (flags.calibration !== undefined) q.calibrate = oneOf('calibration', flags.calibration, valuesOf<NonNullable<QuantSettings['calibrate']>>('quantize.calibrate'));
    else if (flags.calibrate !== undefined && q.calibrate !== 'output') q.calibrate = 'adaround'; // calibration data alone: the best calibration on it
    if (flags.equalize) q.equalize = 'cle';
  }
  if (flags.clusters !== undefined) plan.cluster = { ...plan.cluster, k: Number(flags.clusters) };
  if (flags.rank !== undefined) {
    const r = Number(flags.rank);
    plan.lowRank = r > 0 && r < 1 ? { by: 'fraction', value: r } : { by: 'rank', value: r };
  }
  if (flags.finetune !== undefined && flags.distill !== undefined) throw new UsageError('--finetune and --distill are two ways to recover accuracy: choose one (--distill with --alpha > 0 also uses the labels)');
  // A flag for one recovery replaces the other one a plan file may hold.
  if (flags.finetune !== undefined) {
    plan.finetune = { ...plan.finetune, epochs: Number(flags.finetune) };
    delete plan.distill;
  }
  if (flags.distill !== undefined) {
    plan.distill = { ...plan.distill, epochs: Number(flags.distill) };
    delete plan.finetune;
  }
  for (const flag of ['alpha', 'temperature', 'hard'] as const) {
    if (flags[flag] !== undefined && !plan.distill) throw new UsageError(`--${flag} is a distillation setting: give --distill <epochs> (or "distill" in the plan)`);
  }
  if (plan.distill) {
    if (flags.alpha !== undefined) plan.distill.alpha = Number(flags.alpha);
    if (flags.temperature !== undefined) plan.distill.temperature = Number(flags.temperature);
    if (flags.hard) plan.distill.mode = 'hard';
  }
  const recovery = plan.distill ?? plan.finetune;
  for (const flag of ['lr', 'limit'] as const) {
    if (flags[flag] !== undefined && !recovery) throw new UsageError(`--${flag} sets the recovery's training: give --finetune <epochs> or --distill <epochs>`);
  }
  if (recovery && flags.lr !== undefined) recovery.learningRate = Number(flags.lr);
  if (recovery && flags.limit !== undefined) recovery.limit = Number(flags.limit);
  return parsePlan(plan);
}
