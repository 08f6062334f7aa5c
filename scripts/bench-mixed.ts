/**
 * Joint Auto, post-training (issue 12 item 6): per bundled model, the (prune ratio × bits) per-layer
 * sensitivity grid, then Auto for an allowed drop with the combined plan measured and backed off
 * (src/state/autoRefine.ts) — the same code the studio runs, no retraining. The search scores on
 * the validation split's first `limit` images (default: half the split, at most 2000); the rest are
 * held out, so the printed top-1 is on the FULL split and, apart, on the held-out images the
 * search never saw. Also printed: compact bytes, ratio vs the float32 TF.js files (model.json +
 * weights.bin, the studio's ratio), and time (grid + search). The model's training split is the
 * calibration data (as the studio's default): the search may choose quantize.calibrate 'output'
 * (compressCalibrated: layer-output range, bias correction, refit of pruned kernels); --no-data
 * searches the data-free calibrations only. The single-layer grid is data-free either way.
 *   npx tsx scripts/bench-mixed.ts [--quick] [--no-data] [--target 0.5] [--limit N] [--models lenet-300-100,…]
 *     [--prune 0,0.5,… --bits 8,6,…]   (another joint grid than the studio's default)
 *   npm run bench -- --part mixed
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readArtifacts, readDataset, ROOT, useWasm } from '../src/node/io';
import type { Dataset } from '../src/model/dataset';
import { compactBytes } from '../src/model/export';
import { compressCalibrated } from '../src/model/calibrate';
import { compressModel, type CompressOutput } from '../src/model/compress';
import type { CompressionPlan } from '../src/model/plan';
import { needsCalibrationData } from '../src/model/planFields';
import { partsFromArtifacts, tfModelFromParts, type ModelParts } from '../src/model/weights';
import { evaluateModel } from '../src/runtime/evaluate';
import { JOINT_GRID } from '../src/runtime/jointGrid';
import { measureSensitivity } from '../src/runtime/sensitivity';
import { refineAuto } from '../src/state/autoRefine';

const MODELS: [string, string][] = [['lenet-5', 'mnist'], ['lenet-300-100', 'mnist'], ['fashion-cnn', 'fashion-mnist']];

/** Top-1 of `parts` on the first `limit` images of `val` (all when undefined). */
async function top1(parts: ModelParts, val: Dataset, limit?: number): Promise<number> {
  const model = await tfModelFromParts(parts);
  try {
    const r = await evaluateModel(model, val, { latencyRuns: 1, warmupRuns: 0, throughputBatch: 1, limit }, { job: 0, yieldNow: async () => {} });
    if (r.type !== 'done') throw new Error('cancelled');
    return r.accuracy;
  } finally {
    model.dispose();
  }
}

/** Images [from, count) of `ds` as a data set of their own. */
function slice(ds: Dataset, from: number): Dataset {
  const pixels = ds.entry.shape[0] * ds.entry.shape[1] * ds.entry.shape[2];
  return { entry: { ...ds.entry, count: ds.entry.count - from }, images: ds.images.subarray(from * pixels), labels: ds.labels?.subarray(from) };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const raw = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const arg = (name: string, fallback: number) => Number(raw(name) ?? fallback);
const list = (name: string) => raw(name)?.split(',').map(Number);

/** Prints, per bundled model, joint Auto's plan at the target drop with its bytes, ratio, full-split top-1 and time. */
export async function benchMixed(quick: boolean): Promise<void> {
  if (tf.getBackend() !== 'wasm') await useWasm();
  const target = arg('--target', 0.5) / 100;
  const only = raw('--models')?.split(',');
  const grid = { ...JOINT_GRID, prune: list('--prune') ?? JOINT_GRID.prune, bits: list('--bits') ?? JOINT_GRID.bits };
  const withData = !process.argv.includes('--no-data');
  console.log(`\n== joint Auto (prune ratio × bits per layer), post-training, target ≤ ${pct(target).replace(' %', '')} points on the search images, `
    + `${withData ? 'calibration data: the training split' : 'data-free calibrations only'} ==`);
  console.log(`grid: prune ${grid.prune.join(', ')} × bits ${grid.bits.join(', ')}`);
  console.log(['model', 'float32 TF.js', 'compact', 'ratio', 'top-1 float → joint (full val)', 'drop: full val', 'held-out', 'search set', 'grid cells measured', 'calibration', 'time'].join(' | '));
  for (const [id, data] of only ? MODELS.filter(([m]) => only.includes(m)) : quick ? MODELS.slice(0, 2) : MODELS) {
    const dir = join(ROOT, 'public', 'models', id);
    const float32Bytes = statSync(join(dir, 'model.json')).size + statSync(join(dir, 'weights.bin')).size;
    const parts = partsFromArtifacts(readArtifacts(join(dir, 'model.json')));
    const val = readDataset(data, 'val');
    const train = withData ? readDataset(data, 'train') : undefined;
    /** The plan's compression: calibrated on the training split when it asks for data (as the studio's worker does). */
    const compress = async (plan: CompressionPlan): Promise<CompressOutput> => {
      if (!needsCalibrationData(plan)) return compressModel(parts, plan);
      const out = train && await compressCalibrated(parts, plan, train);
      if (!out) throw new Error('calibration needs the training split');
      return out;
    };
    const limit = arg('--limit', Math.min(quick ? 500 : 2000, Math.floor(val.entry.count / 2)));
    const heldOut = slice(val, limit);
    const t0 = performance.now();
    const sens = await measureSensitivity(parts, val, { technique: 'joint', levels: [], limit, joint: grid }, { isCancelled: () => false, onProgress: () => {} });
    if (!sens?.joint) throw new Error('sensitivity cancelled');
    const tGrid = performance.now() - t0;
    const measure = async (plan: CompressionPlan) => {
      const out = await compress(plan);
      return { score: await top1(out.parts, val, limit), bytes: compactBytes(out.compressed).total };
    };
    const choice = await refineAuto(sens, { drop: target }, measure, { calibrationData: train?.entry.name });
    if (!choice) throw new Error('auto cancelled');
    const seconds = (performance.now() - t0) / 1000;
    const out = await compress(choice.plan);
    const bytes = compactBytes(out.compressed).total;
    const [base, acc] = [await top1(parts, val), await top1(out.parts, val)];
    const heldDrop = (await top1(parts, heldOut)) - (await top1(out.parts, heldOut));
    const cells = sens.layers.length * sens.levels.length;
    console.log([id, `${(float32Bytes / 1000).toFixed(1)} KB`, `${(bytes / 1000).toFixed(1)} KB`, `${(float32Bytes / bytes).toFixed(1)}×`, `${pct(base)} → ${pct(acc)}`,
      `${((base - acc) * 100).toFixed(2)} pt`, `${(heldDrop * 100).toFixed(2)} pt (${heldOut.entry.count})`, `${(choice.measured.drop * 100).toFixed(2)} pt (${limit})`, `${cells - sens.joint.skipped}/${cells}`,
      typeof choice.plan.quantize === 'object' ? `${choice.plan.quantize.calibrate ?? 'minmax'} per ${choice.plan.quantize.granularity ?? 'tensor'}` : '–',
      `${seconds.toFixed(0)} s (grid ${(tGrid / 1000).toFixed(0)} s)`].join(' | '));
    for (const line of choice.explanation) console.log(`   ${line}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void benchMixed(process.argv.includes('--quick'));
