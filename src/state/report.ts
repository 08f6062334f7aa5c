/**
 * The report of every evaluated point, as JSON (full plans) and CSV (one row per point, the same
 * columns as the history table). Units: bytes, ms, accuracy in [0, 1]. On unlabelled data the
 * accuracy column holds top-1 agreement with the original model (metric = agreement) and meanKl
 * the mean KL(original ‖ model) in nats. Ratios are reference ÷ export (above 1: smaller), against
 * the files the model was opened from (`*VsOpened`) and against its float32 TF.js files
 * (`*VsFloat32`); a value below 1 means the export is larger than that reference.
 */
import { preprocessingOf, type DatasetEntry, type Preprocessing } from '../model/dataset';
import type { LoadedModel } from '../runtime/protocol';
import { pointRatios } from './selectors';
import type { ChartPoint } from './types';

const COLUMNS = ['id', 'kind', 'model', 'dataset', 'backend', 'compression', 'accuracy', 'compactBytes', 'tfjsBytes', 'tfjsGzipBytes', 'latencyMs', 'plan', 'metric', 'meanKl', 'trainData',
  'openedBytes', 'float32Bytes', 'compactVsOpened', 'tfjsVsOpened', 'compactVsFloat32', 'tfjsVsFloat32'] as const;

/** A ratio for the report: 4 significant digits, or undefined (an empty field) when unknown. */
const ratioField = (r: number) => (Number.isFinite(r) ? Number(r.toPrecision(4)) : undefined);

/** The point's four ratios (see pointRatios), rounded for the report. */
function ratiosOf(p: ChartPoint) {
  const r = pointRatios(p);
  return { compactVsOpened: ratioField(r.compactVsOpened), tfjsVsOpened: ratioField(r.tfjsVsOpened), compactVsFloat32: ratioField(r.compactVsFloat32), tfjsVsFloat32: ratioField(r.tfjsVsFloat32) };
}

/** RFC 4180 quoting: fields with a comma, quote or newline are quoted, quotes doubled. */
export function csvField(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV row per point (RFC 4180), under a header row of COLUMNS; ratio fields empty where the point has no reference bytes. */
export function reportCsv(points: readonly ChartPoint[]): string {
  const rows = points.map((p) => {
    const r = ratiosOf(p);
    return [p.id, p.kind, p.modelName, p.dataset, p.backend, p.label, p.accuracy, p.compactBytes, p.tfjsBytes, p.gzipBytes, p.latencyMs, p.plan ? JSON.stringify(p.plan) : '', p.metric, p.meanKl, p.trainData,
      p.openedBytes, p.float32Bytes, r.compactVsOpened, r.tfjsVsOpened, r.compactVsFloat32, r.tfjsVsFloat32];
  });
  return [COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}

/** What the report says about the model and data every point was measured with: taken from them, never assumed. */
export interface ReportMeta {
  model?: string;
  /** 'layers-model' or 'graph-model' */
  modelFormat?: string;
  /** the model's input and output shapes (null / -1: any size, e.g. the batch) */
  inputShape?: number[];
  outputShape?: number[];
  /** the number of classes the model outputs (its output's last dimension) */
  classes?: number;
  dataset?: string;
  datasetName?: string;
  /** images in the split and their [H, W, C] as stored */
  samples?: number;
  imageShape?: [number, number, number];
  /** the y value of every point: top-1 accuracy (labelled data) or top-1 agreement with the original (unlabelled) */
  metric?: 'accuracy' | 'agreement';
  /** input = (byte × scale − mean[c]) ÷ std[c], as the data set was measured */
  preprocessing?: Preprocessing;
  backend?: string;
  /** what the model was opened from ('tfjs' files or a 'keras' file) and their bytes: the reference of every `*VsOpened` ratio */
  opened?: { kind: 'tfjs' | 'keras'; bytes: number; files: string[] };
  /** bytes of the model's float32 TF.js files: the reference of every `*VsFloat32` ratio */
  float32Bytes?: number;
  date: string;
}

/** The report's header fields from the loaded model and the selected data set (either may be absent). */
export function reportMeta(model: LoadedModel | undefined, dataset: DatasetEntry | undefined, backend: string | undefined, date: Date): ReportMeta {
  return {
    model: model?.name, modelFormat: model ? model.format ?? 'layers-model' : undefined, inputShape: model?.inputShape, outputShape: model?.outputShape,
    classes: model?.outputShape.at(-1),
    dataset: dataset?.id, datasetName: dataset?.name, samples: dataset?.count, imageShape: dataset?.shape,
    metric: dataset ? (dataset.labels ? 'accuracy' : 'agreement') : undefined, preprocessing: dataset ? preprocessingOf(dataset) : undefined,
    backend, opened: model ? { kind: model.opened.kind, bytes: model.opened.bytes, files: model.opened.files.map((f) => f.name) } : undefined,
    float32Bytes: model?.float32.raw, date: date.toISOString(),
  };
}

/** Every point with its full plan and its ratios (where it has reference bytes), under the header `meta`, as indented JSON. */
export function reportJson(points: readonly ChartPoint[], meta: ReportMeta | Record<string, unknown>): string {
  const withRatios = points.map((p) => (p.openedBytes === undefined && p.float32Bytes === undefined ? p : { ...p, ratios: ratiosOf(p) }));
  return JSON.stringify({ generatedBy: 'Compression Studio', ...meta, points: withRatios }, null, 2) + '\n';
}
