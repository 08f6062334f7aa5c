/**
 * Test fixtures of the export tests: compressed models built from a real model's weights with
 * core's own algorithms, one payload kind per kernel, and the TF.js manifest encoding each kind
 * must get. Not used by the app.
 */
import {
  clusterPayload, float16ToFloat32Array, float32ToFloat16Array, fromFloat16Bits, kmeans1d, pruneMagnitude,
  quantizeUniform, quantPayload, toFloat16Bits, type TensorPayload,
} from '../../core';
import type { CompressedModel, CompressedTensor, ModelParts, WeightTensor } from '../weights';
import type { TfjsStorage } from './tfjsWeights';

/** Payload recipes: affine b-bit per tensor (sym = symmetric), per-channel, float16, k-means (…16: centroids rounded to float16). */
export const MIX_KINDS = ['affine4', 'channel8', 'float16', 'codebook16', 'codebook', 'affine12', 'sym8', 'affine8', 'float32'] as const;
/** One payload recipe (see MIX_KINDS). */
export type MixKind = (typeof MIX_KINDS)[number];

/** The TF.js manifest encoding each recipe must map to. */
export const EXPECTED_STORAGE: Record<MixKind, TfjsStorage> = {
  affine4: 'uint8', channel8: 'float32', float16: 'float16', codebook16: 'float16', codebook: 'float32',
  affine12: 'uint16', sym8: 'uint8', affine8: 'uint8', float32: 'float32',
};

/** Kernels are the tensors of rank ≥ 2; biases and BatchNormalization vectors stay float32. */
export const isKernelShape = (shape: number[]) => shape.length >= 2;

const layerOf = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('/'))) || name;

function payloadOf(values: Float32Array, shape: number[], kind: MixKind): { payload: TensorPayload; values: Float32Array } {
  switch (kind) {
    case 'float32':
      return { payload: { kind, shape, values }, values };
    case 'float16':
      return { payload: { kind, shape, values }, values: float16ToFloat32Array(float32ToFloat16Array(values)) };
    case 'codebook':
    case 'codebook16': {
      const k = kmeans1d(values, shape, { k: 16 });
      if (kind === 'codebook') return { payload: clusterPayload(k, shape), values: k.values };
      const codebook = k.codebook.map((c) => fromFloat16Bits(toFloat16Bits(c)));
      const rounded = { ...k, codebook, values: Float32Array.from(k.indices, (i) => codebook[i]) };
      return { payload: clusterPayload(rounded, shape), values: rounded.values };
    }
    default: {
      const bits = kind === 'affine4' ? 4 : kind === 'affine12' ? 12 : 8;
      const q = quantizeUniform(values, shape, { bits, scheme: kind === 'sym8' ? 'symmetric' : 'affine', axis: kind === 'channel8' ? -1 : undefined });
      return { payload: quantPayload(q, shape), values: q.values };
    }
  }
}

/** One tensor pruned by magnitude (share `prune` of zeros) and stored as `kind`. */
export function compressTensor(w: WeightTensor, kind: MixKind, prune = 0): CompressedTensor {
  const pruned = prune > 0 ? pruneMagnitude(w.values, w.shape, { ratio: prune }).values : w.values;
  const { payload, values } = payloadOf(pruned, [...w.shape], kind);
  return { name: w.name, shape: [...w.shape], layer: layerOf(w.name), values, payload };
}

/** A compressed model: kernel number i (0-based, in manifest order) gets kindOf(i), every other tensor float32. */
export function compressMix(parts: ModelParts, kindOf: (kernel: number) => MixKind, prune = 0): CompressedModel {
  let kernel = 0;
  const tensors = parts.weights.map((w) => (isKernelShape(w.shape) ? compressTensor(w, kindOf(kernel++), prune) : compressTensor(w, 'float32')));
  return { topology: parts.topology, tensors };
}
