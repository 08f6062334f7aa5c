/**
 * Writes a compressed model back as a Keras file, so it can go back to Python: the original Keras
 * config untouched, and each weight — pruned / quantized / clustered values, float32 as the TF.js
 * export decodes them — at the HDF5 dataset path the reader found it at (`KerasModel.weightPaths`),
 * with its dtype (float32) and shape.
 *
 * Two layouts, chosen by where the original weights lay (no path is translated, so nothing can be
 * mapped wrongly):
 * - Keras 3 paths (`layers/<snake_name>/vars/<i>`, or `_layer_checkpoint_dependencies/…` of
 *   tf.keras 2.13–2.15): a `.keras` zip — config.json (the original config), metadata.json,
 *   model.weights.h5 (root and per-layer `vars` groups as Keras 3 writes them; no optimizer state:
 *   the old one does not belong to the changed weights, and Keras only warns that it is absent);
 * - legacy paths (`model_weights/<layer>/<layer>/<weight>:0`, or a Keras 2 weights-only file's
 *   `<layer>/<layer>/<weight>:0`): a legacy `.h5` — root attributes model_config (the original
 *   config), keras_version, backend; `model_weights` with `layer_names`, each layer group with its
 *   `weight_names` (byte strings, as h5py writes them) and the datasets they name.
 *
 * HDF5 is written with h5wasm (the HDF5 C library as WebAssembly, a 5 MB chunk): imported here only, and
 * this module only by a dynamic import when the user exports, so the studio's first load does not grow.
 *
 * Only a plan that keeps the architecture can be written into the same config: the compressed
 * weights must have the original names and shapes, one for one; otherwise a KerasExportError says so.
 */
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { snakeCase } from './kerasWeights';
import type { KerasFormat } from './readKeras';
import { entryName, modelLayerEntries, type Json } from './translate';

/** What the export needs of the original Keras file (all of it from readKerasFile). */
export interface KerasSource {
  /** The file's own Keras model config, untranslated. */
  kerasConfig: Json;
  /** The Keras version that wrote the file, or "unknown". */
  kerasVersion: string;
  format: KerasFormat;
  /** The HDF5 dataset path of each original TF.js weight (same order as `weightSpecs`). */
  weightPaths: string[];
  /** The original TF.js weights' names and shapes (the converted artifacts' weightSpecs). */
  weightSpecs: { name: string; shape: number[] }[];
}

/** A compressed weight: its TF.js name, shape and float32 values. */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** The written file: `model.keras` (a Keras 3 zip) or `model.h5` (the legacy HDF5 layout). */
export interface KerasExport {
  fileName: 'model.keras' | 'model.h5';
  layout: 'keras3-zip' | 'legacy-h5';
  bytes: Uint8Array;
}

/** A compressed model that cannot be written into the original Keras config. */
export class KerasExportError extends Error {
  override name = 'KerasExportError';
}

const ARCHITECTURE = 'the .keras export keeps the original architecture, but structural pruning / low-rank (or cross-layer equalization, which folds BatchNorm layers into the layers before them) changed it; use the TF.js or compact export';

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Which layout the original weight paths call for (see the module comment). */
export function kerasExportLayout(source: Pick<KerasSource, 'weightPaths'>): KerasExport['layout'] {
  const keras3 = (p: string) => p.startsWith('layers/') || p.startsWith('_layer_checkpoint_dependencies/');
  return source.weightPaths.length > 0 && source.weightPaths.every(keras3) ? 'keras3-zip' : 'legacy-h5';
}

/**
 * Pairs each original weight with the compressed one of the same name, checking that the set of
 * names and every shape are unchanged (a structural or low-rank plan changes them). Returns the
 * values in the original order.
 */
export function matchCompressed(source: KerasSource, weights: NamedWeight[]): Float32Array[] {
  if (source.weightPaths.length !== source.weightSpecs.length) throw new Error('the Keras source has a path for every weight spec');
  const byName = new Map(weights.map((w) => [w.name, w]));
  if (weights.length !== source.weightSpecs.length || byName.size !== weights.length) throw new KerasExportError(ARCHITECTURE);
  return source.weightSpecs.map((spec) => {
    const w = byName.get(spec.name);
    if (!w || !sameShape(w.shape, spec.shape)) throw new KerasExportError(ARCHITECTURE);
    if (w.values.length !== spec.shape.reduce((a, b) => a * b, 1)) throw new Error(`weight ${spec.name} has ${w.values.length} values for shape [${spec.shape.join(', ')}]`);
    return w.values;
  });
}

/** Decodes TF.js artifacts' weights (dequantizing uint8 / uint16 / float16 as stock TF.js does) to float32 values by name. */
export function decodeArtifactsWeights(artifacts: tf.io.ModelArtifacts): NamedWeight[] {
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData;
  if (!data) return [];
  const tensors = tf.io.decodeWeights(data, specs);
  try {
    return specs.map((s) => ({ name: s.name, shape: [...s.shape], values: Float32Array.from(tensors[s.name].dataSync() as Float32Array) }));
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

type H5 = typeof import('h5wasm');
type H5Group = InstanceType<H5['Group']>;
let h5module: Promise<H5> | undefined;
let counter = 0;

/** h5wasm, loaded once on first use. */
function h5wasm(): Promise<H5> {
  h5module ??= import('h5wasm').then(async (m) => { await m.ready; return m; });
  return h5module;
}

/** Writes an HDF5 file in h5wasm's in-memory file system with `fill`, returns its bytes and removes it. */
export async function writeH5(fill: (file: H5Group) => void): Promise<Uint8Array> {
  const m = await h5wasm();
  const path = `/keras-export-${++counter}.h5`;
  const file = new m.File(path, 'w');
  try {
    fill(file);
  } finally {
    file.close();
  }
  const fs = m.FS as unknown as { readFile(p: string): Uint8Array; unlink(p: string): void };
  const bytes = fs.readFile(path).slice();
  fs.unlink(path);
  return bytes;
}

/** The group at `path` below `root`, created with its parents where missing. */
function groupAt(root: H5Group, path: string[]): H5Group {
  let at = root;
  for (const part of path) {
    const next = at.get(part);
    at = (next as { type?: string } | null)?.type === 'Group' ? (next as H5Group) : at.create_group(part);
  }
  return at;
}

/** Writes `values` as a float32 dataset at `path` (its groups created). */
function putDataset(root: H5Group, path: string, values: Float32Array, shape: number[]) {
  const parts = path.split('/');
  groupAt(root, parts.slice(0, -1)).create_dataset({ name: parts[parts.length - 1], data: values, shape, dtype: '<f' });
}

/** A fixed-length byte-string array attribute, as h5py writes Keras' `layer_names` / `weight_names`. */
function putNames(group: H5Group, key: string, names: string[]) {
  const width = Math.max(1, ...names.map((n) => new TextEncoder().encode(n).length));
  group.create_attribute(key, names, [names.length], `S${width}`);
}

/**
 * The `vars` groups Keras 3 writes for the top-level model's layers that hold no weights (pooling,
 * flatten, …), named as the reader finds them (class in snake case plus a counter): Keras reads
 * a missing one as empty, but the file then looks as Keras would have written it.
 */
function keras3LayerGroups(config: Json, container: string): string[] {
  let entries = modelLayerEntries(config);
  if (config.class_name === 'Sequential') entries = entries.filter((e) => e.class_name !== 'InputLayer');
  const used = new Map<string, number>();
  return entries.map((entry) => {
    const base = snakeCase(entry.class_name === 'Model' ? 'Functional' : String(entry.class_name ?? entryName(entry)));
    const n = used.has(base) ? (used.get(base) as number) + 1 : 0;
    used.set(base, n);
    return `${container}/${n ? `${base}_${n}` : base}`;
  });
}

async function writeKeras3Zip(source: KerasSource, values: Float32Array[]): Promise<Uint8Array> {
  const weightsH5 = await writeH5((file) => {
    source.weightPaths.forEach((path, i) => putDataset(file, path, values[i], source.weightSpecs[i].shape));
    groupAt(file, ['vars']);
    const container = source.weightPaths[0]?.split('/')[0] ?? 'layers';
    try {
      for (const group of keras3LayerGroups(source.kerasConfig, container)) groupAt(file, [...group.split('/'), 'vars']);
    } catch { /* an unusual config: the weights are written; the empty groups are only cosmetic */ }
  });
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const now = new Date().toISOString();
  return zipSync({
    'metadata.json': enc({ keras_version: source.kerasVersion, date_saved: `${now.slice(0, 10)}@${now.slice(11, 19)}`, written_by: 'Compression Studio' }),
    'config.json': enc(source.kerasConfig),
    'model.weights.h5': weightsH5,
  }, { level: 6 });
}

async function writeLegacyH5(source: KerasSource, values: Float32Array[]): Promise<Uint8Array> {
  // Each path below model_weights is <layer group>/<weight name as weight_names lists it>.
  const layers = new Map<string, { names: string[]; index: number[] }>();
  source.weightPaths.forEach((path, i) => {
    const rel = path.startsWith('model_weights/') ? path.slice('model_weights/'.length) : path;
    const [layer, ...rest] = rel.split('/');
    if (!rest.length) throw new Error(`weight path ${path} names no layer group`);
    if (!layers.has(layer)) layers.set(layer, { names: [], index: [] });
    layers.get(layer)?.names.push(rest.join('/'));
    layers.get(layer)?.index.push(i);
  });
  const version = source.kerasVersion === 'unknown' ? '2.1.6' : source.kerasVersion;
  return writeH5((file) => {
    file.create_attribute('keras_version', version);
    file.create_attribute('backend', 'tensorflow');
    file.create_attribute('model_config', JSON.stringify(source.kerasConfig));
    const root = file.create_group('model_weights');
    root.create_attribute('keras_version', version);
    root.create_attribute('backend', 'tensorflow');
    putNames(root, 'layer_names', [...layers.keys()]);
    for (const [layer, { names, index }] of layers) {
      const group = root.create_group(layer);
      putNames(group, 'weight_names', names);
      names.forEach((name, j) => putDataset(group, name, values[index[j]], source.weightSpecs[index[j]].shape));
    }
  });
}

/**
 * Writes the compressed weights into the original Keras file's config and layout: a `.keras` zip
 * for Keras 3 weight paths, a legacy `.h5` otherwise. Rejects with a KerasExportError when the
 * weights' names or shapes differ from the original (the plan changed the architecture).
 */
export async function writeKerasFile(source: KerasSource, weights: NamedWeight[]): Promise<KerasExport> {
  const values = matchCompressed(source, weights);
  const layout = kerasExportLayout(source);
  if (layout === 'keras3-zip') return { fileName: 'model.keras', layout, bytes: await writeKeras3Zip(source, values) };
  return { fileName: 'model.h5', layout, bytes: await writeLegacyH5(source, values) };
}
