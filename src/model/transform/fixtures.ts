/**
 * Test fixtures of the structural transforms (Node only, not used by the app): bundled models as
 * parts, toy models with chosen weights, predictions and accuracy through stock TF.js loading.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readArtifacts, readDataset, ROOT } from '../../node/io';
import { imagesToTensor } from '../datasetTensor';
import { artifactsFromParts, partsFromArtifacts, type ModelParts } from '../weights';

/** A bundled model (public/models/<id>) as parts. */
export const bundledParts = (id: string): ModelParts => partsFromArtifacts(readArtifacts(join(ROOT, 'public', 'models', id, 'model.json')));

/** A bundled model's topology alone (no TF.js backend needed). */
export const loadTopology = (id: string): object => (JSON.parse(readFileSync(join(ROOT, 'public', 'models', id, 'model.json'), 'utf8')) as { modelTopology: object }).modelTopology;

/** The parts of a built TF.js model, as its own save() writes them. */
export async function partsOfModel(model: tf.LayersModel): Promise<ModelParts> {
  let parts: ModelParts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    parts = partsFromArtifacts(artifacts);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return parts as ModelParts;
}

/** Loads parts with stock tf.loadLayersModel and returns model(x) as a flat array. */
export async function predict(parts: ModelParts, x: tf.Tensor): Promise<Float32Array> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifactsFromParts(parts)));
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  y.dispose();
  model.dispose();
  return out;
}

/** max_i |a_i − b_i| (Infinity when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The first `count` validation images of a bundled data set ('mnist' | 'fashion-mnist'). */
export function valImages(dataset: string, count: number): { x: tf.Tensor4D; labels: Uint8Array } {
  const ds = readDataset(dataset, 'val');
  return { x: imagesToTensor(ds, 0, count), labels: ds.labels.slice(0, count) };
}

/** Top-1 accuracy of parts on the images (argmax of the output rows). */
export async function accuracy(parts: ModelParts, x: tf.Tensor, labels: Uint8Array): Promise<number> {
  const y = await predict(parts, x);
  const k = y.length / labels.length;
  let right = 0;
  labels.forEach((label, n) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (y[n * k + j] > y[n * k + best]) best = j;
    if (best === label) right++;
  });
  return right / labels.length;
}

/** A copy of parts with weight `name` replaced by fn(values, shape) (same shape). */
export function withWeight(parts: ModelParts, name: string, fn: (values: Float32Array, shape: number[]) => Float32Array): ModelParts {
  if (!parts.weights.some((w) => w.name === name)) throw new Error(`no weight ${name}`);
  return { topology: parts.topology, weights: parts.weights.map((w) => (w.name === name ? { ...w, values: fn(w.values.slice(), w.shape) } : w)) };
}

/** The weight called `name`. */
export function weight(parts: ModelParts, name: string): { values: Float32Array; shape: number[] } {
  const w = parts.weights.find((t) => t.name === name);
  if (!w) throw new Error(`no weight ${name} in [${parts.weights.map((t) => t.name).join(', ')}]`);
  return w;
}

/** Sets the given output channels (last axis) of a kernel to zero, in place; returns it. */
export function zeroChannels(values: Float32Array, shape: number[], channels: readonly number[]): Float32Array {
  const c = shape[shape.length - 1];
  for (let i = 0; i < values.length; i++) if (channels.includes(i % c)) values[i] = 0;
  return values;
}

/** Row-major product of an m×r and an r×n matrix. */
export function matmul(a: Float32Array, b: Float32Array, m: number, r: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < r; t++) {
      const x = a[i * r + t];
      for (let j = 0; j < n; j++) out[i * n + j] += x * b[t * n + j];
    }
  }
  return out;
}

/** Deterministic pseudo-random values in [−1, 1) (LCG), for toy weights and inputs. */
export function pseudoRandom(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Gives every weight of parts pseudo-random values (variances stay positive: |v| + 0.5). */
export function randomize(parts: ModelParts, seed = 1): ModelParts {
  return {
    topology: parts.topology,
    weights: parts.weights.map((w, i) => {
      const v = pseudoRandom(w.values.length, seed * 100 + i);
      return { ...w, values: w.name.endsWith('moving_variance') ? v.map((x) => Math.abs(x) + 0.5) : v };
    }),
  };
}
