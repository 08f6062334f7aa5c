/**
 * Structural checks of a model.json before TF.js sees it, so that a malformed file is refused with
 * a message naming the file, the layer / node / weight and what to do — never a raw JavaScript
 * error, a hang or a huge allocation: JSON nesting depth, the shape of the weights manifest
 * (paths and weights lists, names, dtypes, whole non-negative dimensions, sizes within bounds),
 * weight paths that stay beside model.json, and for a layers model its layers' declared input shape,
 * units / filters against the manifest's kernels, float32 weights, and weight names that belong to
 * layers. (Graph-model structure — dangling inputs, cycles, kernel dtypes — is checked in graphModel.ts.)
 */
import type * as tf from '@tensorflow/tfjs';

/** A fault found by these checks: what is wrong and what to do (the caller adds the file name). */
export class ModelJsonFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelJsonFault';
  }
}

/** Deepest JSON nesting accepted (a Keras config of nested models is a few dozen levels). */
export const MAX_JSON_DEPTH = 1000;
/** Most weight bytes a model may declare (1 GiB): more is refused before anything is read or allocated. */
export const MAX_WEIGHT_BYTES = 2 ** 30;
/** Most elements one input sample may have (2²⁴ ≈ 16.8 M, e.g. 2 365 × 2 365 × 3). */
export const MAX_INPUT_ELEMENTS = 2 ** 24;

const EXPORT_AGAIN = 'Export the model again with TF.js (model.save) or tensorflowjs_converter.';
const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
const fmt = (v: unknown) => JSON.stringify(v);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v}`);
const isDim = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;

/**
 * Refuses JSON text nested deeper than MAX_JSON_DEPTH (a stack overflow later) by one pass over
 * its brackets, skipping strings.
 */
export function checkJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new ModelJsonFault(`JSON nested more than ${MAX_JSON_DEPTH} levels deep; a TF.js model.json is at most ${MAX_JSON_DEPTH} levels deep. The file is corrupt or not a model: ${EXPORT_AGAIN}`);
      }
    } else if (c === 93 || c === 125) depth--;
  }
}

/** Bytes a weight occupies in its shard: elements × bytes of its stored (possibly quantized) dtype. */
export function weightSpecBytes(spec: tf.io.WeightsManifestEntry): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES_PER_ELEMENT[stored];
  if (per === undefined) throw new ModelJsonFault(`weight "${spec.name}" has dtype ${stored}, which this studio cannot read. ${EXPORT_AGAIN}`);
  return spec.shape.reduce((a, b) => a * b, 1) * per;
}

/** Refuses a weight path that could leave the model's folder: absolute, a drive, a `..` segment, or empty. */
export function checkWeightPath(path: unknown, group: number): asserts path is string {
  const where = `weightsManifest group ${group}`;
  if (typeof path !== 'string' || path === '') throw new ModelJsonFault(`${where} lists the weight file ${fmt(path)}; a path must be a file name beside model.json. ${EXPORT_AGAIN}`);
  if (path.startsWith('/') || path.startsWith('\\') || /^[a-z]+:/i.test(path) || path.split(/[\\/]/).includes('..')) {
    throw new ModelJsonFault(`${where} lists the weight file "${path}", which is outside the model's folder; weight files must sit beside model.json (or below it). Fix the path in the manifest.`);
  }
}

/**
 * The weights manifest as TF.js needs it: a list of groups, each with a `paths` list of files
 * beside model.json and a `weights` list of uniquely named entries whose shape is a list of whole
 * dimensions ≥ 0 and whose dtype TF.js reads; the declared bytes at most MAX_WEIGHT_BYTES.
 * Returns the declared bytes of each group.
 */
export function checkManifest(manifest: unknown): number[] {
  if (!Array.isArray(manifest)) throw new ModelJsonFault(`is not a TF.js model: its "weightsManifest" is ${typeName(manifest)}, not a list. ${EXPORT_AGAIN}`);
  const names = new Set<string>();
  let total = 0;
  return manifest.map((group: unknown, g) => {
    const where = `weightsManifest group ${g + 1}`;
    if (typeof group !== 'object' || group === null) throw new ModelJsonFault(`${where} is ${typeName(group)}, not an object with "paths" and "weights". ${EXPORT_AGAIN}`);
    const { paths, weights } = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths)) throw new ModelJsonFault(`${where} has no "paths" list (it is ${typeName(paths)}): it must name the weight files. ${EXPORT_AGAIN}`);
    if (!Array.isArray(weights)) throw new ModelJsonFault(`${where} has no "weights" list (it is ${typeName(weights)}): it must describe each weight. ${EXPORT_AGAIN}`);
    for (const p of paths) checkWeightPath(p, g + 1);
    let bytes = 0;
    for (const w of weights as unknown[]) {
      const spec = w as tf.io.WeightsManifestEntry;
      if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || !spec.name) throw new ModelJsonFault(`${where} has a weight without a name. ${EXPORT_AGAIN}`);
      if (names.has(spec.name)) throw new ModelJsonFault(`the weights manifest lists "${spec.name}" twice; each weight must appear once. ${EXPORT_AGAIN}`);
      names.add(spec.name);
      if (!Array.isArray(spec.shape) || !spec.shape.every(isDim)) {
        throw new ModelJsonFault(`weight "${spec.name}" has shape ${fmt(spec.shape)}: a shape must be a list of dimensions, each a whole number ≥ 0. ${EXPORT_AGAIN}`);
      }
      const b = weightSpecBytes(spec);
      if (b > MAX_WEIGHT_BYTES || total + bytes + b > MAX_WEIGHT_BYTES) {
        throw new ModelJsonFault(`weight "${spec.name}" has shape ${fmt(spec.shape)}: with the weights before it that is ${(total + bytes + b).toExponential(2)} bytes, more than the studio reads (${MAX_WEIGHT_BYTES / 2 ** 30} GiB). The shape is corrupt, or the model is too large for the browser.`);
      }
      bytes += b;
    }
    total += bytes;
    return bytes;
  });
}

/** The topology must be an object (a Keras model config, or a GraphDef with a node list). */
export function checkTopologyType(topology: unknown): void {
  if (typeof topology !== 'object' || topology === null || Array.isArray(topology)) {
    throw new ModelJsonFault(`"modelTopology" is ${typeName(topology)}, not a model: it must be a Keras model config (layers model) or a GraphDef (graph model). ${EXPORT_AGAIN}`);
  }
}

interface LayerJson { class_name?: unknown; config?: Record<string, unknown> & { name?: unknown; layers?: unknown } }

/** Every layer config of a Keras/TF.js topology, descending into nested Sequential/Functional models. */
export function layerConfigs(topology: unknown): { name: string; className: string; config: Record<string, unknown> }[] {
  const root = ((topology as { model_config?: unknown })?.model_config ?? topology) as LayerJson;
  const out: { name: string; className: string; config: Record<string, unknown> }[] = [];
  const visit = (layer: LayerJson) => {
    if (typeof layer !== 'object' || layer === null) {
      out.push({ name: '?', className: '?', config: {} });
      return;
    }
    const nested = Array.isArray(layer.config) ? layer.config : layer.config?.layers;
    if (Array.isArray(nested)) {
      for (const child of nested as LayerJson[]) visit(child);
      return;
    }
    const config = typeof layer.config === 'object' && layer.config !== null ? layer.config : {};
    out.push({ name: typeof config.name === 'string' ? config.name : '?', className: typeof layer.class_name === 'string' ? layer.class_name : '?', config });
  };
  visit(root);
  return out;
}

/** Layer classes whose kernel's last dimension is their `units` / `filters` (not LSTM's 4 × units, nor a transposed conv's input channels). */
const OUTPUTS_LAST = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D']);

/**
 * A layers model's topology against its manifest, before TF.js builds it (which allocates every
 * weight the topology declares): declared input shapes within MAX_INPUT_ELEMENTS, `units` /
 * `filters` whole and matching the last dimension of the layer's kernel in the manifest, every
 * weight float32 and belonging to a layer of the topology.
 */
export function checkLayersTopology(topology: unknown, specs: readonly tf.io.WeightsManifestEntry[]): void {
  const layers = layerConfigs(topology);
  const byName = new Map(specs.map((s) => [s.name, s]));
  const fix = 'The topology and the weights must come from the same model: export it again.';
  for (const { name, className, config } of layers) {
    for (const key of ['batch_input_shape', 'batchInputShape', 'batch_shape']) {
      const shape = config[key];
      if (shape === undefined || shape === null) continue;
      if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isSafeInteger(d) && d > 0))) {
        throw new ModelJsonFault(`layer "${name}" declares the input shape ${fmt(shape)}: each dimension must be a whole number ≥ 1 (or null for the batch). ${fix}`);
      }
      const elements = (shape as (number | null)[]).slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
      if (elements > MAX_INPUT_ELEMENTS) {
        throw new ModelJsonFault(`layer "${name}" declares the input shape ${fmt(shape)}: ${elements.toExponential(2)} values per sample, and the studio takes at most ${MAX_INPUT_ELEMENTS.toLocaleString('en-US')}. Check the shape, or resize the model's input.`);
      }
    }
    for (const key of ['units', 'filters']) {
      const n = config[key];
      if (n === undefined) continue;
      if (!Number.isSafeInteger(n) || (n as number) < 1) throw new ModelJsonFault(`layer "${name}" has ${key} ${fmt(n)}: it must be a whole number from 1 up. ${fix}`);
      const kernel = OUTPUTS_LAST.has(className) ? byName.get(`${name}/kernel`) : undefined;
      const out = kernel?.shape.at(-1);
      if (kernel && out !== n) {
        throw new ModelJsonFault(`layer "${name}" has ${key} ${n}, but its kernel "${kernel.name}" in the weights manifest has ${out} (shape ${fmt(kernel.shape)}). ${fix}`);
      }
    }
  }
  const names = new Set(layers.map((l) => l.name));
  for (const spec of specs) {
    const dtype = spec.dtype ?? 'float32';
    if (dtype !== 'float32') throw new ModelJsonFault(`weight "${spec.name}" is ${dtype}; layer weights must be float32 (store them as float32, or quantize them with the manifest's "quantization"). ${EXPORT_AGAIN}`);
    // "fc1/kernel", "model/fc1/kernel", "lstm/lstm_cell/kernel", "bidirectional/forward_lstm/kernel": some segment names a layer.
    const segments = spec.name.split('/').slice(0, -1);
    if (!segments.some((s) => names.has(s))) {
      const listed = [...names].filter((n) => n !== '?').slice(0, 8).join(', ');
      throw new ModelJsonFault(`the weights manifest lists "${spec.name}", but the model has no layer "${segments.at(-1) ?? spec.name}" (its layers: ${listed}). ${fix}`);
    }
  }
}

/** A tensor's NaN / ±Infinity count. */
export function countNonFinite(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) n++;
  return n;
}

/** Tensors holding NaN or ±Infinity, with their counts (empty when every weight is finite). */
export function nonFiniteWeights(weights: readonly { name: string; values: ArrayLike<number> }[]): { name: string; count: number }[] {
  return weights.map((w) => ({ name: w.name, count: countNonFinite(w.values) })).filter((w) => w.count > 0);
}

/** The message for non-finite weights: each tensor (up to three) and its count. */
export function nonFiniteMessage(found: readonly { name: string; count: number }[]): string {
  const listed = found.slice(0, 3).map((w) => `"${w.name}" holds ${w.count.toLocaleString('en-US')} NaN / Infinity value${w.count === 1 ? '' : 's'}`).join(', ');
  const more = found.length > 3 ? ` and ${found.length - 3} more tensors` : '';
  return `non-finite weights: ${listed}${more}. A model with NaN or Infinity weights computes NaN (every input the same class): fix the training or export that produced them.`;
}

/**
 * Non-finite weights straight from the manifest and the joined shard bytes, before any tensor is
 * made: float32 and float16 values are checked (uint8 / uint16 codes dequantize to finite values,
 * integer weights are always finite).
 */
export function nonFiniteInShards(specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer): { name: string; count: number }[] {
  const found: { name: string; count: number }[] = [];
  let offset = 0;
  for (const spec of specs) {
    const bytes = weightSpecBytes(spec);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    let count = 0;
    if (stored === 'float32') count = countNonFinite(new Float32Array(data.slice(offset, offset + bytes)));
    else if (stored === 'float16') {
      const halves = new Uint16Array(data.slice(offset, offset + bytes));
      for (const h of halves) if ((h & 0x7c00) === 0x7c00) count++; // exponent all ones: Inf or NaN
    }
    if (count) found.push({ name: spec.name, count });
    offset += bytes;
  }
  return found;
}
