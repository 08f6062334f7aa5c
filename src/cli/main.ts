/**
 * The headless CLI — the studio's own code for batch jobs and CI:
 *
 *   compression-studio compress <model.json> [--prune r [--score magnitude|taylor]] [--channels r [--channel-score l1|l2|taylor]]
 *                      [--bits n] [--rank r] [--clusters k]
 *                      [--finetune epochs | --distill epochs [--alpha a] [--temperature T] [--hard]] [--lr rate] [--limit n]
 *                      [--train <catalog id | entry.json | image folder> [--dataset <catalog id | entry.json>]]
 *                      [--plan plan.json] --format tfjs|compact --out <dir>
 *   compression-studio eval <model.json | file.cstu> --dataset <catalog id | entry.json>
 *   compression-studio convert <model.keras | model.h5> [--config config.json] --out <dir>
 *   compression-studio sweep <model> --grid prune=0,0.5 bits=8,4 --dataset <id> --out results.jsonl [--shard i/n]   (sweep.ts)
 *   compression-studio merge <results.jsonl>… --out <dir>   (merge.ts)
 *
 * Wherever a model.json is taken, a Keras file (.keras, .h5, .hdf5) is too: it is converted to
 * TF.js's layers format in memory and then checked exactly like a model.json. Training (fine-tuning,
 * distillation, Taylor scores) runs the studio's recovery engine on data prepared as the studio's
 * worker prepares it (trainData.ts), seeded: the same command gives the same bytes.
 *
 * Each prints one JSON line on stdout; progress and notes go to stderr; bad arguments or files print
 * `error: …` on stderr and exit 1 (2 for usage errors). compress's size fields, in bytes: `bytes` (the
 * export's files, model.zip aside), `openedBytes` (the files opened: model.json + shards, the Keras
 * file, or the .cstu file) and `float32Bytes` (the uncompressed model as float32 TF.js files), with
 * `ratioVsOpened` = openedBytes ÷ bytes and `ratioVsFloat32` = float32Bytes ÷ bytes (below 1: the
 * export is larger, which a note on stderr also says).
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'fflate';
import { compressWithRecovery, type RecoveryHooks } from '../model/train/recover';
import { compactBytes, decodeCompact, encodeCompact, exportTfjs, tfjsExportSizes } from '../model/export';
import { loadModelFiles } from '../model/modelInfo';
import { toArtifacts } from '../model/modelFiles';
import { toClassifier } from '../model/classifier';
import { hasKerasExtension, loadKerasModel } from '../model/keras/loadKeras';
import { kerasModelFiles, type KerasModel } from '../model/keras/readKeras';
import { MAX_WEIGHT_BYTES, nonFiniteMessage, nonFiniteWeights } from '../model/validateModel';
import { tfModelFromParts, partsFromArtifacts, type ModelParts, type TfModel } from '../model/weights';
import { evaluateModel } from '../runtime/evaluate';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { PLAN_FLAGS, planFromFlags, readJsonFlag } from './planFlags';
import { needsCalibrationData, usesTaylorScores } from '../model/planFields';
import { CALIBRATION_SAMPLES } from '../model/calibrate';
import { datasetFrom, trainDataFrom } from './trainData';
import { useWasm } from '../node/io';
import { compressModel } from '../model/compress';
import { EMPTY_PLAN } from '../model/plan';
import { compareSizes, sizeRatio } from '../core/sizeRatio';
import { prepareOutputFolder, readModelFolder, readRegularFile } from '../node/files';
import { sweepCommand, SWEEP_USAGE } from './sweep';
import { mergeCommand, MERGE_USAGE } from './merge';

const USAGE = `usage:
  compression-studio compress <model.json | model.keras | model.h5>
                     [--prune <ratio> [--score magnitude|taylor]] [--channels <ratio> [--channel-score l1|l2|taylor]]
                     [--bits <n> [--granularity tensor|channel] [--scheme affine|symmetric] [--equalize]
                      [--calibration minmax|mse|bias|output|adaround] [--calibrate <catalog id | entry.json | image folder>]]
                     [--rank <r>] [--clusters <k>]
                     [--finetune <epochs> | --distill <epochs> [--alpha <0–1>] [--temperature <T ≥ 1>] [--hard]]
                     [--lr <rate>] [--limit <samples>]
                     [--train <catalog id | entry.json | image folder> [--dataset <catalog id | entry.json>]]
                     [--plan plan.json] --format tfjs|compact --out <dir>
  compression-studio eval <model.json | model.keras | model.h5 | file.cstu> --dataset <catalog id | entry.json>
  compression-studio convert <model.keras | model.h5 | x.weights.h5 --config config.json> --out <dir>
${SWEEP_USAGE}
${MERGE_USAGE}

  --train: the data a recovery or Taylor score trains on. An image folder holds PNG / JPEG files,
  one subfolder per class (labelled, classes in sorted order) or none (unlabelled: --distill only);
  its images are stretched to the model's input and scaled by 1/255, or preprocessed as --dataset's
  entry when given. A catalog split is preprocessed as its data set's validation split.
  --calibrate: the data post-training calibration measures the model on (no labels needed; the
  first ${CALIBRATION_SAMPLES} of a seeded shuffle), read as --train is; alone it means --calibration adaround.`;

const COMPRESS_FLAGS: Record<string, FlagSpec> = {
  ...PLAN_FLAGS,
  train: { type: 'string', help: 'training data for --finetune, --distill or Taylor scores: a catalog id such as mnist-train, an entry JSON file, or an image folder' },
  calibrate: { type: 'string', help: 'calibration data for --calibration output | adaround (no labels needed): a catalog id, an entry JSON file, or an image folder' },
  dataset: { type: 'string', help: 'preprocess the --train data as this data set (catalog id or entry JSON), e.g. the model\'s validation data' },
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
async function readModel(path: string): Promise<{ parts: ModelParts; nonFinite: { name: string; count: number }[]; openedBytes: number }> {
  if (path.endsWith('.cstu')) {
    const bytes = new Uint8Array(readRegularFile(path, MAX_COMPACT_BYTES));
    const parts = decodeCompact(bytes);
    return { parts, nonFinite: nonFiniteWeights(parts.weights), openedBytes: bytes.length };
  }
  const loaded = await loadModelPath(path);
  loaded.model.dispose();
  // The files opened: a Keras file's own bytes, or the model.json with the shards it names (as the studio counts them).
  return { parts: partsFromArtifacts(toArtifacts(loaded.checked)), nonFinite: loaded.nonFinite, openedBytes: loaded.source?.bytes ?? loaded.info.size.raw };
}

/**
 * Training progress on stderr: every 50 steps and the last, with the mean loss and agreement with
 * the original's top class over the steps since the previous line; each pass without training
 * figures (the original's outputs, Taylor scores) once, when it starts.
 */
function progressPrinter(): RecoveryHooks['onProgress'] {
  let sum = { loss: 0, agree: 0, n: 0 };
  const shown = new Set<string>();
  return (done, total, what, metrics) => {
    if (!metrics) {
      const pass = what.replace(/: batch .*$/, '');
      if (!shown.has(pass)) console.error(`${pass} …`);
      shown.add(pass);
      return;
    }
    sum = { loss: sum.loss + metrics.loss, agree: sum.agree + metrics.agreement, n: sum.n + 1 };
    if (done !== total && done % 50 !== 0) return;
    console.error(`${what} (${done}/${total} steps) loss ${(sum.loss / sum.n).toFixed(4)} agreement ${(100 * sum.agree / sum.n).toFixed(1)}%`);
    sum = { loss: 0, agree: 0, n: 0 };
  };
}

async function compress(positionals: string[], flags: Record<string, string | number | boolean>) {
  const [modelPath] = positionals;
  if (!modelPath) throw new UsageError('compress needs a model.json or a Keras .keras / .h5 file');
  const format = flags.format ?? 'tfjs';
  if (format !== 'tfjs' && format !== 'compact') throw new UsageError(`--format must be tfjs or compact, got "${format}"`);
  if (!flags.out) throw new UsageError('compress needs --out <dir>');
  const plan = planFromFlags(flags);
  const recovers = Boolean(plan.finetune || plan.distill) || usesTaylorScores(plan);
  const calibrates = needsCalibrationData(plan) && !recovers;
  if (calibrates && !flags.calibrate) throw new UsageError(`--calibration ${typeof plan.quantize === 'object' ? plan.quantize.calibrate : ''} measures the model on calibration data: give --calibrate <catalog id | entry.json | image folder>, e.g. --calibrate mnist-train, or a data-free --calibration (mse, bias)`);
  if (flags.calibrate && !calibrates) throw new UsageError(recovers ? '--calibrate is post-training calibration data; a recovery trains on --train instead (and fits the grid itself): leave --calibrate out' : '--calibrate is the data of --calibration output | adaround');
  if (flags.calibrate && flags.train) throw new UsageError('--train and --calibrate both name data: give one');
  const trains = recovers;
  if (trains && !flags.train) {
    const what = plan.finetune ? 'fine-tuning (--finetune or "finetune" in the plan)' : plan.distill ? 'distillation (--distill or "distill" in the plan)' : 'Taylor scores (--score / --channel-score taylor)';
    throw new UsageError(`${what} needs --train <catalog id | entry.json${plan.finetune ? '' : ' | image folder'}>, e.g. --train mnist-train`);
  }
  if (!trains && flags.train) throw new UsageError('--train is the data of --finetune, --distill or Taylor scores; give one of them, or leave --train out');
  if (flags.dataset && !flags.train && !flags.calibrate) throw new UsageError('--dataset sets how the --train / --calibrate data is preprocessed; give one of them, or leave --dataset out');
  // Everything is read, validated and built before anything is written.
  const { parts, nonFinite, openedBytes } = await readModel(modelPath);
  if (nonFinite.length) throw new Error(`${basename(modelPath)}: ${nonFiniteMessage(nonFinite)} Nothing was written: compressing them would only store NaN.`);
  // The uncompressed model written as TF.js files (every weight float32, a uint8 model's dequantized), measured as the studio measures
  // it (its summary's tfjs.raw is these files' length), without the compact file the summary would also encode.
  const float32 = exportTfjs(compressModel(parts, EMPTY_PLAN).compressed).files.reduce((a, f) => a + f.bytes.length, 0);
  let train;
  if (trains || calibrates) {
    const model = await tfModelFromParts(parts);
    const { inputShape, classes } = toClassifier(model);
    model.dispose();
    const prepared = trainDataFrom(String(flags.train ?? flags.calibrate), plan, { inputShape, classes }, flags.dataset === undefined ? undefined : String(flags.dataset), flags.calibrate ? 'calibrate' : 'train');
    for (const note of prepared.notes) console.error(`note: ${note}`);
    train = prepared.data;
  }
  const out = prepareOutputFolder(String(flags.out), `--out ${flags.out}`);
  const result = await compressWithRecovery(parts, plan, train, { onProgress: progressPrinter() });
  if (!result) throw new Error('cancelled');
  const { compressed, tensors, skipped, equalization, calibration } = result;
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
    format, out, files, bytes, gzipBytes: main.reduce((a, f) => a + f.gzipBytes, 0),
    openedBytes, ratioVsOpened: Number(sizeRatio(openedBytes, bytes).toFixed(3)), float32Bytes: float32, ratioVsFloat32: Number(sizeRatio(float32, bytes).toFixed(3)),
    sparsity: Number(sparsity.toFixed(4)), plan,
    modelFormat: parts.format ?? 'layers-model', ...(skipped.length ? { skipped } : {}),
    ...(calibration ? { calibrated: calibration.map((c) => ({ layer: c.layer, method: c.method, ...(c.reason ? { reason: c.reason } : {}), ...(c.error ? { outputMse: { minmax: Number(c.error.minmax.toPrecision(4)), final: Number(c.error.final.toPrecision(4)) } } : {}), ms: c.ms })) } : {}),
    ...(equalization ? { equalized: equalization.filter((e) => e.next).map((e) => ({ layer: e.layer, next: e.next, ...(e.foldedBn ? { foldedBn: e.foldedBn } : {}) })) } : {}),
  }));
  for (const why of skipped) console.error(`note: ${why}`);
  if (bytes >= openedBytes) console.error(`note: ${compareSizes(openedBytes, bytes, format === 'tfjs' ? 'the TF.js files' : 'the compact file', `the ${hasKerasExtension(modelPath) || modelPath.endsWith('.cstu') ? 'file' : 'files'} you opened (${openedBytes} bytes)`)}`);
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
    if (command === 'sweep' || command === 'merge') {
      await (command === 'sweep' ? sweepCommand(rest) : mergeCommand(rest));
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
