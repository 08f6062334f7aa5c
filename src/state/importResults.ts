/**
 * Reading a results file back as chart points: the CLI's sweep lines (results.jsonl, one point a
 * line, `compression-studio sweep` / `merge`), or a report JSON with a `points` array (merge's
 * pareto.json, the studio's own "Report JSON"). Every point is checked field by field — a bad file
 * is refused with its name, the line (JSON lines) or point index (report), the field and what it
 * needs — and its plan by parsePlan. Imported points become 'sweep' points with new ids.
 *
 * The chart draws only points of the loaded model on the selected data with the same
 * preprocessing (Charts.tsx): points of another model or data set are kept (the history table and
 * the report list them) and the summary says which, so the user knows what to open to see them.
 */
import { parsePlan } from '../model/plan';
import { currentDataset, nextPointId, preprocessingKey } from './selectors';
import type { ChartPoint, StudioState } from './types';

/** A point as a results file holds it: the chart fields, and where a sweep line has them its cell, grid and shard. */
export type ResultPoint = Omit<ChartPoint, 'id'> & { id?: number; cell?: number; cells?: number; grid?: string; shard?: string; samples?: number };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one point object; returns it typed, or throws an Error whose message says the field and what it needs. */
export function checkPoint(v: unknown): ResultPoint {
  if (!isObject(v)) throw new Error('is not a JSON object');
  const need = (field: string, ok: boolean, what: string) => {
    if (!ok) throw new Error(`"${field}" must be ${what}, got ${JSON.stringify(v[field]) ?? 'nothing'}`);
  };
  const num = (f: string, min = 0) => typeof v[f] === 'number' && Number.isFinite(v[f]) && (v[f] as number) >= min;
  const str = (f: string) => typeof v[f] === 'string' && (v[f] as string).length > 0;
  const opt = (f: string, ok: boolean, what: string) => need(f, v[f] === undefined || ok, what);
  need('modelName', str('modelName'), 'the model\'s name (a string)');
  need('dataset', str('dataset'), 'the data set\'s id (a string)');
  need('metric', v.metric === 'accuracy' || v.metric === 'agreement', '"accuracy" or "agreement"');
  need('accuracy', num('accuracy') && (v.accuracy as number) <= 1, 'a number in [0, 1]');
  for (const f of ['compactBytes', 'tfjsBytes']) need(f, num(f, 1) && Number.isInteger(v[f]), 'a whole number of bytes ≥ 1');
  need('gzipBytes', num('gzipBytes', 1), 'a number of bytes ≥ 1');
  need('latencyMs', num('latencyMs'), 'a number of ms ≥ 0');
  need('backend', str('backend'), 'the backend measured on (a string)');
  opt('label', typeof v.label === 'string', 'a string');
  opt('kind', v.kind === 'baseline' || v.kind === 'compressed' || v.kind === 'sweep', '"baseline", "compressed" or "sweep"');
  for (const f of ['preprocessing', 'trainData', 'grid', 'shard']) opt(f, typeof v[f] === 'string', 'a string');
  for (const f of ['openedBytes', 'float32Bytes']) opt(f, num(f, 1), 'a number of bytes ≥ 1');
  opt('meanKl', num('meanKl'), 'a number ≥ 0');
  for (const f of ['cell', 'cells', 'samples']) opt(f, num(f) && Number.isInteger(v[f]), 'a whole number ≥ 0');
  let plan;
  if (v.plan !== undefined) {
    try {
      plan = parsePlan(v.plan);
    } catch (e) {
      throw new Error(`"plan": ${(e as Error).message}`, { cause: e });
    }
  }
  const { ratios: _ratios, ...rest } = v;
  return { ...(rest as unknown as ResultPoint), kind: (v.kind as ChartPoint['kind']) ?? 'sweep', label: (v.label as string) ?? 'imported', ...(plan ? { plan } : {}) };
}

/**
 * The points of a results file's text (file comment). `fileName` names it in errors, e.g.
 * "results.jsonl, line 3: "accuracy" must be a number in [0, 1], got 1.5". An empty file is an error.
 */
export function parseResults(text: string, fileName: string): ResultPoint[] {
  const trimmed = text.trim();
  if (!trimmed) throw new Error(`${fileName}: is empty; import a results.jsonl or pareto.json written by compression-studio sweep / merge`);
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    whole = undefined; // JSON lines (or a broken file): read line by line
  }
  if (isObject(whole) && 'points' in whole) {
    if (!Array.isArray(whole.points)) throw new Error(`${fileName}: "points" must be an array of points`);
    if (whole.points.length === 0) throw new Error(`${fileName}: holds no points`);
    return whole.points.map((p, i) => {
      try {
        return checkPoint(p);
      } catch (e) {
        throw new Error(`${fileName}, point ${i + 1}: ${(e as Error).message}`, { cause: e });
      }
    });
  }
  const out: ResultPoint[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${fileName}, line ${i + 1}: is not JSON (a results file has one JSON point per line, or is a report with "points")`);
    }
    try {
      out.push(checkPoint(value));
    } catch (e) {
      throw new Error(`${fileName}, line ${i + 1}: ${(e as Error).message}`, { cause: e });
    }
  });
  return out;
}

/** `imported` as chart points after `existing`: kind 'sweep', ids counting on from the newest; file-only fields (cell, grid…) dropped. */
export function toChartPoints(existing: readonly ChartPoint[], imported: readonly ResultPoint[]): ChartPoint[] {
  let id = nextPointId(existing);
  return imported.map((p) => {
    const { cell: _c, cells: _n, grid: _g, shard: _s, samples: _m, ...point } = p;
    return { ...point, id: id++, kind: 'sweep' };
  });
}

/** What an import added: how many points the chart draws now, and the model / data of those it does not. */
export interface ImportSummary {
  file: string;
  added: number;
  /** points of the loaded model on the selected data and preprocessing: on the chart */
  shown: number;
  /** the other points' model and data set, e.g. "LeNet-5 (MNIST) on mnist-val", each once */
  elsewhere: string[];
  /** when a point on the chart was measured on fewer samples than the selected data set holds (a sweep run with --limit): the fewest, of how many */
  fewerSamples?: { count: number; of: number };
}

/** The summary of `points` imported from `file` with `loaded` selected (the chart's filter: model name, data set id, preprocessing key). */
export function importSummary(file: string, points: readonly (ChartPoint & { samples?: number })[], loaded: { modelName?: string; datasetId?: string; preprocessing?: string; samples?: number }): ImportSummary {
  const onChart = (p: ChartPoint) => p.modelName === loaded.modelName && p.dataset === loaded.datasetId && p.preprocessing === loaded.preprocessing;
  const elsewhere = [...new Set(points.filter((p) => !onChart(p)).map((p) => `${p.modelName} on ${p.dataset}${p.modelName === loaded.modelName && p.dataset === loaded.datasetId ? ' (other preprocessing)' : ''}`))];
  const counts = points.filter(onChart).map((p) => p.samples ?? Infinity);
  const fewest = Math.min(...counts);
  return { file, added: points.length, shown: counts.length, elsewhere, ...(loaded.samples !== undefined && fewest < loaded.samples ? { fewerSamples: { count: fewest, of: loaded.samples } } : {}) };
}

/**
 * Reads `file` (a results file) and makes its chart points after `state`'s, with the summary for
 * the model and data selected in `state`. Throws naming the file (and line) when it is not one.
 */
export async function importResultsFile(file: Pick<File, 'name' | 'text'>, state: Pick<StudioState, 'points' | 'model' | 'datasets' | 'datasetId'>): Promise<{ points: ChartPoint[]; summary: ImportSummary }> {
  const parsed = parseResults(await file.text(), file.name);
  const points = toChartPoints(state.points, parsed);
  const entry = currentDataset(state);
  const counted = points.map((p, i) => ({ ...p, samples: parsed[i].samples }));
  return { points, summary: importSummary(file.name, counted, { modelName: state.model?.name, datasetId: state.datasetId, preprocessing: entry ? preprocessingKey(entry) : undefined, samples: entry?.count }) };
}
