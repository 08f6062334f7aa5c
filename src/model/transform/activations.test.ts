import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from '../../node/io';
import { activationLayer, elementwiseActivation } from './activations';

beforeAll(useWasm);
const grid = Array.from({ length: 41 }, (_, i) => -8 + i * 0.4);

describe('activations for compensation constants', () => {
  it('match TF.js activation layers on a grid of inputs', () => {
    for (const name of ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new'] as const) {
      const fn = elementwiseActivation(name) as (x: number) => number;
      const y = tf.tidy(() => (tf.layers.activation({ activation: name }).apply(tf.tensor1d(grid)) as tf.Tensor).dataSync());
      grid.forEach((x, i) => expect([name, x, fn(x)]).toEqual([name, x, expect.closeTo(y[i], 5)]));
    }
  });

  it('layer forms with their parameters; softmax and unknown names are not element-wise', () => {
    expect(activationLayer('ReLU', { max_value: 1 })?.(3)).toBe(1);
    expect(activationLayer('LeakyReLU', {})?.(-1)).toBeCloseTo(-0.3, 12);
    expect(activationLayer('ELU', { alpha: 2 })?.(-1)).toBeCloseTo(2 * (Math.exp(-1) - 1), 12);
    expect(elementwiseActivation(null)?.(-2)).toBe(-2);
    expect(elementwiseActivation('softmax')).toBeUndefined();
    expect(activationLayer('Activation', { activation: 'nope' })).toBeUndefined();
    expect(activationLayer('Softmax', {})).toBeUndefined();
  });
});
