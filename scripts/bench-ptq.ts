/**
 * Post-training quantization ladder (issue 12), one process: per bundled model, 8/4/3/2 bits,
 * per tensor (affine: the TF.js manifest's form) and per channel (symmetric), each rung adding one
 * technique — no retraining anywhere:
 *   nearest (min/max range) → MSE range → + bias correction (data-free, BatchNorm statistics)
 *   → layer-output MSE range + empirical bias correction (calibration data) → + cross-layer
 *   equalization → AdaRound → equalization + AdaRound
 * with top-1 on the validation split (as stock TF.js computes it from the compact file's values),
 * the compact file's bytes, and the calibration time. Calibration data: 512 images of the model's
 * training split, labels unused. Then the goals, checked against the measured table.
 *   npx tsx scripts/bench-ptq.ts [--quick]   (--quick: 1 000 validation images, 4 and 3 bits only)
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readArtifacts, readDataset, ROOT, useWasm } from '../src/node/io';
import { compactBytes } from '../src/model/export';
import { compressModel, type CompressOutput } from '../src/model/compress';
import { compressCalibrated } from '../src/model/calibrate';
import type { CompressionPlan, QuantSettings } from '../src/model/plan';
import { partsFromArtifacts } from '../src/model/weights';
import { accuracy } from './diagnose-ptq-lib';

const MODELS: [string, string][] = [['fashion-cnn', 'fashion-mnist'], ['lenet-5', 'mnist'], ['lenet-300-100', 'mnist']];

/** The rungs: name, the plan's calibration and equalization (AdaRound rungs only at ≤ 4 bits: at 8 bits nearest is already lossless). */
const RUNGS: { name: string; calibrate: NonNullable<QuantSettings['calibrate']>; equalize?: boolean }[] = [
  { name: 'nearest', calibrate: 'minmax' },
  { name: 'MSE range', calibrate: 'mse' },
  { name: '+bias (data-free)', calibrate: 'bias' },
  { name: 'output-MSE +bias', calibrate: 'output' },
  { name: '+CLE', calibrate: 'output', equalize: true },
  { name: 'AdaRound', calibrate: 'adaround' },
  { name: 'CLE+AdaRound', calibrate: 'adaround', equalize: true },
];

const pct = (x: number) => (x * 100).toFixed(2);

/** One measured cell of the ladder. */
interface Cell { model: string; bits: number; granularity: 'tensor' | 'channel'; rung: string; accuracy: number; bytes: number; ms: number; notes: string[] }

/** Prints the ladder for every bundled model, then the goals; returns the cells. */
export async function benchPtq(quick: boolean): Promise<Cell[]> {
  if (tf.getBackend() !== 'wasm') await useWasm();
  const limit = quick ? 1000 : undefined;
  const cells: Cell[] = [];
  const floats = new Map<string, number>();
  for (const [id, data] of MODELS) {
    const val = readDataset(data, 'val');
    const train = readDataset(data, 'train');
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
    const float = await accuracy(parts, val, limit);
    floats.set(id, float);
    console.log(`\n== ${id}: post-training quantization ladder (top-1 % on ${limit ?? val.entry.count} ${data}-val images; float ${pct(float)} %; compact KB; calibration s) ==`);
    console.log(['bits', 'scales', ...RUNGS.map((r) => r.name)].join(' | '));
    for (const bits of quick ? [4, 3] : [8, 4, 3, 2]) {
      for (const granularity of ['tensor', 'channel'] as const) {
        const scheme = granularity === 'tensor' ? 'affine' : 'symmetric';
        const row: string[] = [];
        for (const rung of RUNGS) {
          if (rung.calibrate === 'adaround' && bits > 4) { row.push('—'); continue; }
          const plan: CompressionPlan = { version: 1, quantize: { bits, scheme, granularity, calibrate: rung.calibrate, ...(rung.equalize ? { equalize: 'cle' as const } : {}) } };
          const t0 = performance.now();
          const out: CompressOutput | undefined = rung.calibrate === 'output' || rung.calibrate === 'adaround' ? await compressCalibrated(parts, plan, train) : compressModel(parts, plan);
          if (!out) throw new Error('cancelled');
          const ms = performance.now() - t0;
          const acc = await accuracy(out.parts, val, limit);
          const bytes = compactBytes(out.compressed).total;
          cells.push({ model: id, bits, granularity, rung: rung.name, accuracy: acc, bytes, ms, notes: out.skipped });
          row.push(`${pct(acc)} (${(bytes / 1000).toFixed(1)} KB, ${(ms / 1000).toFixed(1)} s)${out.skipped.some((s) => s.startsWith('bias correction dropped')) ? ' †' : ''}`);
        }
        console.log([bits, `${granularity} ${scheme}`, ...row].join(' | '));
      }
    }
  }
  console.log('† bias correction dropped by the calibration (it lowered top-1 agreement with the original on the calibration inputs)');
  goals(cells, floats, quick);
  return cells;
}

/** The goals, from the measured cells (best rung per configuration). */
function goals(cells: Cell[], floats: Map<string, number>, quick: boolean) {
  const best = (model: string, bits: number, granularity: 'tensor' | 'channel') => cells.filter((c) => c.model === model && c.bits === bits && c.granularity === granularity).sort((a, b) => b.accuracy - a.accuracy)[0];
  const f = floats.get('fashion-cnn') ?? NaN;
  console.log(`\nGoals (${quick ? '1 000' : 'all'} validation images):`);
  for (const [bits, within] of [[4, 0.005], [3, 0.015]] as const) {
    const b = best('fashion-cnn', bits, 'channel');
    if (b) console.log(`  fashion-cnn ${bits}-bit per channel within ${within * 100} points of float: ${b.rung} ${pct(b.accuracy)} % vs ${pct(f)} % (−${pct(f - b.accuracy)}) → ${f - b.accuracy <= within ? 'met' : 'NOT met'}`);
  }
  const ada = cells.filter((c) => c.model === 'lenet-5' && c.rung === 'AdaRound' && c.bits === 4);
  for (const c of ada) console.log(`  AdaRound on LeNet-5 (4-bit per ${c.granularity}, 1 wasm thread): ${(c.ms / 1000).toFixed(1)} s → ${c.ms < 60000 ? 'met' : 'NOT met'} (goal < 1 min)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void benchPtq(process.argv.includes('--quick'));
