/**
 * The decoder users ship with their app: loads a Compression Studio compact file (.cstu) into a
 * TF.js LayersModel, or a GraphModel when the file holds a graph model. Needs only @tensorflow/tfjs, fflate and the decode side of the core (tensor
 * record decoder and CRC-32), so it stays small in a bundle.
 */
import type * as tf from '@tensorflow/tfjs';
import { tfModelFromParts, type TfModel } from '../weights';
import { decodeCompact } from './compactFormat';

/**
 * Loads a compact model from its bytes or from a URL (fetched with `fetch`, so http(s):, data:
 * and blob: URLs work), checks it (magic, version, length, CRC-32, every record) and builds the
 * TF.js model of the file's kind: a tf.LayersModel, or a tf.GraphModel for a graph model (both have
 * `predict`). The type parameter names what the caller expects; it defaults to tf.LayersModel so
 * layers-only callers keep their type — pass `TfModel` when the file may hold either. Rejects with `compact file: …` for a corrupt or foreign file, or
 * `loadCompressedModel: …` when the URL cannot be fetched.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * import { loadCompressedModel } from './loadCompressedModel';
 * const model = await loadCompressedModel('/models/lenet.cstu');
 * const logits = model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor;
 * console.log(await logits.data());
 */
export async function loadCompressedModel<M extends TfModel = tf.LayersModel>(source: Uint8Array | ArrayBuffer | string, init?: RequestInit): Promise<M> {
  let bytes: Uint8Array | ArrayBuffer;
  if (typeof source === 'string') {
    const where = source.length > 80 ? `${source.slice(0, 80)}…` : source;
    let response: Response;
    try {
      response = await fetch(source, init);
    } catch (e) {
      throw new Error(`loadCompressedModel: could not fetch ${where} (${(e as Error).message})`, { cause: e });
    }
    if (!response.ok) throw new Error(`loadCompressedModel: fetching ${where} failed with HTTP ${response.status} ${response.statusText}`);
    bytes = await response.arrayBuffer();
  } else {
    bytes = source;
  }
  return (await tfModelFromParts(decodeCompact(bytes))) as M;
}
