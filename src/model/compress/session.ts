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

/** Compresses `parts` by `plan` and measures both exports, gzip and zip lengths included. */
export function runCompression(parts: ModelParts, plan: CompressionPlan): CompressionSession {
  const session = compressUnmeasured(parts, plan);
  session.summary.sizes = measureSizes(session);
  return session;
}

/**
 * Compresses `parts` by `plan` and writes both exports; every figure of the summary is exact
 * except the DEFLATE-based ones (tfjs gzip, per-file gzipBytes, zip, compact gzip), which are NaN:
 * measureSizes or measureSizesOffThread computes them. `out` is the plan's result when it is
 * already at hand (e.g. compressWithFineTuning's).
 */
export function compressUnmeasured(parts: ModelParts, plan: CompressionPlan, out: CompressOutput = compressModel(parts, plan)): CompressionSession {
  const tfjs = exportTfjs(out.compressed);
  const { bytes: compact, size: { perTensor } } = encodeCompactSized(out.compressed);
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

/** The session's exact sizes, gzip and zip lengths included, computed on this thread. */
export function measureSizes(session: CompressionSession): CompressedSizes {
  return sizesOf(session, [...session.tfjs.files.map((f) => f.bytes), session.compact].map(deflatedLength));
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
