/**
 * A synthetic big TF.js layers model, written without TF.js (plain JSON + bytes) so tests and
 * benchmarks can make one in a moment and nothing large is committed. Its shape follows an
 * image classifier like InceptionV3: a 224×224×3 input, a stem of stride-2 3×3 convolutions
 * (each Conv2D without bias → BatchNormalization without scale → ReLU, as Inception's), then
 * `pairs` blocks of a 1×1 and a 3×3 convolution at `width` channels, global average pooling and
 * a softmax Dense. Weights are seeded pseudo-random (He-scaled uniform), stored uint8 per tensor
 * (TF.js manifest quantization, as a converted InceptionV3 is) or float32, in 4 MiB shards.
 *
 * Parameters: Σ stem 9·cᵢ₋₁·cᵢ + pairs·(width² + 9·width²) + BN 3·c per conv + width·classes + classes.
 * The default spec (stem 32…320, 18 pairs, 1000 classes) has about 19.9 M parameters.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../core/random';

/** The architecture and storage of a synthetic model (see the file comment). */
export interface BigModelSpec {
  /** input side in pixels (input is side × side × 3) */
  input?: number;
  /** output channels of each stride-2 stem convolution */
  stem?: number[];
  /** channels of the 1×1 + 3×3 blocks (the last stem width) */
  pairs?: number;
  classes?: number;
  dtype?: 'uint8' | 'float32';
  /** largest shard in bytes (default 4 MiB, as tensorflowjs_converter) */
  shardBytes?: number;
  seed?: number;
}

/** The files of a synthetic model: model.json first, then its shards; `params` its parameter count. */
export interface BigModelFiles {
  files: { name: string; bytes: Uint8Array }[];
  params: number;
  layers: number;
}

type Layer = { class_name: string; config: Record<string, unknown> };
type Weight = { name: string; shape: number[]; init: 'he' | 'zeros' | 'ones'; fanIn?: number };

const conv = (name: string, filters: number, kernel: number, strides: number, first?: number[]): Layer => ({
  class_name: 'Conv2D',
  config: {
    name, filters, kernel_size: [kernel, kernel], strides: [strides, strides], padding: 'same', data_format: 'channels_last',
    dilation_rate: [1, 1], activation: 'linear', use_bias: false, trainable: true, dtype: 'float32',
    kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    ...(first ? { batch_input_shape: first } : {}),
  },
});
const bn = (name: string): Layer => ({
  class_name: 'BatchNormalization',
  config: {
    name, axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: false, trainable: true,
    beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
    moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
    beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
  },
});
const relu = (name: string): Layer => ({ class_name: 'Activation', config: { name, activation: 'relu', trainable: true } });

/** Builds the model.json and shards of `spec` in memory. */
export function bigModelFiles(spec: BigModelSpec = {}): BigModelFiles {
  const { input = 224, stem = [32, 64, 128, 256, 320], pairs = 18, classes = 1000, dtype = 'uint8', shardBytes = 4 * 2 ** 20, seed = 1 } = spec;
  const layers: Layer[] = [];
  const weights: Weight[] = [];
  let channels = 3;
  const block = (name: string, filters: number, kernel: number, strides: number) => {
    layers.push(conv(`${name}_conv`, filters, kernel, strides, layers.length === 0 ? [null as unknown as number, input, input, 3] : undefined), bn(`${name}_bn`), relu(`${name}_relu`));
    weights.push({ name: `${name}_conv/kernel`, shape: [kernel, kernel, channels, filters], init: 'he', fanIn: kernel * kernel * channels });
    weights.push({ name: `${name}_bn/beta`, shape: [filters], init: 'zeros' }, { name: `${name}_bn/moving_mean`, shape: [filters], init: 'zeros' }, { name: `${name}_bn/moving_variance`, shape: [filters], init: 'ones' });
    channels = filters;
  };
  stem.forEach((c, i) => block(`stem${i + 1}`, c, 3, 2));
  for (let p = 0; p < pairs; p++) {
    block(`mixed${p + 1}_1x1`, channels, 1, 1);
    block(`mixed${p + 1}_3x3`, channels, 3, 1);
  }
  layers.push({ class_name: 'GlobalAveragePooling2D', config: { name: 'avg_pool', data_format: 'channels_last', trainable: true } });
  layers.push({ class_name: 'Dense', config: {
    name: 'predictions', units: classes, activation: 'softmax', use_bias: true, trainable: true,
    kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
  } });
  weights.push({ name: 'predictions/kernel', shape: [channels, classes], init: 'he', fanIn: channels }, { name: 'predictions/bias', shape: [classes], init: 'zeros' });

  const rng = createRng(seed);
  const rand = () => rng.next();
  const manifest: Record<string, unknown>[] = [];
  const chunks: Uint8Array[] = [];
  let params = 0;
  for (const w of weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    params += n;
    const limit = w.init === 'he' ? Math.sqrt(6 / (w.fanIn ?? 1)) : 0;
    if (dtype === 'float32' || w.init !== 'he') {
      const v = new Float32Array(n).fill(w.init === 'ones' ? 1 : 0);
      if (w.init === 'he') for (let i = 0; i < n; i++) v[i] = (rand() * 2 - 1) * limit;
      manifest.push({ name: w.name, shape: w.shape, dtype: 'float32' });
      chunks.push(new Uint8Array(v.buffer));
    } else {
      // uint8 per tensor: value = min + code·scale over [−limit, limit].
      const scale = (2 * limit) / 255;
      const codes = new Uint8Array(n);
      for (let i = 0; i < n; i++) codes[i] = Math.floor(rand() * 256);
      manifest.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', scale, min: -limit } });
      chunks.push(codes);
    }
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { data.set(c, at); at += c.length; }
  const count = Math.ceil(total / shardBytes);
  const names = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  const json = {
    format: 'layers-model', generatedBy: 'bigModel.ts', convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'big_model', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: names, weights: manifest }],
  };
  return {
    files: [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) },
      ...names.map((name, i) => ({ name, bytes: data.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes)) }))],
    params,
    layers: layers.length,
  };
}

/** Writes bigModelFiles(spec) into `dir` (created if missing); returns the paths written, model.json first. */
export function writeBigModel(dir: string, spec: BigModelSpec = {}): { paths: string[]; params: number; layers: number } {
  mkdirSync(dir, { recursive: true });
  const made = bigModelFiles(spec);
  const paths = made.files.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.bytes);
    return path;
  });
  return { paths, params: made.params, layers: made.layers };
}
