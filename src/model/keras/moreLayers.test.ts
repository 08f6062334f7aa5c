// More layer classes checked numerically (see layers.test.ts): transposed convolution (kernel
// [kh, kw, out, in]), up-sampling, cropping, PReLU, global max pooling, GRU without reset_after,
// and a functional model with two inputs and two outputs.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { call, close, dense, k3, k3Functional, k3Input, k3Sequential, keras3Zip, kt, predict, r, sigmoid, v, w, writeH5 } from './fixtures';
import { readKerasFile } from './readKeras';

describe('more Keras layers → stock TF.js, numerically', () => {
  it('Conv2DTranspose, UpSampling2D, Cropping2D, PReLU and GlobalMaxPooling2D', async () => {
    const k = w([2, 2, 2, 3], r(60)), b = w([2], r(61)), alpha = w([2, 2, 2], (i) => 0.1 * (i + 1)), x = w([1, 1, 3], r(62));
    const bytes = await keras3Zip(k3Sequential([null, 1, 1, 3], [
      k3('Conv2DTranspose', 'up_conv', { filters: 2, kernel_size: [2, 2], strides: [1, 1], padding: 'valid', output_padding: null, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true }),
      k3('UpSampling2D', 'up', { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' }),
      k3('Cropping2D', 'crop', { cropping: [[1, 1], [1, 1]], data_format: 'channels_last' }),
      k3('PReLU', 'prelu', { shared_axes: null }),
      k3('GlobalMaxPooling2D', 'gmp', { data_format: 'channels_last', keepdims: false }),
    ]), { 'layers/conv2d_transpose': [k, b], 'layers/p_re_lu': [alpha] });
    // A 1×1 input spreads over the 2×2 kernel: y[i, j, o] = b[o] + Σ_c x[c] · K[i, j, o, c].
    const y: number[] = [];
    for (let p = 0; p < 4; p++) for (let o = 0; o < 2; o++) y.push(b.values[o] + [0, 1, 2].reduce((a, c) => a + x.values[c] * k.values[(p * 2 + o) * 3 + c], 0));
    const activated = y.map((t, i) => (t > 0 ? t : alpha.values[i] * t)); // nearest ×2 then crop 1 each side gives y back
    close(await predict('tconv.keras', bytes, [1, 1, 3], x), [0, 1].map((o) => Math.max(activated[o], activated[2 + o], activated[4 + o], activated[6 + o])));
  });

  it('GRU with reset_after=False (gates z, r, h; the reset gate before the recurrent product)', async () => {
    const k = w([2, 6], r(63)), u = w([2, 6], r(64)), b = w([6], r(65)), x = w([3, 2], r(66));
    const bytes = await keras3Zip(k3Sequential([null, 3, 2], [
      k3('GRU', 'gru', { units: 2, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, reset_after: false, return_sequences: false }),
    ]), { 'layers/gru': [], 'layers/gru/cell': [k, u, b] });
    let h = [0, 0];
    for (let t = 0; t < 3; t++) {
      const xz = dense([x.values[t * 2], x.values[t * 2 + 1]], k, b);
      const rec = (hv: number[], j: number) => hv.reduce((a, hi, q) => a + hi * u.values[q * 6 + j], 0);
      const z = [0, 1].map((j) => sigmoid(xz[j] + rec(h, j)));
      const rg = [0, 1].map((j) => sigmoid(xz[2 + j] + rec(h, 2 + j)));
      const rh = h.map((hi, j) => hi * rg[j]);
      const hh = [0, 1].map((j) => Math.tanh(xz[4 + j] + rec(rh, 4 + j)));
      h = h.map((hi, j) => z[j] * hi + (1 - z[j]) * hh[j]);
    }
    close(await predict('gru.keras', bytes, [3, 2], x), h);
  });

  it('a functional model with two inputs (given as a dict) and two outputs', async () => {
    const k = w([2, 1], r(67)), b = w([1], r(68)), a = w([2], r(69)), c = w([2], r(70));
    const config = k3Functional([
      k3Input('a', [null, 2]), k3Input('b', [null, 2]),
      k3('Dense', 'score', { units: 1, activation: 'sigmoid', use_bias: true }, call(kt('a'))),
      k3('Concatenate', 'both', { axis: -1 }, call([kt('a'), kt('b')])),
    ], ['a', 'b'], ['score', 'both']);
    (config.config as { input_layers: unknown }).input_layers = { a: ['a', 0, 0], b: ['b', 0, 0] }; // Keras 3 writes dict inputs as a dict
    const read = await readKerasFile('two.keras', await keras3Zip(config, { 'layers/dense': [k, b] }));
    const model = await tf.loadLayersModel(tf.io.fromMemory(read.artifacts));
    const [y1, y2] = model.predict([tf.tensor2d([v(a)]), tf.tensor2d([v(c)])]) as tf.Tensor[];
    close(await y1.data() as Float32Array, dense(v(a), k, b).map(sigmoid));
    expect(Array.from(await y2.data())).toEqual(Array.from(Float32Array.from([...v(a), ...v(c)])));
    tf.dispose([y1, y2]);
    model.dispose();
  });

  it('a Keras 2 weights-only .h5 (save_weights: layer_names at the root) with its config', async () => {
    const k = w([2, 2], r(71)), b = w([2], r(72)), x = w([2], r(73));
    const bytes = await writeH5((file) => {
      file.create_attribute('layer_names', ['fc'], [1], 'S2');
      file.create_attribute('keras_version', '2.3.1');
      const g = file.create_group('fc');
      g.create_attribute('weight_names', ['fc/kernel:0', 'fc/bias:0'], [2], 'S11');
      const inner = g.create_group('fc');
      inner.create_dataset({ name: 'kernel:0', data: Float32Array.from(k.values), shape: k.shape });
      inner.create_dataset({ name: 'bias:0', data: Float32Array.from(b.values), shape: b.shape });
    });
    const config = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'fc', units: 2, activation: 'linear', use_bias: true, batch_input_shape: [null, 2] } }] } };
    const read = await readKerasFile('fc.weights.h5', bytes, { config });
    expect(read.format).toBe('weights-h5');
    expect(read.kerasVersion).toBe('2.3.1');
    const model = await tf.loadLayersModel(tf.io.fromMemory(read.artifacts));
    const y = model.predict(tf.tensor2d([v(x)])) as tf.Tensor;
    close(await y.data() as Float32Array, dense(v(x), k, b));
    y.dispose();
    model.dispose();
  });

  it('a legacy .h5 whose layer_names and weight_names Keras split into numbered attributes (lists over 64 KiB)', async () => {
    const k1 = w([2, 2], r(74)), b1 = w([2], r(75)), k2 = w([2, 1], r(76)), b2 = w([1], r(77)), x = w([2], r(78));
    const config = { class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'Dense', config: { name: 'one', units: 2, activation: 'linear', use_bias: true, batch_input_shape: [null, 2] } },
      { class_name: 'Dense', config: { name: 'two', units: 1, activation: 'linear', use_bias: true } },
    ] } };
    const bytes = await writeH5((file) => {
      file.create_attribute('keras_version', '2.2.4');
      file.create_attribute('model_config', JSON.stringify(config));
      const root = file.create_group('model_weights');
      root.create_attribute('layer_names0', ['one'], [1], 'S3');
      root.create_attribute('layer_names1', ['two'], [1], 'S3');
      for (const [name, k, b] of [['one', k1, b1], ['two', k2, b2]] as const) {
        const g = root.create_group(name);
        g.create_attribute('weight_names0', [`${name}/kernel:0`], [1], 'S12');
        g.create_attribute('weight_names1', [`${name}/bias:0`], [1], 'S12');
        const inner = g.create_group(name);
        inner.create_dataset({ name: 'kernel:0', data: Float32Array.from(k.values), shape: k.shape });
        inner.create_dataset({ name: 'bias:0', data: Float32Array.from(b.values), shape: b.shape });
      }
    });
    close(await predict('split.h5', bytes, [2], x), dense(dense(v(x), k1, b1), k2, b2));
  });
});
