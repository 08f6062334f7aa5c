// Each layer class the translation handles, checked numerically: a small Keras file written with
// the HDF5 C library (h5wasm, fixtures.ts) in Keras 3's or Keras 2's layout, read by readKerasFile,
// run by stock TF.js, and compared with the same layer computed here by hand (plain loops below).
// Layers get names other than Keras 3's group names (class name + counter) on purpose.
import { describe, it } from 'vitest';
import { call, close, dense, k3, k3Functional, k3Input, k3Sequential, keras3Zip, kt, legacyH5, predict, r, sigmoid, v, w, type W } from './fixtures';

/** Valid, stride-1 NHWC convolution of x [H, W, C] by K [kh, kw, C, F], plus bias. */
function conv2d(x: number[], [h, wd, c]: number[], k: W, b: W): number[] {
  const [kh, kw, , f] = k.shape;
  const out: number[] = [];
  for (let i = 0; i + kh <= h; i++) for (let j = 0; j + kw <= wd; j++) for (let o = 0; o < f; o++) {
    let s = b.values[o];
    for (let u = 0; u < kh; u++) for (let q = 0; q < kw; q++) for (let ch = 0; ch < c; ch++) s += x[((i + u) * wd + (j + q)) * c + ch] * k.values[((u * kw + q) * c + ch) * f + o];
    out.push(s);
  }
  return out;
}

/** Valid, stride-1 depthwise convolution: channel c·M + m of the output from channel c and K [kh, kw, C, M]. */
function depthwise(x: number[], [h, wd, c]: number[], k: W, b?: W): number[] {
  const [kh, kw, , mult] = k.shape;
  const out: number[] = [];
  for (let i = 0; i + kh <= h; i++) for (let j = 0; j + kw <= wd; j++) for (let ch = 0; ch < c; ch++) for (let m = 0; m < mult; m++) {
    let s = b ? b.values[ch * mult + m] : 0;
    for (let u = 0; u < kh; u++) for (let q = 0; q < kw; q++) s += x[((i + u) * wd + (j + q)) * c + ch] * k.values[((u * kw + q) * c + ch) * mult + m];
    out.push(s);
  }
  return out;
}

/** The last output of a Keras LSTM (gates i, f, c, o; z = x·K + h·U + b) over `xs`. */
function lstm(xs: number[][], k: W, u: W, b: W): number[] {
  const units = u.shape[0];
  let h = new Array<number>(units).fill(0), c = new Array<number>(units).fill(0);
  for (const x of xs) {
    const z = dense(x, k, b).map((zi, j) => zi + h.reduce((a, hi, q) => a + hi * u.values[q * 4 * units + j], 0));
    const gate = (g: number, j: number) => z[g * units + j];
    c = c.map((cj, j) => sigmoid(gate(1, j)) * cj + sigmoid(gate(0, j)) * Math.tanh(gate(2, j)));
    h = c.map((cj, j) => sigmoid(gate(3, j)) * Math.tanh(cj));
  }
  return h;
}

describe('Keras layers → stock TF.js, numerically', () => {
  it('Dense (Keras 3 .keras, layer "fc" stored as layers/dense), relu', async () => {
    const k = w([4, 3], r(1)), b = w([3], r(2)), x = w([4], r(3));
    const bytes = await keras3Zip(k3Sequential([null, 4], [k3('Dense', 'fc', { units: 3, activation: 'relu', use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } })]), { 'layers/dense': [k, b] });
    close(await predict('dense.keras', bytes, [4], x), dense(v(x), k, b).map((y) => Math.max(0, y)));
  });

  it('Conv2D, MaxPooling2D and Flatten (HWIO kernel, channels last)', async () => {
    const k = w([2, 2, 2, 3], r(4)), b = w([3], r(5)), x = w([3, 3, 2], r(6));
    const bytes = await keras3Zip(k3Sequential([null, 3, 3, 2], [
      k3('Conv2D', 'conv', { filters: 3, kernel_size: [2, 2], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true }),
      k3('MaxPooling2D', 'pool', { pool_size: [2, 2], strides: [1, 1], padding: 'valid', data_format: 'channels_last' }),
      k3('Flatten', 'flat', { data_format: 'channels_last' }),
    ]), { 'layers/conv2d': [k, b], 'layers/max_pooling2d': [], 'layers/flatten': [] });
    const y = conv2d(v(x), [3, 3, 2], k, b); // [2, 2, 3] → max over the 2×2 window per filter
    close(await predict('conv.keras', bytes, [3, 3, 2], x), [0, 1, 2].map((o) => Math.max(y[o], y[3 + o], y[6 + o], y[9 + o])));
  });

  it('DepthwiseConv2D (multiplier 2) and SeparableConv2D', async () => {
    const dk = w([2, 2, 2, 2], r(7)), db = w([4], r(8)), x = w([3, 3, 2], r(9));
    const sd = w([2, 2, 4, 1], r(10)), sp = w([1, 1, 4, 3], r(11)), sb = w([3], r(12));
    const bytes = await keras3Zip(k3Sequential([null, 3, 3, 2], [
      k3('DepthwiseConv2D', 'dw', { kernel_size: [2, 2], strides: [1, 1], padding: 'valid', depth_multiplier: 2, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true }),
      k3('SeparableConv2D', 'sep', { filters: 3, kernel_size: [2, 2], strides: [1, 1], padding: 'valid', depth_multiplier: 1, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true }),
    ]), { 'layers/depthwise_conv2d': [dk, db], 'layers/separable_conv2d': [sd, sp, sb] });
    const d = depthwise(v(x), [3, 3, 2], dk, db); // [2, 2, 4]
    const dd = depthwise(d, [2, 2, 4], sd); // [1, 1, 4]
    close(await predict('dw.keras', bytes, [3, 3, 2], x), dense(dd, { shape: [4, 3], values: sp.values }, sb));
  });

  it('BatchNormalization (gamma, beta, moving mean, moving variance) and LayerNormalization', async () => {
    const g = w([3], (i) => 1 + i), be = w([3], r(13)), mean = w([3], r(14)), variance = w([3], (i) => 0.5 + i), x = w([3], r(15));
    const lg = w([3], r(16)), lb = w([3], r(17));
    const bytes = await keras3Zip(k3Sequential([null, 3], [
      k3('BatchNormalization', 'bn', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, synchronized: false }),
      k3('LayerNormalization', 'ln', { axis: [-1], epsilon: 0.001, center: true, scale: true, rms_scaling: false }),
    ]), { 'layers/batch_normalization': [g, be, mean, variance], 'layers/layer_normalization': [lg, lb] });
    const bn = v(x).map((xi, i) => (xi - mean.values[i]) / Math.sqrt(variance.values[i] + 0.001) * g.values[i] + be.values[i]);
    const mu = bn.reduce((a, b) => a + b, 0) / 3;
    const s2 = bn.reduce((a, b) => a + (b - mu) ** 2, 0) / 3;
    close(await predict('norm.keras', bytes, [3], x), bn.map((b, i) => (b - mu) / Math.sqrt(s2 + 0.001) * lg.values[i] + lb.values[i]));
  });

  it('Conv1D, GlobalAveragePooling1D and activations relu6 and silu (TF.js swish)', async () => {
    const k = w([2, 2, 3], r(18)), b = w([3], r(19)), x = w([4, 2], (i) => r(20)(i) * 8);
    const bytes = await keras3Zip(k3Sequential([null, 4, 2], [
      k3('Conv1D', 'c1', { filters: 3, kernel_size: [2], strides: [1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1], groups: 1, activation: 'relu6', use_bias: true }),
      k3('GlobalAveragePooling1D', 'gap', { data_format: 'channels_last', keepdims: false }),
      k3('Activation', 'act', { activation: 'silu' }),
    ]), { 'layers/conv1d': [k, b] });
    const y: number[] = [];
    for (let t = 0; t < 3; t++) for (let o = 0; o < 3; o++) {
      let s = b.values[o];
      for (let u = 0; u < 2; u++) for (let c = 0; c < 2; c++) s += x.values[(t + u) * 2 + c] * k.values[(u * 2 + c) * 3 + o];
      y.push(Math.min(6, Math.max(0, s)));
    }
    const avg = [0, 1, 2].map((o) => (y[o] + y[3 + o] + y[6 + o]) / 3);
    close(await predict('c1.keras', bytes, [4, 2], x), avg.map((a) => a * sigmoid(a)));
  });

  it('Embedding and LSTM (kernel, recurrent kernel, bias in gate order i, f, c, o; weights under lstm/cell)', async () => {
    const emb = w([5, 2], r(21)), k = w([2, 8], r(22)), u = w([2, 8], r(23)), b = w([8], r(24)), ids = { shape: [3], values: [4, 0, 2] };
    const bytes = await keras3Zip(k3Sequential([null, 3], [
      k3('Embedding', 'emb', { input_dim: 5, output_dim: 2, mask_zero: false }),
      k3('LSTM', 'rnn', { units: 2, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, dropout: 0, recurrent_dropout: 0, seed: null }),
    ]), { 'layers/embedding': [emb], 'layers/lstm': [], 'layers/lstm/cell': [k, u, b] });
    const h = lstm(Array.from(ids.values, (id) => [emb.values[id * 2], emb.values[id * 2 + 1]]), k, u, b);
    close(await predict('lstm.keras', bytes, [3], ids), h);
  });

  it('Functional: BatchNormalization, depthwise, residual Add, Concatenate, Multiply (shared input)', async () => {
    const dk = w([1, 1, 2, 1], r(25)), g = w([2], (i) => 1 + i), be = w([2], r(26)), mean = w([2], r(27)), variance = w([2], (i) => 1 + i / 2), x = w([2, 2, 2], r(28));
    const config = k3Functional([
      k3Input('img', [null, 2, 2, 2]),
      k3('DepthwiseConv2D', 'dw', { kernel_size: [1, 1], strides: [1, 1], padding: 'same', depth_multiplier: 1, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: false }, call(kt('img'))),
      k3('BatchNormalization', 'bn', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, call(kt('dw'))),
      k3('ReLU', 'relu', { max_value: 6, negative_slope: 0, threshold: 0 }, call(kt('bn'))),
      k3('Add', 'res', {}, call([kt('relu'), kt('img')])),
      k3('Multiply', 'mul', {}, call([kt('res'), kt('img')])),
      k3('Concatenate', 'cat', { axis: -1 }, call([kt('mul'), kt('res')])),
    ], ['img'], ['cat']);
    const bytes = await keras3Zip(config, { 'layers/input_layer': [], 'layers/depthwise_conv2d': [dk], 'layers/batch_normalization': [g, be, mean, variance] });
    const want: number[] = [];
    for (let p = 0; p < 4; p++) {
      const res = [0, 1].map((c) => {
        const bn = (x.values[p * 2 + c] * dk.values[c] - mean.values[c]) / Math.sqrt(variance.values[c] + 0.001) * g.values[c] + be.values[c];
        return Math.min(6, Math.max(0, bn)) + x.values[p * 2 + c];
      });
      want.push(res[0] * x.values[p * 2], res[1] * x.values[p * 2 + 1], ...res);
    }
    close(await predict('func.keras', bytes, [2, 2, 2], x), want);
  });

  it('legacy Keras 2 .h5: Functional with list-form inbound nodes, ":0" weight names, ZeroPadding2D, AveragePooling2D, Dense softmax', async () => {
    const k = w([4, 3], r(29)), b = w([3], r(30)), x = w([1, 1, 1], () => 2);
    const config = {
      class_name: 'Model', config: {
        name: 'model_1', input_layers: [['input_1', 0, 0]], output_layers: [['out', 0, 0]], layers: [
          { name: 'input_1', class_name: 'InputLayer', config: { batch_input_shape: [null, 1, 1, 1], dtype: 'float32', sparse: false, name: 'input_1' }, inbound_nodes: [] },
          { name: 'pad', class_name: 'ZeroPadding2D', config: { name: 'pad', trainable: true, padding: [[1, 1], [1, 1]], data_format: 'channels_last' }, inbound_nodes: [[['input_1', 0, 0, {}]]] },
          { name: 'avg', class_name: 'AveragePooling2D', config: { name: 'avg', trainable: true, pool_size: [2, 2], padding: 'valid', strides: [1, 1], data_format: 'channels_last' }, inbound_nodes: [[['pad', 0, 0, {}]]] },
          { name: 'flat', class_name: 'Flatten', config: { name: 'flat', trainable: true }, inbound_nodes: [[['avg', 0, 0, {}]]] },
          { name: 'out', class_name: 'Dense', config: { name: 'out', trainable: true, units: 3, activation: 'softmax', use_bias: true, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null }, inbound_nodes: [[['flat', 0, 0, {}]]] },
        ],
      },
    };
    const bytes = await legacyH5(config, [
      { name: 'input_1', weights: [] }, { name: 'pad', weights: [] }, { name: 'avg', weights: [] }, { name: 'flat', weights: [] },
      { name: 'out', weights: [{ name: 'out/kernel:0', w: k }, { name: 'out/bias:0', w: b }] },
    ]);
    const logits = dense([0.5, 0.5, 0.5, 0.5], k, b); // each 2×2 window of the padded 3×3 holds the 2 once
    const e = logits.map(Math.exp);
    close(await predict('k2.h5', bytes, [1, 1, 1], x), e.map((a) => a / e.reduce((s, t) => s + t, 0)));
  });

  it('Rescaling, Reshape, Dropout, SpatialDropout2D, LeakyReLU (negative_slope), ELU and gelu (erf form)', async () => {
    const x = w([4], (i) => (i - 1.5) * 100);
    const bytes = await keras3Zip(k3Sequential([null, 4], [
      k3('Rescaling', 'scale', { scale: 0.01, offset: 0.25 }),
      k3('Reshape', 'grid', { target_shape: [1, 2, 2] }),
      k3('SpatialDropout2D', 'sdrop', { rate: 0.5, seed: null, noise_shape: null }),
      k3('LeakyReLU', 'leaky', { negative_slope: 0.1 }),
      k3('ELU', 'elu', { alpha: 1 }),
      k3('Dropout', 'drop', { rate: 0.3, seed: null, noise_shape: null }),
      k3('Activation', 'gelu', { activation: 'gelu' }),
    ]), {});
    // erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7)
    const erf = (z: number) => {
      const t = 1 / (1 + 0.3275911 * Math.abs(z));
      const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
      return z >= 0 ? y : -y;
    };
    const want = v(x).map((xi) => {
      let y = xi * 0.01 + 0.25;
      y = y >= 0 ? y : 0.1 * y;
      y = y >= 0 ? y : Math.exp(y) - 1;
      return 0.5 * y * (1 + erf(y / Math.SQRT2));
    });
    close(await predict('act.keras', bytes, [4], x), want);
  });

  it('Functional with a nested Sequential (weights under layers/sequential/layers/…) and a layer shared by two calls', async () => {
    const a = w([2, 2], r(31)), ab = w([2], r(32)), g = w([2], (i) => 1 + i), be = w([2], r(33)), mean = w([2], r(34)), variance = w([2], (i) => 1 + i);
    const sk = w([2, 2], r(35)), sb = w([2], r(36)), x = w([2], r(37));
    const block = {
      module: 'keras', class_name: 'Sequential', registered_name: null, name: 'block', inbound_nodes: call(kt('in')),
      config: { name: 'block', trainable: true, layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2], dtype: 'float32', name: 'block_in' }, registered_name: null },
        k3('Dense', 'a', { units: 2, activation: 'tanh', use_bias: true }),
        k3('BatchNormalization', 'bn', { axis: -1, epsilon: 0.001, center: true, scale: true }),
      ] },
    };
    const config = k3Functional([
      k3Input('in', [null, 2]),
      block,
      k3('Dense', 'shared', { units: 2, activation: 'linear', use_bias: true }, [{ args: [kt('block')], kwargs: {} }, { args: [kt('in')], kwargs: {} }]),
      k3('Add', 'sum', {}, call([kt('shared', 0), kt('shared', 1)])),
    ], ['in'], ['sum']);
    const bytes = await keras3Zip(config, {
      'layers/input_layer': [], 'layers/sequential/layers/dense': [a, ab], 'layers/sequential/layers/batch_normalization': [g, be, mean, variance],
      'layers/dense': [sk, sb], 'layers/add': [],
    });
    const h = dense(v(x), a, ab).map(Math.tanh).map((t, i) => (t - mean.values[i]) / Math.sqrt(variance.values[i] + 0.001) * g.values[i] + be.values[i]);
    const y1 = dense(h, sk, sb), y2 = dense(v(x), sk, sb);
    close(await predict('nested.keras', bytes, [2], x), y1.map((t, i) => t + y2[i]));
  });

  it('Bidirectional LSTM (forward_layer before backward_layer, as TF.js orders them) and TimeDistributed Dense', async () => {
    const fk = w([2, 4], r(40)), fu = w([1, 4], r(41)), fb = w([4], r(42)), bk = w([2, 4], r(43)), bu = w([1, 4], r(44)), bb = w([4], r(45));
    const tdk = w([2, 2], r(49)), tdb = w([2], r(50)), x = w([3, 2], r(48));
    const lstmEntry = (name: string, back: boolean) => ({ module: 'keras.layers', class_name: 'LSTM', registered_name: null, config: { name, units: 1, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, go_backwards: back } });
    const bytes = await keras3Zip(k3Sequential([null, 3, 2], [
      k3('TimeDistributed', 'td', { layer: { module: 'keras.layers', class_name: 'Dense', registered_name: null, config: { name: 'inner', units: 2, activation: 'linear', use_bias: true } } }),
      k3('Bidirectional', 'bi', { merge_mode: 'concat', layer: lstmEntry('forward_lstm', false), backward_layer: lstmEntry('backward_lstm', true) }),
    ]), {
      'layers/time_distributed/layer': [tdk, tdb],
      'layers/bidirectional/backward_layer/cell': [bk, bu, bb], 'layers/bidirectional/forward_layer/cell': [fk, fu, fb],
    });
    const seq = [0, 1, 2].map((t) => dense([x.values[t * 2], x.values[t * 2 + 1]], tdk, tdb));
    close(await predict('bi.keras', bytes, [3, 2], x), [...lstm(seq, fk, fu, fb), ...lstm([...seq].reverse(), bk, bu, bb)]);
  });

  it('tf.keras 2.13–2.15 .keras files: weights under _layer_checkpoint_dependencies/', async () => {
    const k = w([2, 2], r(51)), b = w([2], r(52)), x = w([2], r(53));
    const bytes = await keras3Zip(k3Sequential([null, 2], [k3('Dense', 'fc', { units: 2, activation: 'linear', use_bias: true })]), { '_layer_checkpoint_dependencies/dense': [k, b] }, '2.15.0');
    close(await predict('tf215.keras', bytes, [2], x), dense(v(x), k, b));
  });

  it('legacy Keras 2 .h5 with a nested Sequential: its weights (all trainable first) split by layer name', async () => {
    const a = w([2, 2], r(54)), ab = w([2], r(55)), g = w([2], (i) => 1 + i), be = w([2], r(56)), mean = w([2], r(57)), variance = w([2], (i) => 2 + i), x = w([2], r(58));
    const config = {
      class_name: 'Model', config: {
        name: 'outer', input_layers: [['input_1', 0, 0]], output_layers: [['block', 0, 0]], layers: [
          { name: 'input_1', class_name: 'InputLayer', config: { batch_input_shape: [null, 2], dtype: 'float32', sparse: false, name: 'input_1' }, inbound_nodes: [] },
          { name: 'block', class_name: 'Sequential', inbound_nodes: [[['input_1', 0, 0, {}]]], config: { name: 'block', layers: [
            { class_name: 'Dense', config: { name: 'a', trainable: true, batch_input_shape: [null, 2], dtype: 'float32', units: 2, activation: 'relu', use_bias: true } },
            { class_name: 'BatchNormalization', config: { name: 'bn', trainable: true, axis: [1], momentum: 0.99, epsilon: 0.001, center: true, scale: true } },
          ] } },
        ],
      },
    };
    const bytes = await legacyH5(config, [
      { name: 'input_1', weights: [] },
      { name: 'block', weights: [
        { name: 'a/kernel:0', w: a }, { name: 'a/bias:0', w: ab }, { name: 'bn/gamma:0', w: g }, { name: 'bn/beta:0', w: be },
        { name: 'bn/moving_mean:0', w: mean }, { name: 'bn/moving_variance:0', w: variance },
      ] },
    ], '2.4.0');
    const want = dense(v(x), a, ab).map((t) => Math.max(0, t)).map((t, i) => (t - mean.values[i]) / Math.sqrt(variance.values[i] + 0.001) * g.values[i] + be.values[i]);
    close(await predict('nested.h5', bytes, [2], x), want);
  });
});
