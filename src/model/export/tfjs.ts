/**
 * TF.js export of a compressed model: model.json plus binary weight shards that stock
 * `tf.loadLayersModel` (layers model) or `tf.loadGraphModel` (graph model) loads unchanged, using the weights manifest's own quantization
 * (uint8 / uint16 / float16) wherever it reproduces the tensor exactly (rules in tfjsWeights.ts).
 *
 * Files, as tensorflowjs_converter writes them:
 *   model.json                  UTF-8 JSON { format: 'layers-model' | 'graph-model', generatedBy,
 *                               convertedBy: null, modelTopology, weightsManifest: [{ paths, weights }],
 *                               and a graph model's signature, userDefinedMetadata, modelInitializer
 *                               and initializerSignature as they were read }
 *   group1-shard{i}of{N}.bin    the weights' element bytes concatenated in manifest order, cut into
 *                               N shards of `shardBytes` (default 4 MiB = 4 194 304 bytes; the last
 *                               one shorter). A tensor may straddle two shards: TF.js joins a group's
 *                               shards before decoding. No padding, so Σ shard bytes = Σ weight bytes.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CompressedModel } from '../weights';
import { exportSizes, zipFiles, type ExportFile, type ExportSizes } from './exportFiles';
import { tfjsWeight, type TfjsStorage } from './tfjsWeights';
import { counter, type OnStep } from '../progress';

/** Default shard size in bytes: 4 MiB, tensorflowjs_converter's --weight_shard_size_bytes default. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** Options of {@link exportTfjs}. */
export interface TfjsExportOptions {
  /** Largest shard in bytes (≥ 1; default 4 MiB). */
  shardBytes?: number;
  /** model.json's generatedBy (default 'Compression Studio'). */
  generatedBy?: string;
  /** Progress: each tensor as it is written and checked (0–1). */
  onStep?: OnStep;
}

/** How one tensor was written: its manifest encoding, bytes in the shards, and why it fell back, if it did. */
export interface TfjsTensorInfo {
  name: string;
  storage: TfjsStorage;
  bytes: number;
  fallback?: string;
}

/** A TF.js export: model.json first, then the shards in order; `zip()` packs them into one download. */
export interface TfjsExport {
  files: ExportFile[];
  tensors: TfjsTensorInfo[];
  /** fflate zipSync of `files` (DEFLATE level 9, fixed timestamp), the same bytes on every call. */
  zip(): Uint8Array;
}

/** Shard file names as the converter writes them: group1-shard1of3.bin, … (1-based). */
export function shardNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
}

/**
 * Writes `model` as a TF.js layers model. Every tensor's element bytes decode under TF.js to its
 * `values` bit for bit (verified per tensor with tf.io.decodeWeights, float32 otherwise), so the
 * loaded model computes exactly what modelFromParts({ topology, weights: tensors }) computes.
 * Throws for a shard size < 1 or a tensor whose values do not match its shape.
 */
export function exportTfjs(model: CompressedModel, opts: TfjsExportOptions = {}): TfjsExport {
  const shardBytes = opts.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isInteger(shardBytes) || shardBytes < 1) throw new Error(`exportTfjs: shardBytes must be a positive integer, got ${shardBytes}`);
  const each = counter(opts.onStep, model.tensors.length);
  const weights = model.tensors.map((t, i) => {
    each(i, `Writing TF.js weights of ${t.name}`);
    return tfjsWeight(t);
  });
  const total = weights.reduce((a, w) => a + w.data.length, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const w of weights) {
    data.set(w.data, offset);
    offset += w.data.length;
  }
  const names = shardNames(Math.ceil(total / shardBytes));
  const shards = names.map((name, i) => ({ name, bytes: data.slice(i * shardBytes, Math.min(total, (i + 1) * shardBytes)) }));
  const json: tf.io.ModelJSON = {
    format: model.format ?? 'layers-model',
    generatedBy: opts.generatedBy ?? 'Compression Studio',
    convertedBy: null,
    modelTopology: model.topology,
    weightsManifest: [{ paths: names, weights: weights.map((w) => w.spec) }],
    ...model.extras,
  } as tf.io.ModelJSON;
  const files = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) }, ...shards];
  opts.onStep?.(1, `TF.js files written (${shards.length} shards)`);
  const tensors = weights.map((w) => ({ name: w.spec.name, storage: w.storage, bytes: w.data.length, ...(w.fallback ? { fallback: w.fallback } : {}) }));
  return { files, tensors, zip: () => zipFiles(files) };
}

/**
 * Exact sizes of a TF.js export in bytes: each file raw and gzip-9, their sums, and the zip's
 * length — the numbers the studio shows, equal to what the user downloads.
 */
export function tfjsExportSizes(exported: TfjsExport): ExportSizes {
  return exportSizes(exported.files);
}
