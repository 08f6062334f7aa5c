// The checks refuse malformed models but accept every well-formed one TF.js itself writes: a model
// with an LSTM (kernel 4 × units wide, weights under lstm/…), a transposed convolution (filters not
// last), a Bidirectional wrapper, unknown spatial dimensions, and the bundled models.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasm } from '../node/io';
import type { ModelFile } from './modelFiles';
import { loadModelFiles } from './modelInfo';
import { checkJsonDepth, checkLayersTopology, countNonFinite, nonFiniteInShards, nonFiniteMessage, ModelJsonFault } from './validateModel';

/** A layers model saved as TF.js writes it: model.json + one shard, as dropped files. */
async function saved(model: tf.LayersModel): Promise<ModelFile[]> {
  let files: ModelFile[] = [];
  await model.save(tf.io.withSaveHandler(async (a) => {
    const json = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
    files = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)).buffer as ArrayBuffer }, { name: 'weights.bin', bytes: a.weightData as ArrayBuffer }];
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  return files;
}

beforeAll(async () => { await useWasm(); });

describe('well-formed models TF.js writes are accepted', () => {
  it('an LSTM and a Bidirectional GRU (kernels wider than units)', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.lstm({ units: 8, inputShape: [5, 3], returnSequences: true }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4 }) as tf.RNN }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ] });
    const { model, info } = await loadModelFiles(await saved(m), 'rnn');
    expect(info.outputShape).toEqual([-1, 3]);
    model.dispose();
  });

  it('a transposed convolution and unknown spatial dimensions (built, not probed with 1 × 1 inputs)', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 5, inputShape: [null, null, 1] as unknown as number[] }),
      tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ] });
    const { model, info } = await loadModelFiles(await saved(m), 'fcn');
    expect(info.inputShape).toEqual([-1, -1, -1, 1]);
    model.dispose();
  });
});

describe('the pure checks', () => {
  it('counts NaN and ±Infinity, in float32 and float16 shards', () => {
    expect(countNonFinite([1, NaN, Infinity, -Infinity, 0, -0, 3e38])).toBe(3);
    const data = new Uint8Array(4 * 3 + 2 * 2);
    new Float32Array(data.buffer, 0, 3).set([1, NaN, 2]);
    new Uint16Array(data.buffer, 12, 2).set([0x7c00, 0x3c00]); // +Infinity, 1.0 in float16
    expect(nonFiniteInShards([
      { name: 'a', shape: [3], dtype: 'float32' },
      { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
    ], data.buffer)).toEqual([{ name: 'a', count: 1 }, { name: 'b', count: 1 }]);
    expect(nonFiniteMessage([{ name: 'a', count: 1 }, { name: 'b', count: 2 }, { name: 'c', count: 3 }, { name: 'd', count: 4 }]))
      .toMatch(/^non-finite weights: "a" holds 1 NaN \/ Infinity value, "b" holds 2 NaN \/ Infinity values, "c" holds 3 .* and 1 more tensors\./);
  });

  it('measures nesting outside strings only, and refuses past 1000 levels', () => {
    expect(() => checkJsonDepth(`${'['.repeat(1000)}${']'.repeat(1000)}`)).not.toThrow();
    expect(() => checkJsonDepth(`"${'['.repeat(5000)}\\"${'{'.repeat(5000)}"`)).not.toThrow();
    expect(() => checkJsonDepth('['.repeat(1001))).toThrow(ModelJsonFault);
  });

  it('names the layer whose units do not match its kernel, and a weight of no layer', () => {
    const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'fc', units: 4, batch_input_shape: [null, 3] } }] } };
    expect(() => checkLayersTopology(topology, [{ name: 'fc/kernel', shape: [3, 5], dtype: 'float32' }])).toThrow(/layer "fc" has units 4, but its kernel "fc\/kernel" in the weights manifest has 5/);
    expect(() => checkLayersTopology(topology, [{ name: 'fc/kernel', shape: [3, 4], dtype: 'float32' }, { name: 'other/bias', shape: [4], dtype: 'float32' }]))
      .toThrow(/lists "other\/bias", but the model has no layer "other" \(its layers: fc\)/);
    expect(() => checkLayersTopology({ ...topology, config: { ...topology.config, layers: [{ class_name: 'Dense', config: { name: 'fc', units: 4, batch_input_shape: [null, -3] } }] } }, []))
      .toThrow(/declares the input shape \[null,-3\]: each dimension must be a whole number ≥ 1/);
  });
});
