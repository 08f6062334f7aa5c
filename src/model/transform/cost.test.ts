import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import { artifactsFromParts } from '../weights';
import { countParams, flops, layerCosts } from './cost';
import { bundledParts } from './fixtures';
import { convLength, inferShapes } from './shapes';

beforeAll(useWasm);

describe('shapes, params and FLOPs', () => {
  it('conv output length follows Keras (same: ⌈L/s⌉, valid: ⌈(L − d(k−1))/s⌉)', () => {
    expect(convLength(28, 5, 1, 'valid')).toBe(24);
    expect(convLength(28, 3, 2, 'same')).toBe(14);
    expect(convLength(7, 2, 2, 'valid')).toBe(3);
    expect(convLength(10, 3, 1, 'valid', 2)).toBe(6);
  });

  it('shapes and params agree with TF.js for every bundled model', async () => {
    for (const id of ['lenet-300-100', 'lenet-5', 'fashion-cnn']) {
      const parts = bundledParts(id);
      const model = await tf.loadLayersModel(tf.io.fromMemory(artifactsFromParts(parts)));
      const shapes = inferShapes(parts.topology);
      for (const layer of model.layers) expect([id, (layer.outputShape as number[]).slice(1)]).toEqual([id, shapes.get(layer.name)]);
      expect(countParams(parts)).toBe(model.countParams());
      const perLayer = new Map(layerCosts(parts).map((l) => [l.name, l.params]));
      for (const layer of model.layers) expect(perLayer.get(layer.name)).toBe(layer.countParams());
      model.dispose();
    }
  });

  it('FLOPs = 2·MACs, hand-computed', () => {
    // lenet-5: conv1 24·24·5·5·1·20 + conv2 8·8·5·5·20·50 + ip1 800·500 + ip2 500·10 MACs.
    expect(flops(bundledParts('lenet-5'))).toBe(2 * (288_000 + 1_600_000 + 400_000 + 5_000));
    expect(flops(bundledParts('lenet-300-100'))).toBe(2 * (784 * 300 + 300 * 100 + 100 * 10));
    // fashion-cnn: conv1 28·28·9·16, dw2 14·14·9·16, pw2 14·14·16·32, fc1 1568·64, fc2 64·10.
    expect(flops(bundledParts('fashion-cnn'))).toBe(2 * (112_896 + 28_224 + 100_352 + 100_352 + 640));
  });

  it('an unknown layer class is named, not guessed', () => {
    const topology = { class_name: 'Sequential', config: { layers: [{ class_name: 'Mystery', config: { name: 'q', batch_input_shape: [null, 3] } }] } };
    expect(() => flops({ topology, weights: [] })).toThrow(/"q" \(Mystery\)/);
  });
});
