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
import { statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'fflate';
import { compressWithFineTuning } from '../model/train/retrain';
import { makeDataset, parseDatasetEntry, type LabelledDataset } from '../model/dataset';
import { compactBytes, decodeCompact, encodeCompact, exportTfjs, tfjsExportSizes } from '../model/export';
import { loadModelFiles } from '../model/modelInfo';
import { toArtifacts } from '../model/modelFiles';
import { parsePlan, type CompressionPlan } from '../model/plan';
import { toClassifier } from '../model/classifier';
import { MAX_WEIGHT_BYTES, nonFiniteMessage, nonFiniteWeights } from '../model/validateModel';
import { tfModelFromParts, partsFromArtifacts, type ModelParts, type TfModel } from '../model/weights';
import { evaluateModel } from '../runtime/evaluate';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { datasetCatalog, readDataset, useWasm } from '../node/io';
import { MAX_SMALL_JSON_BYTES, prepareOutputFolder, readModelFolder, readRegularFile, resolveInside } from '../node/files';

const USAGE = `usage:
  compression-studio compress <model.json> [--prune <ratio>] [--bits <n>] [--rank <r>] [--clusters <k>]
                     [--finetune <epochs> --train <catalog id | entry.json>]
                     [--plan plan.json] --format tfjs|compact --out <dir>
  compression-studio eval <model.json | file.cstu> --dataset <catalog id | entry.json>`;

const COMPRESS_FLAGS: Record<string, FlagSpec> = {
  prune: { type: 'number', help: 'share of kernel weights to zero, 0–0.99 (global magnitude)' },
  bits: { type: 'number', help: 'uniform quantization bits, 1–16', integer: true },
  rank: { type: 'number', help: 'low-rank: a whole rank, or a fraction of full rank in (0, 1)', above: 0 },
  clusters: { type: 'number', help: 'weight-sharing clusters per tensor, 2–65536', integer: true },
  finetune: { type: 'number', help: 'fine-tune for this many epochs after pruning (needs --train)', integer: true, min: 1 },
  train: { type: 'string', help: 'labelled training split for fine-tuning: a catalog id such as mnist-train, or an entry JSON file' },
  plan: { type: 'string', help: 'a compression plan JSON file' },
  format: { type: 'string', help: 'tfjs or compact' },
  out: { type: 'string', help: 'output directory' },
  zip: { type: 'boolean', help: 'also write model.zip (tfjs format)' },
};
const EVAL_FLAGS: Record<string, FlagSpec> = {
  dataset: { type: 'string', help: 'a data catalog id such as mnist-val, or a catalog entry JSON file' },
  limit: { type: 'number', help: 'evaluate the first N samples only, N a whole number ≥ 1', integer: true, min: 1 },
};

/** The largest compact file read: the weights' cap plus room for the topology header. */
const MAX_COMPACT_BYTES = MAX_WEIGHT_BYTES + 64 * 2 ** 20;

/**
 * Reads, validates and builds a model (model.json + shards, or a .cstu file) and returns its parts
 * and the tensors holding NaN / Infinity (loadModelFiles refuses any other fault, naming the file).
 */
async function readModel(path: string): Promise<{ parts: ModelParts; nonFinite: { name: string; count: number }[] }> {
  if (path.endsWith('.cstu')) {
    const parts = decodeCompact(new Uint8Array(readRegularFile(path, MAX_COMPACT_BYTES)));
    return { parts, nonFinite: nonFiniteWeights(parts.weights) };
  }
  const loaded = await loadModelFiles(readModelFolder(path), basename(path), { nonFinite: 'report' });
  loaded.model.dispose();
  return { parts: partsFromArtifacts(toArtifacts(loaded.checked)), nonFinite: loaded.nonFinite };
}

/** A JSON file named by a flag (e.g. --plan), parsed; a fault names the flag and the file. */
function readJsonFlag(flag: string, path: string): unknown {
  const what = `--${flag} ${path}`;
  const text = readRegularFile(path, MAX_SMALL_JSON_BYTES, what).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: is not valid JSON (${(e as Error).message}); fix the file`, { cause: e });
  }
}

function planFromFlags(flags: Record<string, string | number | boolean>): CompressionPlan {
  let plan: CompressionPlan = { version: 1 };
  if (flags.plan) {
    const json = readJsonFlag('plan', String(flags.plan));
    try {
      plan = parsePlan(json);
    } catch (e) {
      throw new Error(`--plan ${flags.plan}: ${(e as Error).message}`, { cause: e });
    }
  }
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
  if (plan.finetune && !flags.train) throw new UsageError('fine-tuning (--finetune or "finetune" in the plan) needs --train <catalog id | entry.json>, e.g. --train mnist-train');
  // Everything is read, validated and built before anything is written.
  const { parts, nonFinite } = await readModel(modelPath);
  if (nonFinite.length) throw new Error(`${basename(modelPath)}: ${nonFiniteMessage(nonFinite)} Nothing was written: compressing them would only store NaN.`);
  const original = parts.weights.reduce((a, w) => a + w.values.length * 4, 0) + statSync(modelPath).size;
  const train = plan.finetune ? datasetFrom(String(flags.train), 'train') : undefined;
  const out = prepareOutputFolder(String(flags.out), `--out ${flags.out}`);
  const result = await compressWithFineTuning(parts, plan, train, {
    onProgress: (done, total, what) => { if (done === total || done % 50 === 0) console.error(`${what} (${done}/${total} steps)`); },
  });
  if (!result) throw new Error('cancelled');
  const { compressed, tensors, skipped } = result;
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

/** A labelled data set from a catalog id or an entry JSON whose image and label files sit beside it (each read no larger than the entry declares). */
function datasetFrom(spec: string, flag = 'dataset'): LabelledDataset {
  if (spec.endsWith('.json')) {
    const entry = parseDatasetEntry(readJsonFlag(flag, spec), spec);
    const dir = dirname(spec);
    if (!entry.labels) throw new UsageError(`--${flag} ${spec}: the entry has no "labels" file; eval measures accuracy and needs labels`);
    const read = (rel: string, bytes: number) => {
      const real = resolveInside(dir, rel, `--${flag} ${spec}`);
      if (!real) throw new Error(`--${flag} ${spec}: the entry names "${rel}", which is not in ${dir}`);
      return new Uint8Array(readRegularFile(real, bytes, `${rel} (named by ${spec})`));
    };
    const sample = entry.shape.reduce((a, b) => a * b, 1);
    return makeDataset(entry, read(entry.images, entry.count * sample), read(entry.labels, entry.count));
  }
  if (!datasetCatalog().some((e) => e.id === spec)) {
    throw new UsageError(`--${flag} ${spec}: not in the catalog (${datasetCatalog().map((e) => e.id).join(', ')}) and not a .json entry file`);
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
  let nonFinite: { name: string; count: number }[];
  if (path.endsWith('.cstu')) {
    const raw = new Uint8Array(readRegularFile(path, MAX_COMPACT_BYTES));
    const parts = decodeCompact(raw);
    nonFinite = nonFiniteWeights(parts.weights);
    model = await tfModelFromParts(parts);
    bytes = raw.length;
    gzipBytes = gzipSync(raw, { level: 9 }).length;
  } else {
    const loaded = await loadModelFiles(readModelFolder(path), basename(path), { nonFinite: 'report' });
    model = loaded.model;
    nonFinite = loaded.nonFinite;
    bytes = loaded.info.size.raw;
    gzipBytes = loaded.info.size.gzip;
  }
  if (nonFinite.length) console.error(`warning: ${basename(path)}: ${nonFiniteMessage(nonFinite)} Evaluated anyway: the figures below are of that model.`);
  const classes = toClassifier(model).classes;
  if (classes !== ds.entry.classes.length) {
    model.dispose();
    throw new Error(`${basename(path)}: the model outputs ${classes} classes, but --dataset ${flags.dataset} has ${ds.entry.classes.length} (${ds.entry.name}); evaluate it on a data set with the model's classes`);
  }
  const r = await evaluateModel(model, ds, { limit: flags.limit === undefined ? undefined : Number(flags.limit) }, { job: 0, yieldNow: async () => {} });
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
      const { positionals, flags } = parseArgs(rest, command === 'compress' ? COMPRESS_FLAGS : EVAL_FLAGS, 1);
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
