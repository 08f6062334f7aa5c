/**
 * A compression plan: JSON-serialisable global settings plus per-layer overrides, applied to a
 * loaded model by compressModel (src/model/compress). The same plan drives the studio's sliders, the
 * CLI (--plan plan.json) and the benchmark, so a figure can always be reproduced from its plan.
 *
 * Order of application: structural transforms first (channel pruning, then low-rank), which change
 * the architecture; then, per weight tensor, pruning → clustering or quantization or float16.
 * Which tensors are compressed: the kernels of Dense, Conv2D, DepthwiseConv2D and SeparableConv2D
 * (depthwise and pointwise); in a TF.js graph model, the Const weights consumed as the filter /
 * weight input of MatMul, BatchMatMul, Conv2D, DepthwiseConv2dNative and their fused forms (layer
 * overrides then name the weight itself). Structural transforms apply to layers models only: on a
 * graph model they are skipped and the compression summary says why. Biases and BatchNormalization parameters stay float32 (they are
 * < 1 % of the bytes of the bundled models and quantizing them costs accuracy for nothing);
 * BatchNormalization is not folded.
 */

export type PrunePattern = 'unstructured' | 'n:m';

export interface PruneSettings {
  /** Share of weights set to zero, 0–0.99 (for 'n:m' it is implied: 1 − n/m). */
  ratio: number;
  /** 'global': one magnitude threshold across all compressed tensors; 'layer': the ratio per tensor. */
  scope?: 'global' | 'layer';
  pattern?: PrunePattern;
  /** N:M — keep n of every m consecutive weights along the input axis (default 2:4). */
  n?: number;
  m?: number;
}

export interface ChannelSettings {
  /** Share of output units / filters removed from each prunable layer, 0–0.9. */
  ratio: number;
  norm?: 'l1' | 'l2';
}

export interface LowRankSettings {
  /** 'rank': absolute rank; 'fraction': rank = ⌈value · min(m, n)⌉; 'energy': keep Σσ² share. */
  by: 'rank' | 'fraction' | 'energy';
  value: number;
}

export interface QuantSettings {
  /** 1–16 bits per code. */
  bits: number;
  scheme?: 'affine' | 'symmetric';
  granularity?: 'tensor' | 'channel';
}

export interface ClusterSettings {
  /** Number of shared values per tensor (2–65536); when the tensor is pruned, exact zero is one of them. */
  k: number;
  init?: 'linear' | 'kmeans++';
  /**
   * 'uint8': move the centroids onto an 8-bit grid (each by at most 1/510 of the codebook's range,
   * zero kept) so the TF.js export stores the tensor as uint8 codes — 4× smaller than float32;
   * the compact file is unchanged. Default: centroids as k-means found them.
   */
  grid?: 'uint8';
}

/**
 * Fine-tuning after the structural transforms and pruning, before quantization / clustering
 * (Deep Compression's retraining): `epochs` passes over the model's labelled training split with
 * Adam, pruned weights held at zero; with weight sharing, one more pass (a third of the epochs,
 * at a tenth of the rate) trains the shared values. Layers models only. Seeded: the same plan on
 * the same backend gives the same weights.
 */
export interface FineTuneSettings {
  /** passes over the training split, 1–50 */
  epochs: number;
  /** Adam learning rate (default 5e-4) */
  learningRate?: number;
  /** train on the first `limit` training samples only (default: all) */
  limit?: number;
}

/** Overrides for one layer, by layer name. */
export interface LayerOverride {
  exclude?: boolean;
  prune?: number;
  bits?: number;
  clusters?: number;
  channels?: number;
  rank?: LowRankSettings;
}

export interface CompressionPlan {
  version: 1;
  prune?: PruneSettings;
  channels?: ChannelSettings;
  lowRank?: LowRankSettings;
  /** Uniform quantization, or 'float16'. Ignored for a tensor that is clustered. */
  quantize?: QuantSettings | 'float16';
  cluster?: ClusterSettings;
  finetune?: FineTuneSettings;
  layers?: Record<string, LayerOverride>;
}

export const EMPTY_PLAN: CompressionPlan = { version: 1 };

const fail = (what: string): never => { throw new Error(`compression plan: ${what}`); };
const inRange = (x: unknown, lo: number, hi: number) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi;
const isInt = (x: unknown, lo: number, hi: number) => Number.isInteger(x) && inRange(x, lo, hi);

function checkLowRank(r: LowRankSettings, where: string) {
  if (r.by === 'rank' && !isInt(r.value, 1, 1e6)) fail(`${where}.value must be a whole rank ≥ 1`);
  if ((r.by === 'fraction' || r.by === 'energy') && !inRange(r.value, 1e-6, 1)) fail(`${where}.value must be in (0, 1]`);
  if (!['rank', 'fraction', 'energy'].includes(r.by)) fail(`${where}.by must be rank, fraction or energy`);
}

/** Validates a parsed plan; throws an Error naming the field and the allowed range. */
export function parsePlan(value: unknown): CompressionPlan {
  const p = value as CompressionPlan;
  if (typeof p !== 'object' || p === null) return fail('expected a JSON object');
  if (p.version !== 1) fail(`"version" must be 1, got ${JSON.stringify(p.version)}`);
  if (p.prune) {
    if (!inRange(p.prune.ratio, 0, 0.99)) fail('prune.ratio must be in [0, 0.99]');
    if (p.prune.scope && !['global', 'layer'].includes(p.prune.scope)) fail('prune.scope must be global or layer');
    if (p.prune.pattern === 'n:m') {
      const n = p.prune.n ?? 2;
      const m = p.prune.m ?? 4;
      if (!isInt(m, 2, 64) || !isInt(n, 1, m - 1)) fail('prune n:m needs whole 1 ≤ n < m ≤ 64');
    } else if (p.prune.pattern && p.prune.pattern !== 'unstructured') fail('prune.pattern must be unstructured or n:m');
  }
  if (p.channels && !inRange(p.channels.ratio, 0, 0.9)) fail('channels.ratio must be in [0, 0.9]');
  if (p.lowRank) checkLowRank(p.lowRank, 'lowRank');
  if (p.quantize !== undefined && p.quantize !== 'float16') {
    if (!isInt(p.quantize.bits, 1, 16)) fail('quantize.bits must be a whole number 1–16');
    if (p.quantize.scheme === 'symmetric' && p.quantize.bits < 2) fail('symmetric quantization needs at least 2 bits');
  }
  if (p.cluster && !isInt(p.cluster.k, 2, 65536)) fail('cluster.k must be a whole number 2–65536');
  if (p.cluster?.grid !== undefined && p.cluster.grid !== 'uint8') fail('cluster.grid must be "uint8" or left out');
  if (p.cluster?.grid === 'uint8' && p.cluster.k > 256) fail('cluster.grid "uint8" needs at most 256 clusters (cluster.k ≤ 256)');
  if (p.finetune) {
    if (!isInt(p.finetune.epochs, 1, 50)) fail('finetune.epochs must be a whole number 1–50');
    if (p.finetune.learningRate !== undefined && !inRange(p.finetune.learningRate, 1e-7, 0.1)) fail('finetune.learningRate must be in (0, 0.1]');
    if (p.finetune.limit !== undefined && !isInt(p.finetune.limit, 1, 1e7)) fail('finetune.limit must be a whole number ≥ 1');
  }
  for (const [name, o] of Object.entries(p.layers ?? {})) {
    if (o.prune !== undefined && !inRange(o.prune, 0, 0.99)) fail(`layers.${name}.prune must be in [0, 0.99]`);
    if (o.bits !== undefined && !isInt(o.bits, 1, 16)) fail(`layers.${name}.bits must be 1–16`);
    if (o.clusters !== undefined && !isInt(o.clusters, 2, 65536)) fail(`layers.${name}.clusters must be 2–65536`);
    if (o.channels !== undefined && !inRange(o.channels, 0, 0.9)) fail(`layers.${name}.channels must be in [0, 0.9]`);
    if (o.rank) checkLowRank(o.rank, `layers.${name}.rank`);
  }
  return p;
}
