/**
 * bench:core — times the pure compression core on a ResNet-50-sized set of tensors (the real
 * conv/fc kernel shapes, 25.5 M weights, seeded He-normal) and one LeNet-5 "slider move".
 * Node, one process, one thread. Prints a table of medians in ms.
 *
 *   npm run bench:core            (REPS=5 for more repetitions)
 */
import os from 'node:os';
import {
  clusterPayload, createRng, encodedTensorBytes, kmeans1d, pruneMagnitudeGlobal, quantizeUniform,
  quantPayload, randomNormal, sizeOf, truncatedSvd, type Shape, type TensorInput,
} from '../src/core/index';

/** ResNet-50 (He et al. 2016) conv + fc kernels in TF.js layout [kh, kw, cin, cout] / [in, out]. */
function resnet50Shapes(): Shape[] {
  const shapes: Shape[] = [[7, 7, 3, 64]];
  let cin = 64;
  for (const [mid, blocks] of [[64, 3], [128, 4], [256, 6], [512, 3]]) {
    for (let b = 0; b < blocks; b++) {
      shapes.push([1, 1, cin, mid], [3, 3, mid, mid], [1, 1, mid, 4 * mid]);
      if (b === 0) shapes.push([1, 1, cin, 4 * mid]); // projection shortcut
      cin = 4 * mid;
    }
  }
  shapes.push([2048, 1000]);
  return shapes;
}

const LENET: Shape[] = [[5, 5, 1, 20], [5, 5, 20, 50], [800, 500], [500, 10]];

function heNormal(shapes: Shape[], seed: number): TensorInput[] {
  const rng = createRng(seed);
  return shapes.map((shape) => {
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return { shape, values: randomNormal(sizeOf(shape), Math.sqrt(2 / fanIn), rng) };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs fn once: its result, wall-clock ms and CPU ms of this process (user + system). */
function time<T>(fn: () => T): [T, number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [out, wall, (c.user + c.system) / 1000];
}

const reps = Number(process.env.REPS ?? 3);
const model = heNormal(resnet50Shapes(), 50);
const nWeights = model.reduce((s, t) => s + t.values.length, 0);
const rows: [string, number[], number[]][] = [
  ['global magnitude pruning 80 %', [], []],
  ['per-channel 4-bit quantization', [], []],
  ['16-cluster weight sharing', [], []],
  ['Huffman + sparse sizing', [], []],
  ['rank-64 SVD of 2048×1000', [], []],
];
const totals: number[] = [];
const cpuTotals: number[] = [];
let bytes = 0;
let svdInfo = '';
for (let r = 0; r < reps; r++) {
  const [pruned, tPrune, cPrune] = time(() => pruneMagnitudeGlobal(model, { ratio: 0.8 }));
  const [, tQuant, cQuant] = time(() => pruned.map((p, i) => quantizeUniform(p.values, model[i].shape, { bits: 4, axis: -1 })));
  const [clustered, tCluster, cCluster] = time(() => pruned.map((p, i) => kmeans1d(p.values, model[i].shape, { k: 16 })));
  const [size, tSize, cSize] = time(() => clustered.reduce((s, c, i) => s + encodedTensorBytes(clusterPayload(c, model[i].shape)), 0));
  const fc = model[model.length - 1];
  const [svd, tSvd, cSvd] = time(() => truncatedSvd(fc.values, 2048, 1000, { rank: 64 }));
  const ts = [tPrune, tQuant, tCluster, tSize, tSvd];
  const cs = [cPrune, cQuant, cCluster, cSize, cSvd];
  ts.forEach((t, i) => rows[i][1].push(t));
  cs.forEach((t, i) => rows[i][2].push(t));
  totals.push(ts.reduce((a, b) => a + b, 0));
  cpuTotals.push(cs.reduce((a, b) => a + b, 0));
  bytes = size;
  svdInfo = `${svd.method}, σ₁ = ${svd.singularValues[0].toFixed(4)}, energy kept ${(100 * svd.energy).toFixed(1)} %`;
}

// LeNet-5 slider move: global prune + per-channel 4-bit quantization + exact size of the file.
const lenet = heNormal(LENET, 5);
const lenetN = lenet.reduce((s, t) => s + t.values.length, 0);
const moves: number[] = [];
const moveCpu: number[] = [];
let lenetBytes = 0;
for (let r = 0; r < 25; r++) {
  const ratio = 0.5 + 0.4 * (r / 24); // a different slider position each time
  const [b, t, c] = time(() => {
    const pruned = pruneMagnitudeGlobal(lenet, { ratio });
    return pruned.reduce((s, p, i) => s + encodedTensorBytes(quantPayload(quantizeUniform(p.values, lenet[i].shape, { bits: 4, axis: -1 }), lenet[i].shape)), 0);
  });
  moves.push(t);
  moveCpu.push(c);
  lenetBytes = b;
}

const fmt = (ms: number): string => ms.toFixed(1).padStart(10);
const load = os.loadavg()[0];
console.log(`\ncompression core benchmark — Node ${process.version}, one thread, ${os.cpus().length} CPUs, load average ${load.toFixed(2)}`);
console.log(`ResNet-50 kernels: ${model.length} tensors, ${(nWeights / 1e6).toFixed(2)} M weights (He-normal, seed 50); median of ${reps} runs, slider of 25`);
console.log('(wall = elapsed time; cpu = CPU time of this process — equal to wall when it never waited for a core)\n');
console.log(`${'step'.padEnd(42)}${'wall ms'.padStart(10)}${'cpu ms'.padStart(10)}`);
console.log('─'.repeat(62));
for (const [name, ts, cs] of rows) console.log(`${name.padEnd(42)}${fmt(median(ts))}${fmt(median(cs))}`);
console.log('─'.repeat(62));
console.log(`${'total (ResNet-50 pipeline)'.padEnd(42)}${fmt(median(totals))}${fmt(median(cpuTotals))}`);
console.log(`${`LeNet-5 slider move (${(lenetN / 1e3).toFixed(0)} k weights)`.padEnd(42)}${fmt(median(moves))}${fmt(median(moveCpu))}`);
console.log('─'.repeat(62));
console.log(`ResNet-50 at 80 % sparsity, 16 clusters: ${(bytes / 1e6).toFixed(2)} MB compact (${((4 * nWeights) / bytes).toFixed(1)}× smaller than float32)`);
console.log(`SVD: ${svdInfo}`);
console.log(`LeNet-5 at 90 % sparsity, 4-bit per channel: ${(lenetBytes / 1e3).toFixed(1)} kB compact; slider p90 ${[...moves].sort((a, b) => a - b)[Math.floor(0.9 * moves.length)].toFixed(1)} ms\n`);
