/**
 * One cell of a sweep: its plan (the command's plan flags with the cell's axis values laid over
 * them) and its measurement, taken as the studio takes a sweep point (slices/plan.ts measurePlan):
 * compress, write both exports, rebuild the model from its exported TF.js files as an app would
 * load them, evaluate it (top-1, KL to the original, batch-1 latency) and measure every size.
 */
import type { Dataset } from '../model/dataset';
import { compressUnmeasured, measureSizes } from '../model/compress/session';
import { checkModelFiles, toArtifacts } from '../model/modelFiles';
import { supportedLayerClasses } from '../model/modelInfo';
import { describePlan } from '../model/describePlan';
import { parsePlan, type CompressionPlan } from '../model/plan';
import { needsTrainData } from '../model/planFields';
import { compressWithRecovery, type RecoveryHooks } from '../model/train/recover';
import { loadTfModel } from '../model/weights';
import { evaluateModel } from '../runtime/evaluate';
import type { EvalOptions } from '../runtime/protocol';
import { preprocessingKey, scoreOf } from '../state/selectors';
import type { ChartPoint } from '../state/types';
import type { Cell, GridAxis } from './grid';
import { planFromFlags } from './planFlags';
import type { SweepModel } from './sweepModel';

type Flags = Record<string, string | number | boolean>;

/** Flags that only mean something while their axis applies: dropped in a cell where it does not (prune 0, bits 32…). */
const DEPENDENT: Partial<Record<GridAxis, string[]>> = { prune: ['score'], channels: ['channel-score'], bits: ['granularity', 'scheme', 'calibration', 'equalize', 'calibrate'] };
/** The plan section each axis sets. */
const SECTION = { prune: 'prune', channels: 'channels', rank: 'lowRank', clusters: 'cluster', bits: 'quantize' } as const;

/**
 * The plan of `cell`: `base` (the command's plan flags, --plan included) with each axis's value as
 * its flag; an axis at its "not applied" value (0, or bits 32) removes that section, bits f16 makes
 * it float16. Throws (planFromFlags / parsePlan) naming the field for a plan that cannot be.
 */
export function cellPlan(base: Flags, cell: Cell): CompressionPlan {
  const flags: Flags = { ...base };
  const off: GridAxis[] = [];
  for (const [axis, v] of Object.entries(cell) as [GridAxis, number | 'f16'][]) {
    if (v === 0 || v === 'f16' || (axis === 'bits' && v === 32)) {
      off.push(axis);
      for (const d of DEPENDENT[axis] ?? []) delete flags[d];
    } else flags[axis] = v;
  }
  const plan: CompressionPlan = planFromFlags(flags);
  for (const axis of off) delete plan[SECTION[axis]];
  if (cell.bits === 'f16') plan.quantize = 'float16';
  return parsePlan(plan);
}

/** What every cell is measured with: the model, the data, the original's outputs on it (for KL) and the training data if a plan needs it. */
export interface CellContext {
  model: SweepModel;
  data: Dataset;
  eval: EvalOptions;
  /** the original model's outputs on `data` (count × classes) */
  reference: Float32Array;
  train?: { data: Dataset; id: string };
  onProgress?: RecoveryHooks['onProgress'];
}

/** Compresses by `plan` and measures the exported model (file comment): every ChartPoint field but its id, and the samples measured on. */
export async function measureCell(plan: CompressionPlan, ctx: CellContext): Promise<Omit<ChartPoint, 'id'> & { samples: number }> {
  const { parts } = ctx.model;
  const trains = needsTrainData(plan);
  const out = trains ? await compressWithRecovery(parts, plan, ctx.train?.data, { onProgress: ctx.onProgress }) : undefined;
  if (trains && !out) throw new Error('cancelled');
  const session = compressUnmeasured(parts, plan, out);
  const sizes = measureSizes(session);
  const files = session.tfjs.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer as ArrayBuffer }));
  const model = await loadTfModel(toArtifacts(checkModelFiles(files, supportedLayerClasses())));
  try {
    const r = await evaluateModel(model, ctx.data, ctx.eval, { job: 0, reference: ctx.reference, yieldNow: async () => {} });
    if (r.type !== 'done') throw new Error('cancelled');
    return {
      kind: 'sweep', label: describePlan(plan), modelName: ctx.model.name, ...scoreOf(r),
      compactBytes: sizes.compact.raw, tfjsBytes: sizes.tfjs.raw, gzipBytes: sizes.tfjs.gzip,
      latencyMs: r.latency.medianMs, backend: r.backend, dataset: ctx.data.entry.id, preprocessing: preprocessingKey(ctx.data.entry), plan,
      ...(trains && ctx.train ? { trainData: ctx.train.id } : {}),
      openedBytes: ctx.model.openedBytes, float32Bytes: ctx.model.float32Bytes, samples: r.count,
    };
  } finally {
    model.dispose();
  }
}
