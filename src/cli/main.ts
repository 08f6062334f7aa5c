/**
 * The headless CLI — the studio's own code for batch jobs and CI:
 *
 *   compression-studio compress <model.json> [--prune r] [--bits n] [--rank r] [--clusters k]
 *                      [--finetune epochs --train <catalog id | entry.json>]
 *                      [--plan plan.json] --format tfjs|compact --out <dir>
 *   compression-studio eval <model.json | file.cstu> --dataset <catalog id | entry.json>
 *   compression-studio convert <model.keras | model.h5> [--config config.json] --out <dir>
 *
 * Wherever a model.json is taken, a Keras file (.keras, .h5, .hdf5) is too: it is converted to
 * TF.js's layers format in memory and then checked exactly like a model.json.
 *
 * Each prints one JSON line on stdout; bad arguments or files print `error: …` on stderr and exit 1
 * (2 for usage errors).
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'fflate';
import { compressWithRecovery } from '../model/train/recover';
import { makeDataset, parseDatasetEntry, type LabelledDataset } from '../model/dataset';
import { compactBytes, decodeCompact, encodeCompact, exportTfjs, tfjsExportSizes } from '../model/export';
import { loadModelFiles } from '../model/modelInfo';
import { toArtifacts } from '../model/modelFiles';
import { parsePlan, type CompressionPlan } from '../model/plan';
import { toClassifier } from '../model/classifier';
import { hasKerasExtension, loadKerasModel } from '../model/keras/loadKeras';
import { kerasModelFiles, type KerasModel } from '../model/keras/readKeras';
import { MAX_WEIGHT_BYTES, nonFiniteMessage, nonFiniteWeights } from '../model/validateModel';
import { tfModelFromParts, partsFromArtifacts, type ModelParts, type TfModel } from '../model/weights';
import { evaluateModel } from '../runtime/evaluate';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { datasetCatalog, readDataset, useWasm } from '../node/io';
import { MAX_SMALL_JSON_BYTES, prepareOutputFolder, readModelFolder, readRegularFile, resolveInside } from '../node/files';

const USAGE = `usage:
  compression-studio compress <model.json | model.keras | model.h5> [--prune <ratio>] [--bits <n>] [--rank <r>] [--clusters <k>]
                     [--finetune <epochs> --train <catalog id | entry.json>]
                     [--plan plan.json] --format tfjs|compact --out <dir>
  compression-studio eval <model.json | model.keras | model.h5 | file.cstu> --dataset <catalog id | entry.json>
  compression-studio convert <model.keras | model.h5 | x.weights.h5 --config config.json> --out <dir>`;

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

const CONVERT_FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string', help: 'output directory for model.json and weights.bin' },
  config: { type: 'string', help: 'the Keras config.json a weights-only .weights.h5 belongs to' },
};

/** The largest compact file read: the weights' cap plus room for the topology header. */
const MAX_COMPACT_BYTES = MAX_WEIGHT_BYTES + 64 * 2 ** 20;
/** The largest Keras file read: the weights' cap twice over, since a Keras file may hold the optimizer's state too. */
const MAX_KERAS_BYTES = 2 * MAX_WEIGHT_BYTES;

/** A model file as loadModelFiles gives it, and the size of the model.json the model came with (converted, for a Keras file). */
type Loaded = Awaited<ReturnType<typeof loadModelFiles>> & { jsonBytes: number; keras?: KerasModel; source?: { format: string; kerasVersion: string; bytes: number } };

/** Reads, converts when it is a Keras file, validates and builds a model.json or Keras file (NaN / Infinity weights reported). */
async function loadModelPath(path: string, kerasConfig?: Record<string, unknown>): Promise<Loaded> {
  if (hasKerasExtension(path)) {
    const bytes = new Uint8Array(readRegularFile(path, MAX_KERAS_BYTES));
    const loaded = await loadKerasModel(basename(path), bytes, { nonFinite: 'report', config: kerasConfig });
    return { ...loaded, jsonBytes: loaded.checked.jsonBytes.byteLength, source: { format: loaded.keras.format, kerasVersion: loaded.keras.kerasVersion, bytes: bytes.length } };
  }
  const loaded = await loadModelFiles(readModelFolder(path), basename(path), { nonFinite: 'report' });
  return { ...loaded, jsonBytes: loaded.checked.jsonBytes.byteLength };
}

/**
 * Reads, validates and builds a model (model.json + shards, or a .cstu file) and returns its parts
 * and the tensors holding NaN / Infinity (loadModelFiles refuses any other fault, naming the file).
 */
async function readModel(path: string): Promise<{ parts: ModelParts; nonFinite: { name: string; count: number }[]; jsonBytes: number }> {
  if (path.endsWith('.cstu')) {
    const bytes = new Uint8Array(readRegularFile(path, MAX_COMPACT_BYTES));
    const parts = decodeCompact(bytes);
    return { parts, nonFinite: nonFiniteWeights(parts.weights), jsonBytes: bytes.length };
  }
  const loaded = await loadModelPath(path);
  loaded.model.dispose();
  return { parts: partsFromArtifacts(toArtifacts(loaded.checked)), nonFinite: loaded.nonFinite, jsonBytes: loaded.jsonBytes };
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
  if (!modelPath) throw new UsageError('compress needs a model.json or a Keras .keras / .h5 file');
  const format = flags.format ?? 'tfjs';
  if (format !== 'tfjs' && format !== 'compact') throw new UsageError(`--format must be tfjs or compact, got "${format}"`);
  if (!flags.out) throw new UsageError('compress needs --out <dir>');
  const plan = planFromFlags(flags);
  if (plan.finetune && !flags.train) throw new UsageError('fine-tuning (--finetune or "finetune" in the plan) needs --train <catalog id | entry.json>, e.g. --train mnist-train');
  // Everything is read, validated and built before anything is written.
  const { parts, nonFinite, jsonBytes } = await readModel(modelPath);
  if (nonFinite.length) throw new Error(`${basename(modelPath)}: ${nonFiniteMessage(nonFinite)} Nothing was written: compressing them would only store NaN.`);
  // float32 weights plus the model.json (for a Keras file, the converted one: its own bytes also hold optimizer state)
  const original = parts.weights.reduce((a, w) => a + w.values.length * 4, 0) + jsonBytes;
  const train = plan.finetune ? datasetFrom(String(flags.train), 'train') : undefined;
  const out = prepareOutputFolder(String(flags.out), `--out ${flags.out}`);
  const result = await compressWithRecovery(parts, plan, train, {
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
  if (!path) throw new UsageError('eval needs a model.json, a Keras .keras / .h5 file or a .cstu file');
  if (!flags.dataset) throw new UsageError('eval needs --dataset <catalog id | entry.json>');
  const ds = datasetFrom(String(flags.dataset));
  let model: TfModel;
  let bytes: number;
  let gzipBytes: number;
  let nonFinite: { name: string; count: number }[];
  let source: Loaded['source'];
  if (path.endsWith('.cstu')) {
    const raw = new Uint8Array(readRegularFile(path, MAX_COMPACT_BYTES));
    const parts = decodeCompact(raw);
    nonFinite = nonFiniteWeights(parts.weights);
    model = await tfModelFromParts(parts);
    bytes = raw.length;
    gzipBytes = gzipSync(raw, { level: 9 }).length;
  } else {
    const loaded = await loadModelPath(path);
    model = loaded.model;
    nonFinite = loaded.nonFinite;
    source = loaded.source;
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
    latencyP90Ms: Number(r.latency.p90Ms.toFixed(4)), backend: r.backend, dataset: ds.entry.id, count: r.count, ...(source ? { source } : {}),
  }));
}

/** convert: a Keras file → the plain TF.js layers model (model.json + weights.bin), checked and built before writing. */
async function convert(positionals: string[], flags: Record<string, string | number | boolean>) {
  const [path] = positionals;
  if (!path) throw new UsageError('convert needs a Keras .keras or .h5 file');
  if (!hasKerasExtension(path)) throw new UsageError(`convert reads Keras files (.keras, .h5, .hdf5), got "${basename(path)}"${path.endsWith('.json') ? '; a model.json is already a TF.js model' : ''}`);
  if (!flags.out) throw new UsageError('convert needs --out <dir>');
  const config = flags.config ? readJsonFlag('config', String(flags.config)) : undefined;
  if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) throw new Error(`--config ${flags.config}: is not a Keras model config (a JSON object); give the model's config.json`);
  const loaded = await loadModelPath(path, config as Record<string, unknown> | undefined);
  loaded.model.dispose();
  if (loaded.nonFinite.length) console.error(`warning: ${basename(path)}: ${nonFiniteMessage(loaded.nonFinite)} Converted anyway.`);
  const out = prepareOutputFolder(String(flags.out), `--out ${flags.out}`);
  if (!loaded.keras) throw new Error('internal: a Keras file was read without its conversion');
  const files = kerasModelFiles(loaded.keras).map((f) => {
    writeFileSync(join(out, f.name), new Uint8Array(f.bytes));
    return { name: f.name, bytes: f.bytes.byteLength };
  });
  console.log(JSON.stringify({
    out, files, bytes: files.reduce((a, f) => a + f.bytes, 0), params: loaded.info.params, layers: loaded.info.layers.length,
    inputShape: loaded.info.inputShape, outputShape: loaded.info.outputShape, source: loaded.source,
  }));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'compress' || command === 'eval' || command === 'convert') {
      const { positionals, flags } = parseArgs(rest, command === 'compress' ? COMPRESS_FLAGS : command === 'eval' ? EVAL_FLAGS : CONVERT_FLAGS, 1);
      await useWasm();
      await (command === 'compress' ? compress(positionals, flags) : command === 'eval' ? evaluate(positionals, flags) : convert(positionals, flags));
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
