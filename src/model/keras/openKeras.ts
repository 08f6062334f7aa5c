/**
 * Dropped files that hold a Keras model, opened in the worker: the Keras file converted by
 * loadKerasModel, with a config.json (or TF.js model.json) beside a weights-only file, and what the
 * Keras export needs kept. The worker imports this module only when a Keras file is opened.
 */
import { baseName, ModelFileError, type ModelFile } from '../modelFiles';
import { loadKerasModel } from './loadKeras';
import type { KerasFormat } from './readKeras';
import type { KerasSource } from './writeKeras';

/**
 * The Keras config a weights-only `*.weights.h5` belongs to, from a .json dropped with it: Keras'
 * config.json (the model config itself), or a TF.js model.json (its modelTopology, whose
 * `model_config` a Keras-written topology nests). Undefined when there is none or it is not JSON
 * (a complete Keras file needs none; the reader says what is missing for a weights-only one).
 */
function kerasConfigOf(files: ModelFile[]): Record<string, unknown> | undefined {
  const json = files.find((f) => baseName(f.name) === 'config.json') ?? files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!json) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(json.bytes)) as Record<string, unknown>;
    const topology = value?.modelTopology as Record<string, unknown> | undefined;
    if (topology && typeof topology === 'object') return (topology.model_config as Record<string, unknown> | undefined) ?? topology;
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Converts and loads the one Keras file among `files` (`keras`: those named like Keras files) as
 * loadModelFiles does, returning also where it came from (`converted`) and what the Keras export
 * needs (`kerasSource`). Every fault is a ModelFileError naming the Keras file.
 */
export async function loadKerasFiles(files: ModelFile[], keras: ModelFile[]) {
  if (keras.length > 1) throw new ModelFileError(keras.map((f) => baseName(f.name)).join(', '), 'several Keras files were dropped: open one model at a time.');
  const file = baseName(keras[0].name);
  const { keras: read, ...rest } = await loadKerasModel(file, new Uint8Array(keras[0].bytes), { config: kerasConfigOf(files) });
  const kerasSource: KerasSource = {
    kerasConfig: read.kerasConfig, kerasVersion: read.kerasVersion, format: read.format, weightPaths: read.weightPaths,
    weightSpecs: (read.artifacts.weightSpecs ?? []).map((s) => ({ name: s.name, shape: [...s.shape] })),
  };
  const converted: { from: 'keras'; file: string; kerasVersion: string; format: KerasFormat } = { from: 'keras', file, kerasVersion: read.kerasVersion, format: read.format };
  return { ...rest, converted, kerasSource };
}
