// snakeCase must give the names Keras itself gives (its default layer names and its saving_lib
// group names come from the same naming.to_snake_case), reference values taken from Keras.
import { describe, expect, it } from 'vitest';
import { snakeCase } from './kerasWeights';

describe('snakeCase', () => {
  it('matches the names Keras derives from class names', () => {
    const keras: Record<string, string> = {
      Dense: 'dense', Conv2D: 'conv2d', Conv1D: 'conv1d', Conv2DTranspose: 'conv2d_transpose', DepthwiseConv2D: 'depthwise_conv2d',
      SeparableConv2D: 'separable_conv2d', MaxPooling2D: 'max_pooling2d', GlobalAveragePooling2D: 'global_average_pooling2d',
      BatchNormalization: 'batch_normalization', LayerNormalization: 'layer_normalization', ReLU: 're_lu', PReLU: 'p_re_lu',
      LeakyReLU: 'leaky_re_lu', ELU: 'elu', LSTM: 'lstm', GRU: 'gru', UpSampling2D: 'up_sampling2d', ZeroPadding2D: 'zero_padding2d',
      InputLayer: 'input_layer', Functional: 'functional', Sequential: 'sequential', TimeDistributed: 'time_distributed',
    };
    for (const [cls, name] of Object.entries(keras)) expect(snakeCase(cls), cls).toBe(name);
  });
});
