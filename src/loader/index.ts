/**
 * The package entry `compression-studio/loader`: what an app needs to run a Compression Studio
 * compact file (.cstu) with the TF.js it already has. Built by `npm run build:loader` (Vite library
 * mode, vite.loader.config.ts) into dist-loader/loader.js, with @tensorflow/tfjs left external as a
 * peer; its .d.ts is this file's declarations, so every type here is spelled out with TF.js types
 * only (the build refuses a declaration that reaches into the studio's own modules).
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * import { loadCompressedModel } from 'compression-studio/loader';
 * const model = await loadCompressedModel('/models/lenet-5.cstu');
 * const [, ...dims] = model.inputs[0].shape;           // the model's own input shape
 * const x = tf.zeros([1, ...dims.map((d) => d ?? 1)]);
 * console.log(await (model.predict(x) as tf.Tensor).data());
 */
import type * as tf from '@tensorflow/tfjs';
import { loadCompressedModel as loadCompact } from '../model/export/loadCompressedModel';

/**
 * Where a compact file comes from: its bytes (a Uint8Array, e.g. from a file input, or an
 * ArrayBuffer), or a URL that `fetch` can read (http(s):, relative, data: or blob:).
 */
export type CompactSource = Uint8Array | ArrayBuffer | string;

/** The TF.js model a compact file holds: a LayersModel, or a GraphModel for a graph model; both have `predict`. */
export type TfModel = tf.LayersModel | tf.GraphModel;

/**
 * Loads a compact model (.cstu) into a TF.js model of the file's own kind.
 *
 * `source` is the file's bytes or a URL; `init` is passed to `fetch` for a URL (headers,
 * credentials, an AbortSignal). The file is checked before any tensor is made — magic "CSTU",
 * format version, total length, CRC-32 and every tensor record's bounds and shape — so a corrupt or
 * foreign file rejects with `compact file: …` naming the fault, never a wrong model; an
 * unreachable URL or an HTTP error rejects with `loadCompressedModel: …`. Weights are decoded to
 * float32 (pruned positions are +0), exactly the values the studio evaluated.
 *
 * The type parameter names the model you expect: tf.LayersModel by default; pass `TfModel` when
 * the file may hold a graph model. Dispose the model (`model.dispose()`) when done with it.
 */
export const loadCompressedModel: <M extends TfModel = tf.LayersModel>(source: CompactSource, init?: RequestInit) => Promise<M> = loadCompact;
