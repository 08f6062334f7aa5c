/**
 * Post-training quantization diagnostics on fashion-cnn (issue 12), top-1 on all fashion-mnist-val:
 *   --part grid     the 2×2 scheme × granularity table at 4 and 3 bits (min/max), then one layer at a
 *                   time per tensor vs per channel: weight MSE, relative output error after the layer's
 *                   BatchNorm (500 val images), accuracy;
 *   --part lottery  the same grids with every range widened by 0–7 %: the spread of accuracy that
 *                   rounding luck alone gives (4-bit 2×2; 3-bit MSE range with / without bias correction);
 *   --part bias     calibrate minmax / mse / bias at 3 bits, bias correction one layer at a time with
 *                   data-free vs measured E[x], the predicted vs measured output shift, and an
 *                   empirical layer-by-layer correction;
 *   --part tfjs     TF.js export loaded with stock tf.loadLayersModel (8-bit per-tensor affine for
 *                   min/max, mse, bias, cle + mse, cle + bias; per channel; 4 and 12 bits): accuracy,
 *                   manifest encodings, bytes.
 *   npx tsx scripts/diagnose-ptq.ts [--part grid|lottery|bias|tfjs] [--limit N]   (default: all, 10 000 images)
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { quantizeUniform } from '../src/core';
import { readArtifacts, readDataset, ROOT, useWasm } from '../src/node/io';
import type { LabelledDataset } from '../src/model/dataset';
import { imagesToTensor } from '../src/model/datasetTensor';
import { compressModel } from '../src/model/compress';
import { exportTfjs } from '../src/model/export';
import type { CompressionPlan, QuantSettings } from '../src/model/plan';
import { kernelShift, reluMean } from '../src/model/transform/biasCorrection';
import { partsFromArtifacts, type ModelParts, type WeightTensor } from '../src/model/weights';
import * as tf from '@tensorflow/tfjs';
import {
  accuracy, accuracyOf, DELTAS, empiricalCorrection, kernels, lotteryRow, measuredInputMeans, meanSd, mse, pct, probe, probeNames, relErr, sci, withValues,
} from './diagnose-ptq-lib';

async function partGrid(parts: ModelParts, val: LabelledDataset, limit?: number): Promise<void> {
  console.log('\n== 1. scheme × granularity, min/max, whole model ==\nbits | scheme | per tensor | per channel');
  for (const bits of [4, 3]) {
    for (const scheme of ['symmetric', 'affine'] as const) {
      const row: string[] = [];
      for (const granularity of ['tensor', 'channel'] as const) row.push(pct(await accuracy(compressModel(parts, { version: 1, quantize: { bits, scheme, granularity } }).parts, val, limit)));
      console.log([bits, scheme, ...row].join(' | '));
    }
  }
  const ks = kernels(parts);
  const names = await probeNames(parts, ks.map((k) => k.layer));
  const x = imagesToTensor(val, 0, 500);
  const ref = await probe(parts, x, names);
  console.log(`\n== 1b. one layer quantized at a time, min/max: weight MSE · rel. output error at the probe (500 images) · accuracy ==`);
  console.log('bits | scheme | layer (probe) | tensor: wMSE, out, acc | channel: wMSE, out, acc');
  for (const bits of [4, 3]) {
    for (const scheme of ['symmetric', 'affine'] as const) {
      for (const [i, k] of ks.entries()) {
        const cells: string[] = [];
        for (const axis of [undefined, k.axis]) {
          const q = quantizeUniform(k.w.values, k.w.shape, { bits, scheme, axis }).values;
          const p = withValues(parts, new Map([[k.w.name, q]]));
          const out = await probe(p, x, [names[i]]);
          cells.push(`${sci(mse(q, k.w.values))}, ${sci(relErr(out[0], ref[i]))}, ${pct(await accuracy(p, val, limit))}`);
        }
        console.log([bits, scheme, `${k.layer} (${names[i]})`, ...cells].join(' | '));
      }
    }
  }
  x.dispose();
}

/** The rounding lottery (lotteryRow): 4-bit min/max 2×2; 3-bit MSE range with / without bias correction; 3-bit per channel min/max vs MSE range (all channels, or minSize 17). */
async function roundingLottery(parts: ModelParts, val: LabelledDataset, limit?: number): Promise<void> {
  console.log(`\n== rounding lottery: every range widened by ${DELTAS.map((d) => Math.round(d * 100)).join('/')} % ==\nsetting | accuracies | mean ± sd`);
  const rows: [string, Parameters<typeof lotteryRow>[2]][] = [];
  for (const scheme of ['symmetric', 'affine'] as const) for (const granularity of ['tensor', 'channel'] as const) rows.push([`4-bit ${scheme} per ${granularity}, min/max`, { bits: 4, scheme, granularity }]);
  for (const [scheme, granularity] of [['affine', 'tensor'], ['symmetric', 'channel']] as const) {
    for (const correct of [false, true]) rows.push([`3-bit ${scheme} per ${granularity}, mse${correct ? ' + bias correction' : ''}`, { bits: 3, scheme, granularity, mse: true, correct }]);
  }
  // Per channel at 3 bits: min/max vs MSE range on every channel vs only on channels of ≥ 17 weights (searchRange minSize).
  for (const scheme of ['affine', 'symmetric'] as const) {
    for (const [label, q] of [['min/max', {}], ['mse', { mse: true }], ['mse, minSize 17', { mse: true, minSize: 17 }]] as const) rows.push([`3-bit ${scheme} per channel, ${label}`, { bits: 3, scheme, granularity: 'channel', ...q }]);
  }
  for (const [name, q] of rows) {
    const accs = await lotteryRow(parts, val, q, limit);
    console.log([name, accs.map((a) => (a * 100).toFixed(2)).join(' '), meanSd(accs)].join(' | '));
  }
}


async function partBias(parts: ModelParts, val: LabelledDataset, limit?: number): Promise<void> {
  console.log('\n== 2. bias correction at 3 bits: minmax / mse / bias (data-free) ==\nscheme | granularity | minmax | mse | bias');
  for (const [scheme, granularity] of [['affine', 'tensor'], ['symmetric', 'channel'], ['symmetric', 'tensor'], ['affine', 'channel']] as const) {
    const row: string[] = [];
    for (const calibrate of ['minmax', 'mse', 'bias'] as const) row.push(pct(await accuracy(compressModel(parts, { version: 1, quantize: { bits: 3, scheme, granularity, calibrate } }).parts, val, limit)));
    console.log([scheme, granularity, ...row].join(' | '));
  }
  const q: QuantSettings = { bits: 3, scheme: 'affine', granularity: 'tensor', calibrate: 'bias' };
  const mseOut = compressModel(parts, { version: 1, quantize: { ...q, calibrate: 'mse' } });
  const biasOut = compressModel(parts, { version: 1, quantize: q });
  const rows = (biasOut.biasCorrection ?? []).filter((r) => r.target).map((r) => ({ ...r, consumer: (r.target as string).split('/')[0] }));
  const orig = new Map(parts.weights.map((w) => [w.name, w]));
  const qv = new Map(mseOut.parts.weights.map((w) => [w.name, w.values]));
  const measured = await measuredInputMeans(parts, val, rows.map((r) => r.layer));
  const rms = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((t, v) => t + v * v, 0) / a.length);
  const x = imagesToTensor(val, 0, 1000);
  const allMeasured = new Map<string, Float32Array>();
  console.log('\n3-bit affine per tensor, mse range. Per corrected layer: accuracy with the whole model quantized and only this layer corrected,');
  console.log('then with ONLY this layer quantized; E[x] data-free (BN → ReLU) or measured (first 2000 val images):');
  console.log('layer → target | all quantized: none / data-free / measured | only it quantized: none / data-free / measured');
  for (const [i, r] of rows.entries()) {
    const kname = `${r.layer}/${r.className === 'DepthwiseConv2D' ? 'depthwise_kernel' : 'kernel'}`;
    const k = orig.get(kname) as WeightTensor;
    const wq = qv.get(kname) as Float32Array;
    const bn = r.statsFrom as string;
    const gamma = orig.get(`${bn}/gamma`)?.values as Float32Array;
    const free = Float64Array.from(orig.get(`${bn}/beta`)?.values as Float32Array, (b, c) => reluMean(b, gamma[c]));
    const target = orig.get(r.target as string) as WeightTensor;
    const sign = target.name.endsWith('/bias') ? -1 : 1;
    const fix = (mean: Float64Array) => { const sh = kernelShift(r.className, k.values, wq, k.shape, mean); return { sh, v: Float32Array.from(target.values, (v, o) => v + sign * sh[o]) }; };
    const df = fix(free);
    const ms = fix(measured[i]);
    allMeasured.set(target.name, ms.v);
    const only = withValues(parts, new Map([[kname, wq]]));
    const accs: string[] = [];
    for (const base of [mseOut.parts, only]) for (const v of [undefined, df.v, ms.v]) accs.push(pct(await accuracy(v ? withValues(base, new Map([[target.name, v]])) : base, val, limit)));
    console.log(`  ${r.layer} → ${target.name} | ${accs.slice(0, 3).join(' / ')} | ${accs.slice(3).join(' / ')}`);
    const ratio = measured[i].map((m, c) => m / (free[c % free.length] || 1));
    console.log(`    E[x] measured / data-free per input channel: median ${[...ratio].sort((a, b) => a - b)[ratio.length >> 1].toFixed(2)}, range ${Math.min(...ratio).toFixed(2)}…${Math.max(...ratio).toFixed(2)}`);
    if (r.className === 'Dense') { console.log(`    pre-activation shift rms (exact from measured E[x]): ${sci(rms(ms.sh))}; left after the data-free correction ${sci(rms(ms.sh.map((a, o) => a - df.sh[o])))}`); continue; }
    // The shift to remove, measured: E[conv(x, Ŵ) − conv(x, W)] per output channel on float inputs (this layer has no fused activation).
    const [yq, y] = [(await probe(only, x, [r.layer]))[0], (await probe(parts, x, [r.layer]))[0]];
    const n = df.sh.length;
    const actual = new Float64Array(n);
    for (let j = 0; j < y.length; j++) actual[j % n] += (yq[j] - y[j]) / (y.length / n);
    console.log(`    output shift rms: actual ${sci(rms(actual))}; left after correction: data-free ${sci(rms(actual.map((a, o) => a - df.sh[o])))}, measured E[x] ${sci(rms(actual.map((a, o) => a - ms.sh[o])))}`);
    if (n <= 16) {
      const g = orig.get(`${r.consumer}/gamma`)?.values;
      const vr = orig.get(`${r.consumer}/moving_variance`)?.values;
      console.log(`    per channel actual / data-free / measured-E[x]${g && vr ? ' (× γ/σ of the next BN)' : ''}: ${Array.from(actual, (a, o) => `${a.toFixed(3)}/${df.sh[o].toFixed(3)}/${ms.sh[o].toFixed(3)}${g && vr ? ` (×${(g[o] / Math.sqrt(vr[o] + 1e-3)).toFixed(0)})` : ''}`).join(' ')}`);
    }
  }
  x.dispose();
  console.log(`  all layers corrected with measured E[x]: ${pct(await accuracy(withValues(mseOut.parts, allMeasured), val, limit))}`);
  const seq = await empiricalCorrection(parts, mseOut.parts, val);
  console.log(`  empirical, layer by layer in order, shift measured in the quantized model itself (upstream error included; conv1 too): ${pct(await accuracy(seq.parts, val, limit))}`);
  for (const [layer, r] of seq.rms) console.log(`    ${layer}: total output-mean shift rms ${sci(r)}`);
}


async function partTfjs(parts: ModelParts, val: LabelledDataset, limit?: number): Promise<void> {
  console.log(`\n== 3. TF.js export (8-bit per-tensor affine unless named), loaded by stock tf.loadLayersModel ==`);
  console.log('variant | in-studio acc | TF.js-loaded acc | encodings | TF.js bytes (json + shards)');
  const base: QuantSettings = { bits: 8, scheme: 'affine', granularity: 'tensor' };
  const variants: [string, CompressionPlan | null][] = [['float', null], ['min/max', { version: 1, quantize: base }], ['mse', { version: 1, quantize: { ...base, calibrate: 'mse' } }],
    ['bias', { version: 1, quantize: { ...base, calibrate: 'bias' } }], ['cle + mse', { version: 1, quantize: { ...base, calibrate: 'mse', equalize: 'cle' } }],
    ['cle + bias', { version: 1, quantize: { ...base, calibrate: 'bias', equalize: 'cle' } }], ['symmetric min/max', { version: 1, quantize: { ...base, scheme: 'symmetric' } }],
    ['per-channel min/max', { version: 1, quantize: { ...base, granularity: 'channel' } }], ['4-bit min/max', { version: 1, quantize: { ...base, bits: 4 } }], ['12-bit min/max', { version: 1, quantize: { ...base, bits: 12 } }]];
  for (const [name, plan] of variants) {
    const out = plan ? compressModel(parts, plan) : { parts, compressed: { topology: parts.topology, tensors: parts.weights.map((w) => ({ ...w, layer: '', payload: { kind: 'float32' as const, shape: w.shape, values: w.values } })) }, skipped: [] };
    const ex = exportTfjs(out.compressed);
    const json = JSON.parse(new TextDecoder().decode(ex.files[0].bytes)) as tf.io.ModelJSON;
    const shards = ex.files.slice(1).map((f) => f.bytes);
    const data = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
    shards.reduce((o, s) => { data.set(s, o); return o + s.length; }, 0);
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: data.buffer }));
    const loaded = await accuracyOf(model, val, limit);
    model.dispose();
    const enc = new Map<string, number>();
    for (const t of ex.tensors) enc.set(t.storage, (enc.get(t.storage) ?? 0) + 1);
    const bytes = ex.files.reduce((a, f) => a + f.bytes.length, 0);
    console.log([name, pct(await accuracy(out.parts, val, limit)), pct(loaded), [...enc].map(([k, v]) => `${v}×${k}`).join(' '), `${bytes} (${ex.files[0].bytes.length} + ${bytes - ex.files[0].bytes.length})`].join(' | '));
    if (out.skipped.length) console.log(`  skipped: ${out.skipped.join('; ')}`);
  }
}

async function main(): Promise<void> {
  await useWasm();
  const arg = (flag: string) => { const i = process.argv.indexOf(flag); return i > 0 ? process.argv[i + 1] : undefined; };
  const part = arg('--part');
  const limit = arg('--limit') ? Number(arg('--limit')) : undefined;
  const val = readDataset('fashion-mnist', 'val');
  const parts = partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', 'fashion-cnn', 'model.json')));
  console.log(`fashion-cnn float: ${pct(await accuracy(parts, val, limit))} on ${limit ?? val.labels.length} fashion-mnist-val images`);
  if (!part || part === 'grid') await partGrid(parts, val, limit);
  if (!part || part === 'lottery') await roundingLottery(parts, val, limit);
  if (!part || part === 'bias') await partBias(parts, val, limit);
  if (!part || part === 'tfjs') await partTfjs(parts, val, limit);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
