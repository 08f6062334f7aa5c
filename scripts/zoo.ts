/**
 * The bundled model architectures, built with fixed initialiser seeds so training is reproducible.
 * All take [N, 28, 28, 1] images in [0, 1] and end in a 10-way softmax.
 */
import * as tf from '@tensorflow/tfjs';

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const he = (seed: number) => tf.initializers.heNormal({ seed });

/** LeNet-300-100 (LeCun et al. 1998; Deep Compression's first net): 784-300-100-10, 266 610 parameters. */
export function lenet300100(): tf.Sequential {
  return tf.sequential({
    name: 'lenet_300_100',
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1], name: 'flatten' }),
      tf.layers.dense({ units: 300, activation: 'relu', kernelInitializer: he(1), name: 'fc1' }),
      tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: he(2), name: 'fc2' }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: glorot(3), name: 'fc3' }),
    ],
  });
}

/**
 * Caffe's LeNet-5 as used by Deep Compression: conv 20@5×5 → maxpool 2 → conv 50@5×5 → maxpool 2
 * → dense 500 relu → dense 10; 431 080 parameters. As in Caffe's lenet_train_test.prototxt the
 * convolutions have no activation of their own.
 */
export function lenet5(): tf.Sequential {
  return tf.sequential({
    name: 'lenet_5',
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, kernelInitializer: glorot(11), name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }),
      tf.layers.conv2d({ filters: 50, kernelSize: 5, kernelInitializer: glorot(12), name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 500, activation: 'relu', kernelInitializer: glorot(13), name: 'ip1' }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: glorot(14), name: 'ip2' }),
    ],
  });
}

/**
 * A small Fashion-MNIST CNN in MobileNet style, so later transforms meet real layer types:
 * conv 3×3 → BN → ReLU → pool, depthwise 3×3 → BN → ReLU, pointwise 1×1 → BN → ReLU → pool,
 * dense 64 → dropout → dense 10.
 */
export function fashionCnn(): tf.Sequential {
  return tf.sequential({
    name: 'fashion_cnn',
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: he(21), name: 'conv1' }),
      tf.layers.batchNormalization({ name: 'bn1' }),
      tf.layers.activation({ activation: 'relu', name: 'relu1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: he(22), name: 'dw2' }),
      tf.layers.batchNormalization({ name: 'bn2' }),
      tf.layers.activation({ activation: 'relu', name: 'relu2' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 1, useBias: false, kernelInitializer: he(23), name: 'pw2' }),
      tf.layers.batchNormalization({ name: 'bn3' }),
      tf.layers.activation({ activation: 'relu', name: 'relu3' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: he(24), name: 'fc1' }),
      tf.layers.dropout({ rate: 0.3, seed: 25, name: 'drop' }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: glorot(26), name: 'fc2' }),
    ],
  });
}

export const ZOO = {
  'lenet-300-100': { build: lenet300100, dataset: 'mnist', name: 'LeNet-300-100 (MNIST)' },
  'lenet-5': { build: lenet5, dataset: 'mnist', name: 'LeNet-5 (MNIST)' },
  'fashion-cnn': { build: fashionCnn, dataset: 'fashion-mnist', name: 'Fashion CNN (BN + depthwise-separable)' },
} as const;
export type ZooId = keyof typeof ZOO;
