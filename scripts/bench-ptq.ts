/**
 * Post-training quantization ladder (issue 12): per bundled model, 8/4/3/2 bits × per tensor / per
 * channel × symmetric / affine, min/max range vs MSE range search (quantize.calibrate 'mse'), with
 * top-1 on the validation split, compact-file bytes and compression time. No retraining, no data.
 *   npx tsx scripts/bench-ptq.ts [--quick]      (--quick: 500 validation images, 4 and 3 bits only)
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readArtifacts, readDataset, ROOT, useWasm } from '../src/node/io';
import type { Dataset } from '../src/model/dataset';
import { compactBytes } from '../src/model/export';
import { compressModel } from '../src/model/compress';
import type { CompressionPlan } from '../src/model/plan';
import { modelFromParts, partsFromArtifacts, type ModelParts } from '../src/model/weights';
import { evaluateModel } from '../src/runtime/evaluate';

const MODELS: [string, string, number[]][] = [
  ['fashion-cnn', 'fashion-mnist', [8, 4, 3, 2]],
  ['lenet-5', 'mnist', [4, 3]],
  ['lenet-300-100', 'mnist', [4, 3]],
];

async function accuracy(parts: ModelParts, val: Dataset, limit?: number): Promise<number> {
  const model = await modelFromParts(parts);
  const r = await evaluateModel(model, val, { latencyRuns: 1, warmupRuns: 0, throughputBatch: 1, limit }, { job: 0, yieldNow: async () => {} });
  model.dispose();
  if (r.type !== 'done') throw new Error('cancelled');
  return r.accuracy;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** Prints the min/max vs MSE-range table for every bundled model (top-1, compact KB, compress ms). */
export async function benchPtq(quick: boolean): Promise<void> {
  if (tf.getBackend() !== 'wasm') await useWasm();
  const limit = quick ? 500 : undefined;
  for (const [id, data, allBits] of MODELS) {
    const val = readDataset(data, 'val');
    const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));
    console.log(`\n== ${id}: post-training quantization, min/max vs MSE range (top-1 on ${limit ?? val.entry.count} ${data}-val images; float ${pct(await accuracy(parts, val, limit))}) ==`);
    console.log(['bits', 'scheme', 'granularity', 'min/max', 'MSE range', 'KB (min/max → MSE)', 'search ms'].join(' | '));
    for (const bits of quick ? allBits.filter((b) => b === 4 || b === 3) : allBits) {
      for (const scheme of ['symmetric', 'affine'] as const) {
        for (const granularity of ['tensor', 'channel'] as const) {
          const cells: string[] = [];
          const kb: string[] = [];
          const ms: number[] = [];
          for (const calibrate of ['minmax', 'mse'] as const) {
            const plan: CompressionPlan = { version: 1, quantize: { bits, scheme, granularity, calibrate } };
            const t0 = performance.now();
            const out = compressModel(parts, plan);
            ms.push(performance.now() - t0);
            cells.push(pct(await accuracy(out.parts, val, limit)));
            kb.push((compactBytes(out.compressed).total / 1000).toFixed(1));
          }
          console.log([bits, scheme, granularity, ...cells, kb.join(' → '), Math.round(ms[1] - ms[0])].join(' | '));
        }
      }
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void benchPtq(process.argv.includes('--quick'));
