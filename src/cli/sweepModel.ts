/**
 * The model a `sweep` compresses: read, validated and taken apart once, with the two sizes every
 * point's ratios are measured against and the name the studio gives it (so an imported results
 * file lands on the studio's chart of the same model).
 */
import { basename, dirname, join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { decodeCompact, exportTfjs } from '../model/export';
import { compressModel } from '../model/compress';
import { EMPTY_PLAN } from '../model/plan';
import { loadModelFiles } from '../model/modelInfo';
import { toArtifacts } from '../model/modelFiles';
import { hasKerasExtension, loadKerasModel } from '../model/keras/loadKeras';
import { MAX_WEIGHT_BYTES, nonFiniteMessage, nonFiniteWeights } from '../model/validateModel';
import { partsFromArtifacts, type ModelParts } from '../model/weights';
import { readModelFolder, readRegularFile } from '../node/files';
import { PUBLIC } from '../node/io';

/** A model opened for a sweep. Bytes: `openedBytes` of the files opened, `float32Bytes` of its float32 TF.js files. */
export interface SweepModel {
  parts: ModelParts;
  name: string;
  openedBytes: number;
  float32Bytes: number;
}

/**
 * The name the studio gives the model at `path`: a bundled model's catalog name (public/models/catalog.json),
 * else the name of a dropped model — the Keras file's or the model.json folder's, with "(your model)".
 */
export function studioModelName(path: string): string {
  try {
    const catalog = JSON.parse(readFileSync(join(PUBLIC, 'models', 'catalog.json'), 'utf8')) as { name: string; model: string }[];
    const hit = catalog.find((m) => resolve(PUBLIC, m.model) === resolve(path));
    if (hit) return hit.name;
  } catch {
    // no catalog (an installed CLI without public/): a user model's name
  }
  if (hasKerasExtension(path) || path.endsWith('.cstu')) return `${basename(path)} (your model)`;
  const folder = basename(dirname(resolve(path)));
  return folder ? `${folder} (your model)` : 'your model';
}

/** Reads a model.json (+ shards), a Keras file or a .cstu file; NaN / Infinity weights are refused, naming the file. */
export async function openSweepModel(path: string): Promise<SweepModel> {
  let parts: ModelParts;
  let openedBytes: number;
  let nonFinite: { name: string; count: number }[];
  if (path.endsWith('.cstu')) {
    const bytes = new Uint8Array(readRegularFile(path, MAX_WEIGHT_BYTES + 64 * 2 ** 20));
    parts = decodeCompact(bytes);
    nonFinite = nonFiniteWeights(parts.weights);
    openedBytes = bytes.length;
  } else {
    const keras = hasKerasExtension(path);
    const bytes = keras ? new Uint8Array(readRegularFile(path, 2 * MAX_WEIGHT_BYTES)) : undefined;
    const loaded = bytes ? await loadKerasModel(basename(path), bytes, { nonFinite: 'report' }) : await loadModelFiles(readModelFolder(path), basename(path), { nonFinite: 'report' });
    loaded.model.dispose();
    parts = partsFromArtifacts(toArtifacts(loaded.checked));
    nonFinite = loaded.nonFinite;
    openedBytes = bytes ? bytes.length : loaded.info.size.raw;
  }
  if (nonFinite.length) throw new Error(`${basename(path)}: ${nonFiniteMessage(nonFinite)} Nothing was swept: compressing them would only store NaN.`);
  // Every weight float32, as the studio's float32 reference (its summary's tfjs.raw of the uncompressed model).
  const float32Bytes = exportTfjs(compressModel(parts, EMPTY_PLAN).compressed).files.reduce((a, f) => a + f.bytes.length, 0);
  return { parts, name: studioModelName(path), openedBytes, float32Bytes };
}
