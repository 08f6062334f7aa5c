/**
 * `compression-studio sweep <model> --grid prune=0,0.5,0.8 bits=8,4 --dataset <id | entry.json> --out results.jsonl [--shard i/n]`
 *
 * Compresses the model by every cell of the grid (grid.ts: fixed cell order, cell k in shard
 * k mod n) that belongs to this shard, measures each as the studio measures a sweep point
 * (sweepCell.ts) and appends one JSON line per cell to --out as soon as it is measured: the
 * studio report's point fields (id = cell + 1, kind 'sweep', label, modelName, accuracy, metric,
 * meanKl, compactBytes, tfjsBytes, gzipBytes, latencyMs, backend, dataset, preprocessing, plan,
 * trainData, openedBytes, float32Bytes, ratios) and `samples` (measured on), `cell`, `cells` (the
 * grid's size), `grid` (gridKey) and `shard` ("i/n"). Run again with the same command, it skips the cells already in
 * --out (a resumed job); a file of another sweep is refused. Seeded: the same command gives the
 * same bytes and accuracy (latency is measured, so it varies).
 */
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { prepareOutputFolder } from '../node/files';
import { toClassifier } from '../model/classifier';
import { fitDataset, imageInputShape } from '../model/data/imageFit';
import type { Dataset } from '../model/dataset';
import type { CompressionPlan } from '../model/plan';
import { needsCalibrationData, needsTrainData } from '../model/planFields';
import { tfModelFromParts } from '../model/weights';
import { evaluateModel } from '../runtime/evaluate';
import { useWasm } from '../node/io';
import { reportJson } from '../state/report';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { gridCells, gridKey, parseGrid, parseShard, shardCells, shardText, GRID_AXES } from './grid';
import { PLAN_FLAGS } from './planFlags';
import { cellPlan, measureCell, type CellContext } from './sweepCell';
import { openSweepModel, studioModelName } from './sweepModel';
import { datasetFrom, trainDataFrom } from './trainData';

/** The usage lines of sweep, for the CLI's usage text. */
export const SWEEP_USAGE = `  compression-studio sweep <model.json | model.keras | model.h5 | file.cstu> --grid <axis>=<v1>,<v2>… [<axis>=…]
                     --dataset <catalog id | entry.json> --out results.jsonl [--shard <i>/<n>] [--limit <samples>]
                     [compress's plan flags for every cell: --score, --granularity, --plan, --finetune | --distill … --train <data>, --train-limit <samples>]
    axes (cells in this order, the first slowest): ${GRID_AXES.join(', ')}; prune 0, channels 0, rank 0, clusters 0, bits 32: not applied; bits f16: float16.
    --shard i/n runs cells k with k mod n = i (i from 0), e.g. --shard "$JOB_COMPLETION_INDEX/4"; --limit measures the first N samples.`;

const { limit: trainLimit, ...planFlags } = PLAN_FLAGS;
const SWEEP_FLAGS: Record<string, FlagSpec> = {
  ...planFlags,
  'train-limit': { ...trainLimit, help: 'train on the first N samples of --train only' },
  train: { type: 'string', help: 'training data for --finetune, --distill or Taylor scores: a catalog id such as mnist-train, an entry JSON file, or an image folder (preprocessed as --dataset)' },
  calibrate: { type: 'string', help: 'calibration data for --calibration output | adaround: a catalog id, an entry JSON file, or an image folder' },
  dataset: { type: 'string', help: 'the data every point is measured on: a catalog id such as mnist-val, or an entry JSON file' },
  out: { type: 'string', help: 'the results file (JSON lines), appended to' },
  shard: { type: 'string', help: 'i/n: run this worker\'s share of the cells' },
  limit: { type: 'number', help: 'measure on the first N samples of --dataset only', integer: true, min: 1 },
};

/** Splits argv into the words after --grid (up to the next --flag) and the rest. */
function splitGrid(argv: readonly string[]): { grid: string[]; rest: string[]; given: boolean } {
  const i = argv.indexOf('--grid');
  if (i < 0) return { grid: [], rest: [...argv], given: false };
  let j = i + 1;
  while (j < argv.length && !argv[j].startsWith('--')) j++;
  return { grid: argv.slice(i + 1, j), rest: [...argv.slice(0, i), ...argv.slice(j)], given: true };
}

/** The data set fitted to the model's image input as the studio's worker fits it (a flat input takes it as it is). */
function fitted(ds: Dataset, inputShape: number[]): Dataset {
  let shape: [number, number, number];
  try {
    shape = imageInputShape(inputShape);
  } catch {
    return ds;
  }
  const fit = fitDataset(ds, shape);
  return { ...fit, entry: { ...fit.entry, id: ds.entry.id, name: ds.entry.name, scale: ds.entry.scale, mean: ds.entry.mean, std: ds.entry.std } };
}

/** Cells already in `out` for this sweep; throws naming the file and line when it holds lines of another sweep. */
function cellsDone(out: string, grid: string, plans: CompressionPlan[], modelName: string, dataset: string): Set<number> {
  const done = new Set<number>();
  if (!existsSync(out)) return done;
  if (!statSync(out).isFile()) throw new Error(`--out ${out}: is not a file; give a results file name such as results.jsonl`);
  const text = readFileSync(out, 'utf8');
  const lines = text.split('\n');
  // A line cut short (a killed run) is the last one, without its newline: dropped, measured again.
  if (!text.endsWith('\n') && lines.at(-1) !== '') {
    writeFileSync(out, lines.slice(0, -1).map((l) => `${l}\n`).join(''));
    console.error(`note: ${out}: its last line was cut short; that cell is measured again`);
  }
  lines.slice(0, -1).forEach((line, i) => {
    if (!line.trim()) return;
    let p: { grid?: string; cell?: number; modelName?: string; dataset?: string; plan?: unknown };
    try {
      p = JSON.parse(line);
    } catch {
      throw new Error(`--out ${out}: line ${i + 1} is not JSON; it is not a sweep's results file (give another --out)`);
    }
    if (p.grid !== grid || p.modelName !== modelName || p.dataset !== dataset || typeof p.cell !== 'number' || JSON.stringify(p.plan) !== JSON.stringify(plans[p.cell])) {
      throw new Error(`--out ${out}: line ${i + 1} is of another sweep (${p.modelName} on ${p.dataset}, grid "${p.grid}", plan ${JSON.stringify(p.plan)}); give another --out, or delete the file`);
    }
    done.add(p.cell);
  });
  return done;
}

/** Runs `sweep` (file comment) on `argv` (the words after "sweep"); prints a summary JSON line on stdout. */
export async function sweepCommand(argv: readonly string[]): Promise<void> {
  const split = splitGrid(argv);
  const { positionals, flags } = parseArgs(split.rest, SWEEP_FLAGS, 1);
  const [modelPath] = positionals;
  if (!modelPath) throw new UsageError('sweep needs a model.json, a Keras .keras / .h5 file or a .cstu file');
  const grid = parseGrid(split.grid);
  for (const { axis } of grid.axes) if (flags[axis] !== undefined) throw new UsageError(`--${axis} and --grid ${axis}=… both set ${axis}: give it in one place`);
  const shard = parseShard(flags.shard === undefined ? undefined : String(flags.shard));
  if (!flags.dataset) throw new UsageError('sweep needs --dataset <catalog id | entry.json>, the data every point is measured on');
  if (!flags.out) throw new UsageError('sweep needs --out <results.jsonl>');
  const { train, calibrate, dataset, out, limit, 'train-limit': tl, ...base } = flags;
  delete base.shard;
  if (tl !== undefined) base.limit = tl;
  if (calibrate !== undefined) base.calibrate = calibrate;
  const cells = gridCells(grid);
  const plans = cells.map((c, k) => {
    try {
      return cellPlan(base, c);
    } catch (e) {
      const what = `--grid cell ${k} (${Object.entries(c).map(([a, v]) => `${a}=${v}`).join(' ')})`;
      throw e instanceof UsageError ? new UsageError(`${what}: ${e.message}`) : new Error(`${what}: ${(e as Error).message}`, { cause: e });
    }
  });
  const recovers = plans.find((p) => needsTrainData(p) && !needsCalibrationData(p));
  const calibrates = plans.find((p) => needsCalibrationData(p) && !p.finetune && !p.distill);
  if (recovers && !train) throw new UsageError('the grid\'s plans train (fine-tuning, distillation or Taylor scores): give --train <catalog id | entry.json | image folder>, e.g. --train mnist-train');
  if (!recovers && train) throw new UsageError('--train is the data of --finetune, --distill or Taylor scores; give one of them, or leave --train out');
  if (calibrates && !calibrate) throw new UsageError('the grid\'s plans calibrate on data (--calibration output | adaround): give --calibrate <catalog id | entry.json | image folder>');
  // The results file's folder must be writable, and the file of this sweep if it exists, before any work is done.
  prepareOutputFolder(dirname(resolve(String(out))), `--out ${out}`);
  // Unlabelled data (an entry without labels) is measured as the studio measures it: top-1 agreement with the original.
  const raw = datasetFrom(String(dataset), 'dataset', false);
  const key = gridKey(grid);
  const done = cellsDone(String(out), key, plans, studioModelName(modelPath), raw.entry.id);
  const mine = shardCells(cells.length, shard);
  const summary = (ran: number, ms: number) => console.log(JSON.stringify({ out, grid: key, cells: cells.length, shard: shardText(shard), shardCells: mine.length, ran, skipped: mine.length - ran, ms }));
  if (mine.every((k) => done.has(k))) return summary(0, 0);
  await useWasm();
  const model = await openSweepModel(modelPath);
  const tfModel = await tfModelFromParts(model.parts);
  const { inputShape, classes } = toClassifier(tfModel);
  if (raw.labels && classes !== raw.entry.classes.length) throw new Error(`${modelPath}: the model outputs ${classes} classes, but --dataset ${dataset} has ${raw.entry.classes.length} (${raw.entry.name}); sweep it on a data set with the model's classes`);
  const data = fitted(raw, inputShape);
  let reference: Float32Array = new Float32Array();
  const evalOptions = { limit: limit === undefined ? undefined : Number(limit), sampleCount: 0 };
  const ref = await evaluateModel(tfModel, data, { ...evalOptions, latencyRuns: 1, warmupRuns: 0, throughputBatch: 1 }, { job: 0, yieldNow: async () => {}, onOutputs: (o) => { reference = o; } });
  tfModel.dispose();
  if (ref.type !== 'done') throw new Error('cancelled');
  const ctx: CellContext = { model, data, eval: evalOptions, reference };
  const spec = train ?? calibrate;
  const needing = recovers ?? calibrates;
  if (spec !== undefined && needing) {
    const prepared = trainDataFrom(String(spec), needing, { inputShape, classes }, String(dataset), train !== undefined ? 'train' : 'calibrate');
    for (const note of prepared.notes) console.error(`note: ${note}`);
    ctx.train = { data: prepared.data, id: prepared.data.entry.id };
  }
  const started = performance.now();
  let ran = 0;
  for (const k of mine) {
    if (done.has(k)) continue;
    const t0 = performance.now();
    const point = await measureCell(plans[k], ctx);
    // The report's own point form (ratios included), so a line has exactly the studio report's fields.
    const [withRatios] = (JSON.parse(reportJson([{ id: k + 1, ...point }], {})) as { points: object[] }).points;
    appendFileSync(String(out), `${JSON.stringify({ ...withRatios, cell: k, cells: cells.length, grid: key, shard: shardText(shard) })}\n`);
    ran++;
    console.error(`cell ${k} (${point.label}): ${point.metric} ${(100 * point.accuracy).toFixed(2)} %, compact ${point.compactBytes} bytes, ${Math.round(performance.now() - t0)} ms`);
  }
  summary(ran, Math.round(performance.now() - started));
}
