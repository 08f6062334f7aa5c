/**
 * `metadata.json`, the optional file beside an export: what was done to the model (the plan), what
 * was measured on it (accuracy or agreement, latency, the data set and its preprocessing), what
 * the files weigh, and the class names by output index — so an app, or a person months later, can
 * tell what the files are without the studio. Every figure is passed in as measured; nothing here
 * is computed but the JSON. No TF.js, no React.
 */
import { preprocessingOf, type DatasetEntry, type Preprocessing } from '../dataset';
import type { CompressionPlan } from '../planTypes';
import type { ExportFile } from './exportFiles';

/** File name of the metadata, in the TF.js zip and as a separate download. */
export const METADATA_FILE = 'metadata.json';

/** One measurement of a model (the original or the compressed one) on the data set. */
export interface MeasuredModel {
  /** top-1 accuracy in [0, 1] (labelled data), or top-1 agreement with the original (unlabelled) */
  accuracy: number;
  metric: 'accuracy' | 'agreement';
  /** samples evaluated */
  samples: number;
  /** batch-1 predict latency after warm-up, ms: median and 90th percentile */
  latencyMs: { median: number; p90: number };
  /** the TF.js backend it ran on, e.g. "wasm" */
  backend: string;
  /** agreement with and mean KL (nats) from the original on the same inputs, when measured */
  fidelity?: { agreement: number; meanKl: number };
}

/** Sizes in bytes of the exports, as measured on their files (raw, gzip -9; zip = the .zip download without metadata.json). */
export interface MetadataSizes {
  tfjs: { raw: number; gzip: number; zip: number; files: { name: string; bytes: number }[] };
  compact: { raw: number; gzip: number };
  /** the files the user opened, in bytes, when known */
  opened?: number;
}

/** What exportMetadata needs: the model, the plan, the measured figures, the data set. */
export interface MetadataInput {
  model: { name: string; format?: string; inputShape: number[]; outputShape: number[] };
  /** undefined: the model as opened */
  plan?: CompressionPlan;
  sizes: MetadataSizes;
  dataset?: DatasetEntry;
  original?: MeasuredModel;
  compressed?: MeasuredModel;
  date: Date;
}

/** The content of metadata.json (see the file comment); absent keys were not measured. */
export interface ExportMetadata {
  generatedBy: 'Compression Studio';
  date: string;
  model: { name: string; format: string; inputShape: number[]; outputShape: number[] };
  plan: CompressionPlan | null;
  sizes: MetadataSizes;
  dataset?: { id: string; name: string; samples: number; imageShape: [number, number, number]; preprocessing: Preprocessing };
  original?: MeasuredModel;
  compressed?: MeasuredModel;
  /** class names by output index, when the data set names one class per output */
  classes?: string[];
}

/**
 * metadata.json's content from measured inputs. Class names are the data set's when it lists one
 * per model output (the output shape's last dimension); otherwise they are left out rather than guessed.
 */
export function exportMetadata(input: MetadataInput): ExportMetadata {
  const { model, dataset } = input;
  const outputs = model.outputShape.at(-1);
  const classes = dataset && dataset.classes.length > 0 && (outputs === undefined || outputs <= 0 || outputs === dataset.classes.length) ? [...dataset.classes] : undefined;
  return {
    generatedBy: 'Compression Studio',
    date: input.date.toISOString(),
    model: { name: model.name, format: model.format ?? 'layers-model', inputShape: [...model.inputShape], outputShape: [...model.outputShape] },
    plan: input.plan ?? null,
    sizes: input.sizes,
    ...(dataset ? { dataset: { id: dataset.id, name: dataset.name, samples: dataset.count, imageShape: dataset.shape, preprocessing: preprocessingOf(dataset) } } : {}),
    ...(input.original ? { original: input.original } : {}),
    ...(input.compressed ? { compressed: input.compressed } : {}),
    ...(classes ? { classes } : {}),
  };
}

/** metadata.json as a file: indented UTF-8 JSON ending in a newline. Throws for a non-finite figure (JSON would write null). */
export function metadataFile(meta: ExportMetadata): ExportFile {
  const text = JSON.stringify(meta, (key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`metadata.json: "${key}" is ${v}; measure it or leave it out`);
    return v;
  }, 2);
  return { name: METADATA_FILE, bytes: new TextEncoder().encode(text + '\n') };
}
