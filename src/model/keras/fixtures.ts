/**
 * Test helpers that write Keras files the way Keras does, with the HDF5 C library (h5wasm, a dev
 * dependency) — an implementation independent of the jsfive reader under test:
 * - keras3Zip: a `.keras` zip (config.json, metadata.json, model.weights.h5 with `<group>/vars/<i>`);
 * - legacyH5: a legacy `.h5` (model_config, model_weights/<layer>/<weight>, weight_names and
 *   layer_names as fixed-length byte-string arrays, as Keras 2 writes them).
 * And Keras 3 config builders for small models whose outputs the tests compute by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { expect } from 'vitest';
import { readKerasFile } from './readKeras';
import { writeH5 } from './writeKeras';
import type { Json } from './translate';

/** A weight to write: its shape and row-major values. */
export interface W {
  shape: number[];
  values: number[] | Float32Array;
}

/** A weight tensor from a shape and a value generator (element index → value). */
export const w = (shape: number[], f: (i: number) => number): W => ({ shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)) });

/** Writes an HDF5 file with h5wasm (the Keras export's own writer). */
export { writeH5 };

/** A fixed-length byte-string array attribute, as Keras 2's h5py writes `layer_names` / `weight_names`. */
function byteStrings(names: string[]): { data: string[]; dtype: string } {
  const width = Math.max(1, ...names.map((n) => n.length));
  return { data: names, dtype: `S${width}` };
}

/** A Keras 3 `model.weights.h5`: each entry's tensors at `<path>/vars/<i>` (groups created for empty lists too). */
export function keras3WeightsH5(groups: Record<string, W[]>): Promise<Uint8Array> {
  return writeH5((file) => {
    for (const [path, tensors] of Object.entries(groups)) {
      let at = file as unknown as { create_group(n: string): unknown; get(n: string): unknown };
      for (const part of [...path.split('/'), 'vars']) {
        at = (at.get(part) ?? at.create_group(part)) as typeof at;
      }
      const vars = at as unknown as { create_dataset(a: { name: string; data: Float32Array; shape: number[] }): void };
      tensors.forEach((t, i) => vars.create_dataset({ name: String(i), data: Float32Array.from(t.values), shape: t.shape }));
    }
  });
}

/** A `.keras` zip: config.json, metadata.json (keras_version) and model.weights.h5. */
export async function keras3Zip(config: Json, groups: Record<string, W[]>, kerasVersion = '3.14.0'): Promise<Uint8Array> {
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  return zipSync({
    'metadata.json': enc({ keras_version: kerasVersion, date_saved: '2026-01-01@00:00:00' }),
    'config.json': enc(config),
    'model.weights.h5': await keras3WeightsH5(groups),
  }, { level: 0 });
}

/**
 * A legacy `.h5` whole-model file: root attributes keras_version, backend, model_config; group
 * model_weights with layer_names, and per layer its weight_names and the datasets they name.
 */
export function legacyH5(config: Json, layers: { name: string; weights: { name: string; w: W }[] }[], kerasVersion = '2.1.6'): Promise<Uint8Array> {
  return writeH5((file) => {
    file.create_attribute('keras_version', kerasVersion);
    file.create_attribute('backend', 'tensorflow');
    file.create_attribute('model_config', JSON.stringify(config));
    const root = file.create_group('model_weights');
    const ln = byteStrings(layers.map((l) => l.name));
    root.create_attribute('layer_names', ln.data, [ln.data.length], ln.dtype);
    for (const layer of layers) {
      const g = root.create_group(layer.name);
      const wn = byteStrings(layer.weights.map((x) => x.name));
      g.create_attribute('weight_names', wn.data, [wn.data.length], wn.dtype);
      for (const { name, w: t } of layer.weights) {
        const parts = name.split('/');
        let at = g;
        for (const p of parts.slice(0, -1)) at = (at.get(p) as typeof g | null) ?? at.create_group(p);
        at.create_dataset({ name: parts[parts.length - 1], data: Float32Array.from(t.values), shape: t.shape });
      }
    }
  });
}

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** A Keras 3 layer entry as config.json holds it (module, DTypePolicy, registered_name, build_config). */
export function k3(className: string, name: string, config: Json = {}, inbound?: unknown[]): Json {
  return {
    module: 'keras.layers', class_name: className, config: { name, trainable: true, dtype: POLICY, ...config }, registered_name: null,
    build_config: { input_shape: null }, ...(inbound ? { name, inbound_nodes: inbound } : {}),
  };
}

/** A Keras 3 `__keras_tensor__` reference to output `tensor` of node `node` of `layer`. */
export const kt = (layer: string, node = 0, tensor = 0): Json => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [layer, node, tensor] } });

/** Keras 3 inbound nodes for a call on `args` (one tensor, or a list for a merge layer). */
export const call = (...args: unknown[]): unknown[] => [{ args, kwargs: {} }];

/** A Keras 3 Sequential config.json: an InputLayer of `batchShape`, then `layers`. */
export function k3Sequential(batchShape: (number | null)[], layers: Json[]): Json {
  return {
    module: 'keras', class_name: 'Sequential', registered_name: null,
    config: { name: 'sequential', trainable: true, dtype: POLICY, layers: [{ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null }, ...layers], build_input_shape: batchShape },
  };
}

/** A Keras 3 Functional config.json from its layer entries (InputLayers included) and output layer names. */
export function k3Functional(layers: Json[], inputs: string[], outputs: string[]): Json {
  return {
    module: 'keras', class_name: 'Functional', registered_name: 'Functional',
    config: { name: 'functional', trainable: true, layers, input_layers: inputs.length === 1 ? [inputs[0], 0, 0] : inputs.map((n) => [n, 0, 0]), output_layers: outputs.length === 1 ? [outputs[0], 0, 0] : outputs.map((n) => [n, 0, 0]) },
  };
}

/** A Keras 3 functional InputLayer entry. */
export const k3Input = (name: string, batchShape: (number | null)[]): Json => ({
  module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name, optional: false }, registered_name: null, name, inbound_nodes: [],
});

/** A deterministic test value generator: element i of weights seeded `seed`, in [−0.5, 0.5]. */
export const r = (seed: number) => (i: number) => Math.sin(i * 1.37 + seed) * 0.5;
/** The logistic function. */
export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Reads a Keras file, builds it with stock TF.js and predicts `x` ([1, ...shape], values from `input`). */
export async function predict(name: string, bytes: Uint8Array, shape: number[], input: W): Promise<Float32Array> {
  const read = await readKerasFile(name, bytes);
  const model = await tf.loadLayersModel(tf.io.fromMemory(read.artifacts));
  try {
    const y = tf.tidy(() => model.predict(tf.tensor(Float32Array.from(input.values), [1, ...shape])) as tf.Tensor);
    const out = await y.data() as Float32Array;
    y.dispose();
    return out;
  } finally {
    model.dispose();
  }
}

/** A tensor's values as a plain array. */
export const v = (t: W) => Array.from(t.values);
/** Expects `got` to equal `want` to 4 decimals, element by element. */
export const close = (got: Float32Array, want: number[]) => {
  expect(got.length).toBe(want.length);
  want.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 4));
};

/** y[o] = b[o] + Σ_i x[i] · K[i, o], K row-major [in, out]. */
export function dense(x: number[], k: W, b?: W): number[] {
  const m = k.shape[1];
  return Array.from({ length: m }, (_, o) => (b ? b.values[o] : 0) + x.reduce((a, xi, i) => a + xi * k.values[i * m + o], 0));
}
