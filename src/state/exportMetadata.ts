/**
 * metadata.json from the studio's state: the loaded model, the plan of the shown compression, its
 * measured sizes, the selected data set and the two evaluations on it (original and compressed),
 * mapped onto model/export/metadata.ts's plain input. Figures come from the state as measured.
 */
import { exportMetadata, metadataFile, type MeasuredModel } from '../model/export/metadata';
import type { ExportFile } from '../model/export/exportFiles';
import type { EvalResult } from '../runtime/protocol';
import { currentDataset, scoreOf } from './selectors';
import type { StudioState } from './types';

/** An evaluation as metadata (accuracy or agreement, samples, latency, backend), or undefined when its score is not a number. */
export function measuredModel(outcome: EvalResult | undefined): MeasuredModel | undefined {
  if (!outcome) return undefined;
  const { accuracy, metric } = scoreOf(outcome);
  if (!Number.isFinite(accuracy)) return undefined;
  return {
    accuracy, metric, samples: outcome.count, backend: outcome.backend,
    latencyMs: { median: outcome.latency.medianMs, p90: outcome.latency.p90Ms },
    ...(outcome.fidelity ? { fidelity: { agreement: outcome.fidelity.agreement, meanKl: outcome.fidelity.meanKl } } : {}),
  };
}

/** The fields of the state metadata.json reads. */
export type MetadataState = Pick<StudioState, 'model' | 'compressed' | 'evaluation' | 'compressedEval' | 'datasets' | 'datasetId'>;

/**
 * metadata.json for the shown compression, or undefined while there is none or its sizes are
 * still being measured (NaN). Throws only for a figure that is not a number (metadataFile).
 */
export function studioMetadataFile(s: MetadataState, date: Date): ExportFile | undefined {
  const { model, compressed } = s;
  if (!model || !compressed || !Number.isFinite(compressed.sizes.tfjs.zip) || !Number.isFinite(compressed.sizes.compact.gzip)) return undefined;
  const { tfjs, compact } = compressed.sizes;
  return metadataFile(exportMetadata({
    model: { name: model.name, format: model.format, inputShape: model.inputShape, outputShape: model.outputShape },
    plan: compressed.plan,
    sizes: {
      tfjs: { raw: tfjs.raw, gzip: tfjs.gzip, zip: tfjs.zip, files: tfjs.files.map((f) => ({ name: f.name, bytes: f.bytes })) },
      compact: { raw: compact.raw, gzip: compact.gzip },
      opened: model.opened?.bytes,
    },
    dataset: currentDataset(s),
    original: measuredModel(s.evaluation),
    compressed: measuredModel(s.compressedEval),
    date,
  }));
}
