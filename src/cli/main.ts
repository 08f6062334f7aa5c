/**
 * The headless CLI — the studio's own code for batch jobs and CI:
 *
 *   compression-studio compress <model.json> [--prune r] [--bits n] [--rank r] [--clusters k]
 *                      [--finetune epochs --train <catalog id | entry.json>]
 *                      [--plan plan.json] --format tfjs|compact --out <dir>
 *   compression-studio eval <model.json | file.cstu> --dataset <catalog id | entry.json>
 *
 * Each prints one JSON line on stdout; bad arguments or files print `error: …` on stderr and exit 1
 * (2 for usage errors).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'fflate';
import * as tf from '@tensorflow/tfjs';
import { compressWithFineTuning } from '../model/train/retrain';
import { makeDataset, parseDatasetEntry, type LabelledDataset } from '../model/dataset';
import { compactBytes, decodeCompact, encodeCompact, exportTfjs, tfjsExportSizes } from '../model/export';
import { loadModelFiles } from '../model/modelInfo';
import { checkModelFiles, toArtifacts, type ModelFile } from '../model/modelFiles';
import { parsePlan, type CompressionPlan } from '../model/plan';
import { tfModelFromParts, partsFromArtifacts, type ModelParts, type TfModel } from '../model/weights';
import { evaluateModel } from '../runtime/evaluate';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { datasetCatalog, readDataset, useWasm } from '../node/io';
import { supportedLayerClasses } from '../model/modelInfo';

const USAGE = `usage:
  compression-studio compress <model.json> [--prune <ratio>] [--bits <n>] [--rank <r>] [--clusters <k>]
                     [--finetune <epochs> --train <catalog id | entry.json>]
                     [--plan plan.json] --format tfjs|compact --out <dir>
  compression-studio eval <model.json | file.cstu> --dataset <catalog id | entry.json>`;

const COMPRESS_FLAGS: Record<string, FlagSpec> = {
  prune: { type: 'number', help: 'share of kernel weights to zero, 0–0.99 (global magnitude)' },
  bits: { type: 'number', help: 'uniform quantization bits, 1–16' },
  rank: { type: 'number', help: 'low-rank: a whole rank, or a fraction of full rank in (0, 1)' },
  clusters: { type: 'number', help: 'weight-sharing clusters per tensor, 2–65536' },
  finetune: { type: 'number', help: 'fine-tune for this many epochs after pruning (needs --train)' },
  train: { type: 'string', help: 'labelled training split for fine-tuning: a catalog id such as mnist-train, or an entry JSON file' },
  plan: { type: 'string', help: 'a compression plan JSON file' },
  format: { type: 'string', help: 'tfjs or compact' },
  out: { type: 'string', help: 'output directory' },
  zip: { type: 'boolean', help: 'also write model.zip (tfjs format)' },
};
const EVAL_FLAGS: Record<string, FlagSpec> = {
  dataset: { type: 'string', help: 'a data catalog id such as mnist-val, or a catalog entry JSON file' },
  limit: { type: 'number', help: 'evaluate the first N samples only' },
};

/** Reads model.json and the shards its manifest names from the same folder. */
function readModelFolder(path: string): ModelFile[] {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  const bytes = (p: string) => { const b = readFileSync(p); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer; };
  const files: ModelFile[] = [{ name: basename(path), bytes: bytes(path) }];
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as tf.io.ModelJSON;
    for (const group of json.weightsManifest ?? []) {
      for (const p of group.paths) if (existsSync(join(dirname(path), p))) files.push({ name: p, bytes: bytes(join(dirname(path), p)) });
    }
  } catch {
    // checkModelFiles names the JSON fault
  }
  return files;
}

function readParts(path: string): ModelParts {
  if (path.endsWith('.cstu')) return decodeCompact(new Uint8Array(readFileSync(path)));
  return partsFromArtifacts(toArtifacts(checkModelFiles(readModelFolder(path), supportedLayerClasses())));
}

function planFromFlags(flags: Record<string, string | number | boolean>): CompressionPlan {
  const plan: CompressionPlan = flags.plan ? parsePlan(JSON.parse(readFileSync(String(flags.plan), 'utf8'))) : { version: 1 };
  if (flags.prune !== undefined) plan.prune = { ...plan.prune, ratio: Number(flags.prune), scope: plan.prune?.scope ?? 'global' };
  if (flags.bits !== undefined) plan.quantize = { ...(typeof plan.quantize === 'object' ? plan.quantize : {}), bits: Number(flags.bits) };
  if (flags.clusters !== undefined) plan.cluster = { ...plan.cluster, k: Number(flags.clusters) };
  if (flags.finetune !== undefined) plan.finetune = { ...plan.finetune, epochs: Number(flags.finetune) };
  if (flags.rank !== undefined) {
    const r = Number(flags.rank);
    plan.lowRank = r > 0 && r < 1 ? { by: 'fraction', value: r } : { by: 'rank', value: r };
  }
  return parsePlan(plan);
}

async function compress(positionals: string[], flags: Record<string, string | number | boolean>) {
  const [modelPath] = positionals;
  if (!modelPath) throw new UsageError('compress needs a model.json');
  const format = flags.format ?? 'tfjs';
  if (format !== 'tfjs' && format !== 'compact') throw new UsageError(`--format must be tfjs or compact, got "${format}"`);
  if (!flags.out) throw new UsageError('compress needs --out <dir>');
  const plan = planFromFlags(flags);
  const parts = readParts(modelPath);
  const original = parts.weights.reduce((a, w) => a + w.values.length * 4, 0) + statSync(modelPath).size;
  if (plan.finetune && !flags.train) throw new UsageError('fine-tuning (--finetune or "finetune" in the plan) needs --train <catalog id | entry.json>, e.g. --train mnist-train');
  const train = plan.finetune ? datasetFrom(String(flags.train)) : undefined;
  const result = await compressWithFineTuning(parts, plan, train, {
    onProgress: (done, total, what) => { if (done === total || done % 50 === 0) console.error(`${what} (${done}/${total} steps)`); },
  });
  if (!result) throw new Error('cancelled');
  const { compressed, tensors, skipped } = result;
  const out = resolve(String(flags.out));
  mkdirSync(out, { recursive: true });
  let files: { name: string; bytes: number; gzipBytes: number }[];
  if (format === 'tfjs') {
    const exported = exportTfjs(compressed);
    for (const f of exported.files) writeFileSync(join(out, f.name), f.bytes);
    const sizes = tfjsExportSizes(exported);
    files = sizes.files;
    if (flags.zip) {
      const zip = exported.zip();
      writeFileSync(join(out, 'model.zip'), zip);
      files = [...files, { name: 'model.zip', bytes: zip.length, gzipBytes: gzipSync(zip, { level: 9 }).length }];
    }
  } else {
    const bytes = encodeCompact(compressed);
    if (bytes.length !== compactBytes(compressed).total) throw new Error('internal: compact size mismatch');
    writeFileSync(join(out, 'model.cstu'), bytes);
    files = [{ name: 'model.cstu', bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length }];
  }
  const main = files.filter((f) => f.name !== 'model.zip');
  const bytes = main.reduce((a, f) => a + f.bytes, 0);
  const kernels = tensors.filter((t) => t.kernel);
  const params = kernels.reduce((a, t) => a + t.params, 0);
  const sparsity = params ? kernels.reduce((a, t) => a + t.sparsity * t.params, 0) / params : 0;
  console.log(JSON.stringify({
    format, out, files, bytes, gzipBytes: main.reduce((a, f) => a + f.gzipBytes, 0), originalBytes: original,
    ratio: Number((original / bytes).toFixed(3)), sparsity: Number(sparsity.toFixed(4)), plan,
    modelFormat: parts.format ?? 'layers-model', ...(skipped.length ? { skipped } : {}),
  }));
  for (const why of skipped) console.error(`note: ${why}`);
}

function datasetFrom(spec: string): LabelledDataset {
  if (spec.endsWith('.json')) {
    const entry = parseDatasetEntry(JSON.parse(readFileSync(spec, 'utf8')), spec);
    const dir = dirname(spec);
    if (!entry.labels) throw new UsageError(`--dataset ${spec}: the entry has no "labels" file; eval measures accuracy and needs labels`);
    return makeDataset(entry, new Uint8Array(readFileSync(join(dir, entry.images))), new Uint8Array(readFileSync(join(dir, entry.labels))));
  }
  if (!datasetCatalog().some((e) => e.id === spec)) {
    throw new UsageError(`--dataset ${spec}: not in the catalog (${datasetCatalog().map((e) => e.id).join(', ')}) and not a .json entry file`);
  }
  return readDataset(spec);
}

async function evaluate(positionals: string[], flags: Record<string, string | number | boolean>) {
  const [path] = positionals;
  if (!path) throw new UsageError('eval needs a model.json or a .cstu file');
  if (!flags.dataset) throw new UsageError('eval needs --dataset <catalog id | entry.json>');
  const ds = datasetFrom(String(flags.dataset));
  let model: TfModel;
  let bytes: number;
  let gzipBytes: number;
  if (path.endsWith('.cstu')) {
    const raw = new Uint8Array(readFileSync(path));
    model = await tfModelFromParts(decodeCompact(raw));
    bytes = raw.length;
    gzipBytes = gzipSync(raw, { level: 9 }).length;
  } else {
    const loaded = await loadModelFiles(readModelFolder(path), basename(path));
    model = loaded.model;
    bytes = loaded.info.size.raw;
    gzipBytes = loaded.info.size.gzip;
  }
  const r = await evaluateModel(model, ds, { limit: flags.limit ? Number(flags.limit) : undefined }, { job: 0, yieldNow: async () => {} });
  if (r.type !== 'done') throw new Error('cancelled');
  console.log(JSON.stringify({
    accuracy: r.accuracy, loss: Number(r.loss.toFixed(6)), bytes, gzipBytes, latencyMs: Number(r.latency.medianMs.toFixed(4)),
    latencyP90Ms: Number(r.latency.p90Ms.toFixed(4)), backend: r.backend, dataset: ds.entry.id, count: r.count,
  }));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'compress' || command === 'eval') {
      const { positionals, flags } = parseArgs(rest, command === 'compress' ? COMPRESS_FLAGS : EVAL_FLAGS);
      await useWasm();
      await (command === 'compress' ? compress(positionals, flags) : evaluate(positionals, flags));
      return 0;
    }
    if (command === undefined || command === '--help' || command === 'help') {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    const usage = e instanceof UsageError;
    console.error(`error: ${(e as Error).message}${usage ? `\n${USAGE}` : ''}`);
    return usage ? 2 : 1;
  }
}
