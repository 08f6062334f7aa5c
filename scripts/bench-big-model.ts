/**
 * Where the studio spends its time on an InceptionV3-size model (not a test; run by hand):
 *   npx tsx scripts/bench-big-model.ts [pairs=18] [dtype=uint8]
 * Builds the synthetic model of src/node/bigModel.ts in memory (≈ 19.9 M parameters at the
 * default), then calls the studio worker's API in Node (WASM backend) as the page does: loadModel,
 * compressStaged (prune 50 % global + 8-bit), compressedSizes, exportModel (TF.js zip, compact).
 * Prints each step's wall time, the progress events' largest gap within each step, and memory.
 */
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../src/node/io';
import { createStudio } from '../src/runtime/studio';
import type { ProgressEvent } from '../src/runtime/protocol';
import { bigModelFiles } from '../src/node/bigModel';

const pairs = Number(process.argv[2] ?? 18);
const dtype = (process.argv[3] ?? 'uint8') as 'uint8' | 'float32';
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function main() {
  await useWasm();
  const t0 = performance.now();
  const made = bigModelFiles({ pairs, dtype });
  const bytes = made.files.reduce((a, f) => a + f.bytes.length, 0);
  console.log(`model: ${made.params.toLocaleString('en-US')} parameters, ${made.layers} layers, ${made.files.length} files, ${mb(bytes)} (${dtype}); generated in ${(performance.now() - t0).toFixed(0)} ms`);
  const studio = createStudio();
  await studio.init('wasm');
  const step = async <T>(name: string, run: (onProgress: (p: ProgressEvent) => void) => Promise<T>): Promise<T> => {
    const start = performance.now();
    let last = start;
    let gap = 0;
    let gapAt = '(start)';
    let events = 0;
    let prevMessage = '(start)';
    const onProgress = (p: ProgressEvent) => {
      const now = performance.now();
      if (now - last > gap) { gap = now - last; gapAt = `${prevMessage} → ${p.message}`; }
      last = now;
      prevMessage = p.message;
      if (process.env.VERBOSE) console.log(`  ${((now - start) / 1000).toFixed(2)} s  ${(p.fraction * 100).toFixed(0)} %  ${p.message}`);
      events++;
    };
    const out = await run(onProgress);
    const end = performance.now();
    if (end - last > gap) { gap = end - last; gapAt = `${prevMessage} → (end)`; }
    const heap = process.memoryUsage();
    console.log(`${name}: ${((end - start) / 1000).toFixed(2)} s, ${events} progress events, largest gap ${(gap / 1000).toFixed(2)} s (${gapAt}); tf ${mb(tf.memory().numBytes)} in ${tf.memory().numTensors} tensors, JS heap ${mb(heap.heapUsed)}, external+arrayBuffers ${mb(heap.external + heap.arrayBuffers)}, rss ${mb(heap.rss)}`);
    return out;
  };
  const files = made.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer as ArrayBuffer }));
  const loadModel = studio.loadModel as (s: Parameters<typeof studio.loadModel>[0], p?: (p: ProgressEvent) => void) => ReturnType<typeof studio.loadModel>;
  const info = await step('open', (p) => loadModel({ kind: 'files', name: 'big', files }, p));
  console.log(`  opened ${mb(info.opened.bytes)}, float32 TF.js ${mb(info.float32.raw)}, compact ${mb(info.compact.raw)}`);
  const plan = { version: 1 as const, prune: { ratio: 0.5 }, quantize: { bits: 8 } };
  const done = await step('compress (prune 50 % + 8-bit, until the model is built from its export)', (p) => studio.compressStaged(1, plan, undefined, p));
  if (done.type !== 'done') throw new Error('cancelled');
  const sizes = await step('  gzip/zip lengths (off thread)', async () => studio.compressedSizes(1));
  console.log(`  TF.js ${mb(done.summary.sizes.tfjs.raw)}, gzip ${sizes ? mb(sizes.tfjs.gzip) : '?'}, compact ${mb(done.summary.sizes.compact.raw)}`);
  const exportModel = studio.exportModel as (f: 'tfjs-zip' | 'compact', job: number, p?: (p: ProgressEvent) => void) => ReturnType<typeof studio.exportModel>;
  const zip = await step('export TF.js zip', (p) => exportModel('tfjs-zip', 1, p));
  const compact = await step('export compact', (p) => exportModel('compact', 1, p));
  console.log(`  zip ${mb(zip.bytes.length)}, compact ${mb(compact.bytes.length)}`);
  const memory = (studio as unknown as { memory?: () => Promise<unknown> }).memory;
  if (memory) console.log('memory():', JSON.stringify(await memory()));
}
main().catch((e) => { console.error(e); process.exit(1); });
