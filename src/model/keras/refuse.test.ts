// Files readKerasFile refuses: each with a ModelFileError that names the file, the layer where
// there is one, and what to do — never a wrong model, never a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../node/io';
import { ModelFileError } from '../modelFiles';
import { k3, k3Sequential, keras3WeightsH5, keras3Zip, w, writeH5 } from './fixtures';
import { isKerasFile, readKerasFile } from './readKeras';

const fixture = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'src', 'model', 'keras', 'fixtures', name)));
const dense = (name: string, units: number) => k3('Dense', name, { units, activation: 'linear', use_bias: true });

async function refusal(name: string, bytes: Uint8Array, options?: Parameters<typeof readKerasFile>[2]): Promise<string> {
  const error = await readKerasFile(name, bytes, options).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFileError);
  expect((error as ModelFileError).file).toBe(name);
  return (error as Error).message;
}

describe('readKerasFile refuses', () => {
  it('a file that is neither HDF5 nor a zip, and an empty one', async () => {
    const text = new TextEncoder().encode('{"modelTopology": {}}');
    expect(isKerasFile('model.json', text)).toBe(false);
    expect(await refusal('model.h5', text)).toMatch(/^model\.h5: is neither a Keras \.keras file \(a zip\) nor an HDF5 \.h5 file/);
    expect(await refusal('model.keras', new Uint8Array(0))).toMatch(/^model\.keras: is empty/);
  });

  it('a truncated .h5 (shorter than its superblock says) and a truncated .keras zip', async () => {
    const h5 = fixture('mnist-cnn-keras2.h5');
    expect(await refusal('cut.h5', h5.slice(0, 300_000))).toMatch(/^cut\.h5: is truncated: it holds 300,000 bytes, but its HDF5 header says 575,480\. Copy or download the file again\./);
    expect(await refusal('cut.h5', h5.slice(0, 20))).toMatch(/^cut\.h5: is truncated/);
    const zip = fixture('mnist-cnn-keras3.keras');
    expect(await refusal('cut.keras', zip.slice(0, 1_000_000))).toMatch(/^cut\.keras: is not a readable zip .*truncated or damaged/);
  });

  it('a zip that is not a Keras file (a TF.js model.zip) and a .keras whose weights are .npz', async () => {
    const tfjsZip = zipSync({ 'model.json': new TextEncoder().encode('{}'), 'weights.bin': new Uint8Array(4) });
    expect(isKerasFile('model.zip', tfjsZip)).toBe(false);
    expect(await refusal('model.zip', tfjsZip)).toMatch(/^model\.zip: is a zip without config\.json, so not a Keras \.keras file/);
    const npz = zipSync({ 'config.json': new TextEncoder().encode('{}'), 'model.weights.npz': new Uint8Array(4) });
    expect(await refusal('npz.keras', npz)).toMatch(/holds no model\.weights\.h5 \(it holds model\.weights\.npz/);
  });

  it('a Lambda layer, a custom layer and a class TF.js lacks, naming the layer', async () => {
    const lambda = await keras3Zip(k3Sequential([null, 4], [k3('Lambda', 'double_it', { function: { class_name: '__lambda__', config: { code: '...' } } })]), {});
    expect(await refusal('lambda.keras', lambda)).toMatch(/^lambda\.keras: layer "double_it" \(Lambda\): a Lambda layer holds Python code.*Replace it with built-in layers/);
    const custom = await keras3Zip(k3Sequential([null, 4], [{ ...k3('MyBlock', 'block'), module: null, registered_name: 'Custom>MyBlock' }]), {});
    expect(await refusal('custom.keras', custom)).toMatch(/^custom\.keras: layer "block" \(MyBlock\): it is a custom layer \(registered as "Custom>MyBlock"\)/);
    const missing = await keras3Zip(k3Sequential([null, 4], [k3('EinsumDense', 'ein', { equation: 'ab,bc->ac' })]), {});
    expect(await refusal('einsum.keras', missing)).toMatch(/^einsum\.keras: layer "ein" \(EinsumDense\): TF\.js has no layer class "EinsumDense"/);
  });

  it('options TF.js does not compute as Keras does: GRU reset_after, Keras 3 hard_sigmoid, grouped convolution', async () => {
    const gru = await keras3Zip(k3Sequential([null, 3, 2], [k3('GRU', 'gru', { units: 2, reset_after: true, activation: 'tanh', recurrent_activation: 'sigmoid' })]), {});
    expect(await refusal('gru.keras', gru)).toMatch(/^gru\.keras: layer "gru" \(GRU\): it applies the reset gate after.*reset_after=False/);
    const hard = await keras3Zip(k3Sequential([null, 3], [k3('Dense', 'fc', { units: 2, activation: 'hard_sigmoid' })]), {});
    expect(await refusal('hard.keras', hard)).toMatch(/layer "fc" \(Dense\): TF\.js has no activation "hard_sigmoid" as Keras 3 computes it/);
    // tf.keras 2.15 writes .keras files with `module` fields too, and its hard_sigmoid is TF.js's.
    const tf215 = await keras3Zip(k3Sequential([null, 3], [k3('Dense', 'fc', { units: 2, activation: 'hard_sigmoid' })]), { 'layers/dense': [w([3, 2], () => 1), w([2], () => 0)] }, '2.15.0');
    expect((await readKerasFile('tf215.keras', tf215)).kerasVersion).toBe('2.15.0');
    const grouped = await keras3Zip(k3Sequential([null, 3, 3, 4], [k3('Conv2D', 'conv', { filters: 4, kernel_size: [1, 1], groups: 2 })]), {});
    expect(await refusal('grouped.keras', grouped)).toMatch(/layer "conv" \(Conv2D\): it is a grouped convolution \(groups=2\)/);
  });

  it('an HDF5 file that is not a Keras model', async () => {
    const other = await writeH5((file) => { file.create_dataset({ name: 'data', data: new Float32Array(3), shape: [3] }); });
    expect(await refusal('data.h5', other)).toMatch(/^data\.h5: is an HDF5 file but not a Keras model: it has no model_config attribute and no layer weights/);
  });

  it('a Keras 3 op recorded in a functional graph (x + 1), which is not a layer', async () => {
    const config = { module: 'keras', class_name: 'Functional', config: { name: 'f', layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2], name: 'in' }, name: 'in', inbound_nodes: [] },
      { module: 'keras.src.ops.numpy', class_name: 'Add', config: { name: 'add' }, registered_name: 'Add', name: 'add', inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['in', 0, 0] } }, 1], kwargs: {} }] },
    ], input_layers: ['in', 0, 0], output_layers: ['add', 0, 0] } };
    expect(await refusal('op.keras', await keras3Zip(config, {}))).toMatch(/^op\.keras: layer "add" \(Add\): it is a Keras op \(keras\.src\.ops\.numpy\.Add\) recorded in the functional graph/);
  });

  it('a subclassed model (no layer graph)', async () => {
    const sub = await keras3Zip({ module: '__main__', class_name: 'MyModel', config: {}, registered_name: 'MyModel' }, {});
    expect(await refusal('sub.keras', sub)).toMatch(/^sub\.keras: cannot be converted: its model is a "MyModel", not a Sequential or Functional model \(a subclassed model/);
  });

  it('a missing weight and a weight of the wrong shape, naming the layer and the weight', async () => {
    const config = k3Sequential([null, 4], [dense('fc', 3)]);
    const noBias = await keras3Zip(config, { 'layers/dense': [w([4, 3], () => 1)] });
    expect(await refusal('nobias.keras', noBias)).toMatch(/^nobias\.keras: layer "fc" \(Dense\): the file holds 1 weight \(\[4, 3\]\), but the layer needs 2 \(fc\/kernel \[4, 3\], fc\/bias \[3\]\)/);
    const none = await keras3Zip(config, {});
    expect(await refusal('none.keras', none)).toMatch(/layer "fc" \(Dense\): the file holds 0 weights, but the layer needs 2/);
    const wrong = await keras3Zip(config, { 'layers/dense': [w([5, 3], () => 1), w([3], () => 0)] });
    expect(await refusal('shape.keras', wrong)).toMatch(/^shape\.keras: layer "fc" \(Dense\): its weight fc\/kernel is \[5, 3\] in the file \(layers\/dense\/vars\/0\), but the config makes it \[4, 3\]/);
  });

  it('a weights-only .weights.h5 without its config; with the config it loads', async () => {
    const config = k3Sequential([null, 2], [dense('fc', 1)]);
    const weights = await keras3WeightsH5({ 'layers/dense': [w([2, 1], (i) => i + 1), w([1], () => 0.5)] });
    expect(await refusal('model.weights.h5', weights)).toMatch(/^model\.weights\.h5: holds only weights \(no model_config\).*together with the model's config/);
    const read = await readKerasFile('model.weights.h5', weights, { config });
    expect(read.format).toBe('weights-h5');
    expect(Array.from(new Float32Array(read.artifacts.weightData as ArrayBuffer))).toEqual([1, 2, 0.5]);
  });
});
