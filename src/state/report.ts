/**
 * The report of every evaluated point, as JSON (full plans) and CSV (one row per point, the same
 * columns as the history table). Units: bytes, ms, accuracy in [0, 1]. On unlabelled data the
 * accuracy column holds top-1 agreement with the original model (metric = agreement) and meanKl
 * the mean KL(original ‖ model) in nats.
 */
import type { ChartPoint } from './store';

const COLUMNS = ['id', 'kind', 'model', 'dataset', 'backend', 'compression', 'accuracy', 'compactBytes', 'tfjsBytes', 'tfjsGzipBytes', 'latencyMs', 'plan', 'metric', 'meanKl'] as const;

/** RFC 4180 quoting: fields with a comma, quote or newline are quoted, quotes doubled. */
export function csvField(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportCsv(points: readonly ChartPoint[]): string {
  const rows = points.map((p) => [p.id, p.kind, p.modelName, p.dataset, p.backend, p.label, p.accuracy, p.compactBytes, p.tfjsBytes, p.gzipBytes, p.latencyMs, p.plan ? JSON.stringify(p.plan) : '', p.metric, p.meanKl]);
  return [COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}

export function reportJson(points: readonly ChartPoint[], meta: Record<string, unknown>): string {
  return JSON.stringify({ generatedBy: 'Compression Studio', ...meta, points }, null, 2) + '\n';
}
