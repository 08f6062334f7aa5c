/**
 * Test helpers of the export tests: a `fetch` that serves exported files from memory the way a
 * web server serves them from a folder (so stock `tf.loadLayersModel('model/model.json')` and the
 * compact loader run unchanged in Node), and a TF.js layers model turned into ModelParts.
 * Not used by the app.
 */
import * as tf from '@tensorflow/tfjs';
import { partsFromArtifacts, type ModelParts } from '../weights';
import type { ExportFile } from './exportFiles';

/** A fetch over `files`, each under `folder/` ('' = the root); unknown paths are 404. Records every path asked for. */
export function memoryFetch(files: readonly ExportFile[], folder = ''): { fetch: typeof fetch; requested: string[] } {
  const byPath = new Map(files.map((f) => [folder ? `${folder}/${f.name}` : f.name, f.bytes]));
  const requested: string[] = [];
  const serve = (input: RequestInfo | URL): Promise<Response> => {
    const path = String(input instanceof Request ? input.url : input).replace(/^\.\//, '');
    requested.push(path);
    const bytes = byPath.get(path);
    return Promise.resolve(bytes ? new Response(bytes.slice()) : new Response('not found', { status: 404, statusText: 'Not Found' }));
  };
  return { fetch: serve as typeof fetch, requested };
}

/** The ModelParts (topology + float32 weights) of a built TF.js layers model, through its own save handler. */
export async function partsOfLayersModel(model: tf.LayersModel): Promise<ModelParts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts) throw new Error('partsOfLayersModel: the model saved nothing');
  return partsFromArtifacts(artifacts);
}

/**
 * A small image classifier on 224×224×3 whose weights exceed 4 MiB (a `hidden`→`classes` Dense
 * holds most of them): Conv 3×3/8, stride 8 → global average pool → Dense `hidden` → Dense
 * `classes` softmax. Seeded initialisers, so the same weights every time.
 */
export function bigImageModel(hidden = 1100, classes = 1000): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({ name: 'big224' });
  model.add(tf.layers.conv2d({ inputShape: [224, 224, 3], filters: 8, kernelSize: 3, strides: 8, activation: 'relu', kernelInitializer: init(1), name: 'conv' }));
  model.add(tf.layers.globalAveragePooling2d({ name: 'pool' }));
  model.add(tf.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init(2), name: 'hidden' }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(3), name: 'out' }));
  return model;
}
