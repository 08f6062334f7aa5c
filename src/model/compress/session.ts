/**
 * One compression of a loaded model, with every figure the studio shows computed from the files it
 * would write: per-layer and total bytes of the TF.js export (raw, gzip) and of the compact file,
 * parameters, sparsity and bits. Keeps the exports so "download" hands out the measured bytes.
 *
 * The gzip and zip lengths need a level-9 DEFLATE of every file, the slowest step by far; the
 * studio runs it off its thread while it evaluates (compressUnmeasured + measureSizesOffThread),
 * scripts and tests in one go (runCompression). Both give the same bytes.
 */
import {
  deflatedLength, deflatedLengthsAsync, encodeCompactSized, exportTfjs, sizesFromDeflated, type OffThread, type TfjsExport,
} from '../export';
import type { CompressionPlan } from '../plan';
import type { CompressedModel, ModelParts } from '../weights';
import { compressModel, type CompressOutput } from '.';
import { counter, within, type OnStep } from '../progress';

/** One row of the compressed layer table. Bytes are bytes of that layer's weights in each file. */
export interface CompressedLayer {
  name: string;
  params: number;
  /** share of exact zeros over the layer's weights */
  sparsity: number;
  /** bits per stored value of the layer's kernel (32 = float32) */
  bits: number;
  kind: string;
  tfjsBytes: number;
  compactBytes: number;
  excluded?: string;
  /** What a structural transform did to it: "300 → 210 units", "rank 64 (90 % energy)", or why not. */
  structure?: string;
}

/**
 * Sizes in bytes of both export formats of one compressed model. gzip = each file after gzip -9
 * (RFC 1952 framing, 18 bytes), zip = the length of the TF.js .zip download. After
 * compressUnmeasured those DEFLATE-based figures are NaN until measureSizes fills them in.
 */
export interface CompressedSizes {
  tfjs: { raw: number; gzip: number; zip: number; files: { name: string; bytes: number; gzipBytes: number }[] };
  compact: { raw: number; gzip: number };
}

export interface CompressedSummary {
  plan: CompressionPlan;
  params: number;
  /** FLOPs per sample (2·MACs of Dense / Conv layers) before and after; NaN if unknown. */
  flops: { before: number; after: number };
  /** share of exact zeros over all weights */
  sparsity: number;
  sizes: CompressedSizes;
  layers: CompressedLayer[];
  /** tensors TF.js could not store quantized, with why (they are stored float32). */
  fallbacks: string[];
  /** Parts of the plan that were not applied, with why (e.g. low-rank on a graph model). */
  skipped: string[];
}

export interface CompressionSession {
  parts: ModelParts;
  compressed: CompressedModel;
  summary: CompressedSummary;
  tfjs: TfjsExport;
  compact: Uint8Array;
}

/** Compresses `parts` by `plan` and measures both exports, gzip and zip lengths included; `onStep` hears of each layer and file (0–1). */
export function runCompression(parts: ModelParts, plan: CompressionPlan, onStep?: OnStep): CompressionSession {
  const session = compressUnmeasured(parts, plan, undefined, within(onStep, 0, 0.6));
  session.summary.sizes = measureSizes(session, within(onStep, 0.6, 1));
  return session;
}

/**
 * Compresses `parts` by `plan` and writes both exports; every figure of the summary is exact
 * except the DEFLATE-based ones (tfjs gzip, per-file gzipBytes, zip, compact gzip), which are NaN:
 * measureSizes or measureSizesOffThread computes them. `out` is the plan's result when it is
 * already at hand (e.g. compressWithFineTuning's). `onStep` hears of each layer compressed, each
 * tensor written and the compact file (0–1: compression to 0.55, TF.js files to 0.8, compact after).
 */
export function compressUnmeasured(parts: ModelParts, plan: CompressionPlan, given?: CompressOutput, onStep?: OnStep): CompressionSession {
  const out = given ?? compressModel(parts, plan, undefined, undefined, within(onStep, 0, 0.55));
  const tfjs = exportTfjs(out.compressed, { onStep: within(onStep, 0.55, 0.8) });
  onStep?.(0.8, 'Encoding the compact file');
  const { bytes: compact, size: { perTensor } } = encodeCompactSized(out.compressed, { onStep: within(onStep, 0.8, 1) });
  onStep?.(1, 'Compressed and written');
  const layers = new Map<string, CompressedLayer & { zeros: number }>();
  out.tensors.forEach((t, i) => {
    const row = layers.get(t.layer) ?? { name: t.layer, params: 0, sparsity: 0, bits: 32, kind: 'float32', tfjsBytes: 0, compactBytes: 0, zeros: 0 };
    row.params += t.params;
    row.zeros += t.sparsity * t.params;
    row.tfjsBytes += tfjs.tensors[i].bytes;
    row.compactBytes += perTensor[i];
    if (t.kernel) { row.bits = t.bits; row.kind = t.kind; row.excluded = t.excluded; }
    layers.set(t.layer, row);
  });
  const structure = new Map<string, string>();
  for (const c of out.structural.channels) structure.set(c.layer, c.excluded ? `whole: ${c.excluded}` : `${c.before} → ${c.after} units`);
  for (const r of out.structural.lowRank) {
    if (r.skipped) { if (!structure.has(r.layer)) structure.set(r.layer, `full rank: ${r.skipped}`); continue; }
    const text = `rank ${r.rank}${r.energy !== undefined ? ` (${(r.energy * 100).toFixed(0)} % energy)` : ''}`;
    structure.set(r.layer, structure.has(r.layer) ? `${structure.get(r.layer)}, ${text}` : text);
    if (r.factorLayer) structure.set(r.factorLayer, `first factor of ${r.layer}`);
  }
  for (const e of out.equalization ?? []) {
    if (!e.next) continue;
    const text = `equalized with ${e.next}${e.foldedBn ? `, ${e.foldedBn} folded in` : ''}`;
    structure.set(e.layer, structure.has(e.layer) ? `${structure.get(e.layer)}, ${text}` : text);
  }
  for (const c of out.calibration ?? []) {
    // How the kernel was calibrated on data: its layer-output error against nearest rounding on the min/max grid.
    const text = c.error && c.error.minmax > 0
      ? `${c.method === 'adaround' ? `AdaRound (${c.iterations ?? '?'} steps)` : 'output-MSE range'}: output error −${Math.round(100 * (1 - c.error.final / c.error.minmax))} %`
      : `weight-MSE range${c.reason ? ` (${c.reason})` : ''}`;
    const refit = c.refit && c.refit.before > 0 ? `pruning compensated: its output error −${Math.round(100 * (1 - c.refit.after / c.refit.before))} %, ` : '';
    structure.set(c.layer, structure.has(c.layer) ? `${structure.get(c.layer)}, ${refit}${text}` : `${refit}${text}`);
  }
  // A graph model skips structural transforms: say so on every kernel row, where the UI shows structure.
  if (out.skipped.length) for (const t of out.tensors) if (t.kernel && !structure.has(t.layer)) structure.set(t.layer, out.skipped.join('; '));
  const rows = [...layers.values()].map(({ zeros, ...r }) => ({ ...r, sparsity: r.params ? zeros / r.params : 0, structure: structure.get(r.name) }));
  const params = rows.reduce((a, r) => a + r.params, 0);
  const raw = tfjs.files.reduce((a, f) => a + f.bytes.length, 0);
  const summary: CompressedSummary = {
    plan,
    params,
    flops: { before: out.structural.before.flops, after: out.structural.after.flops },
    sparsity: params ? out.tensors.reduce((a, t) => a + t.sparsity * t.params, 0) / params : 0,
    sizes: {
      tfjs: { raw, gzip: NaN, zip: NaN, files: tfjs.files.map((f) => ({ name: f.name, bytes: f.bytes.length, gzipBytes: NaN })) },
      compact: { raw: compact.length, gzip: NaN },
    },
    layers: rows,
    fallbacks: tfjs.tensors.filter((t) => t.fallback).map((t) => `${t.name}: ${t.fallback}`),
    skipped: out.skipped,
  };
  return { parts: out.parts, compressed: out.compressed, summary, tfjs, compact };
}

/** Every size of the session's exports from one level-9 DEFLATE length per file (TF.js files, then the compact file). */
function sizesOf(session: CompressionSession, deflated: readonly number[]): CompressedSizes {
  const files = session.tfjs.files;
  const tfjs = sizesFromDeflated(files, deflated.slice(0, files.length));
  return {
    tfjs: { raw: tfjs.total, gzip: tfjs.gzipTotal, zip: tfjs.zipBytes, files: tfjs.files },
    compact: { raw: session.compact.length, gzip: 10 + deflated[files.length] + 8 },
  };
}

/** The session's exact sizes, gzip and zip lengths included, computed on this thread; `onStep` hears of each file before its DEFLATE. */
export function measureSizes(session: CompressionSession, onStep?: OnStep): CompressedSizes {
  const files = [...session.tfjs.files, { name: 'model.cstu', bytes: session.compact }];
  const each = counter(onStep, files.length, false);
  const lengths = files.map((f, i) => {
    each(i, `Measuring gzip -9 of ${f.name}`);
    return deflatedLength(f.bytes);
  });
  onStep?.(1, 'Sizes measured');
  return sizesOf(session, lengths);
}

/**
 * measureSizes on another thread (one core), so evaluation can run meanwhile; cancel() stops it.
 * `lengthsOf` computes the DEFLATE lengths there: by default fflate's worker-per-call deflate;
 * the studio passes its own long-lived worker (no start-up, warm JIT), running the same code.
 */
export function measureSizesOffThread(
  session: CompressionSession,
  lengthsOf: (buffers: Uint8Array[]) => OffThread<number[]> = deflatedLengthsAsync,
): OffThread<CompressedSizes> {
  const lengths = lengthsOf([...session.tfjs.files.map((f) => f.bytes), session.compact]);
  return { promise: lengths.promise.then((d) => (d ? sizesOf(session, d) : undefined)), cancel: lengths.cancel };
}

/**
 * measureSizes on two threads with progress: the largest file's DEFLATE length (the compact file
 * of an uncompressed model: as long as all the shards together) on another thread (`lengthsOf`, as
 * measureSizesOffThread), the other files on this one meanwhile, each reported to `onStep` as it
 * starts; then, every `heartbeatMs` until the large one is done, the time spent on it. The same
 * sizes as measureSizes, in about the time of the larger half; undefined when `lengthsOf` was cancelled.
 */
export async function measureSizesStepwise(
  session: CompressionSession,
  lengthsOf: (buffers: Uint8Array[]) => OffThread<number[]>,
  onStep?: OnStep,
  heartbeatMs = 250,
): Promise<CompressedSizes | undefined> {
  const files = [...session.tfjs.files, { name: 'model.cstu', bytes: session.compact }];
  const total = files.reduce((a, f) => a + f.bytes.length, 0) || 1;
  const largest = files.reduce((a, f, i) => (f.bytes.length > files[a].bytes.length ? i : a), 0);
  const big = files[largest];
  const pending = lengthsOf([big.bytes]).promise;
  const lengths: number[] = new Array(files.length);
  let done = 0;
  const others = files.filter((_, i) => i !== largest).length;
  let k = 0;
  for (const [i, f] of files.entries()) {
    if (i === largest) continue;
    onStep?.(done / total, `Measuring gzip -9 of ${f.name} (${++k}/${others}; ${big.name} on another thread)`);
    lengths[i] = deflatedLength(f.bytes);
    done += f.bytes.length;
  }
  const what = `Measuring gzip -9 of ${big.name} (${(big.bytes.length / 2 ** 20).toFixed(1)} MiB)`;
  onStep?.(done / total, what);
  const started = Date.now();
  const beat = onStep && setInterval(() => onStep(done / total, `${what}: ${((Date.now() - started) / 1000).toFixed(1)} s more`), heartbeatMs);
  try {
    const [length] = (await pending) ?? [];
    if (length === undefined) return undefined;
    lengths[largest] = length;
  } finally {
    if (beat) clearInterval(beat);
  }
  onStep?.(1, 'Sizes measured');
  return sizesOf(session, lengths);
}
