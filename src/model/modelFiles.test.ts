import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFileError, checkModelFiles, topologyLayers, toArtifacts, weightSpecBytes } from './modelFiles';

const dir = join(__dirname, '..', '..', 'public', 'models', 'lenet-300-100');
const buf = (s: string | Uint8Array) => (typeof s === 'string' ? new TextEncoder().encode(s) : s).slice().buffer as ArrayBuffer;
const modelJson = () => readFileSync(join(dir, 'model.json'), 'utf8');
const weights = () => new Uint8Array(readFileSync(join(dir, 'weights.bin')));
const supported = new Set(['Flatten', 'Dense', 'Conv2D']);

function expectFault(fn: () => unknown, file: string, pattern: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    expect((e as ModelFileError).file).toBe(file);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a ModelFileError');
}

describe('checkModelFiles', () => {
  it('accepts the bundled LeNet-300-100 and joins its shards', () => {
    const checked = checkModelFiles([{ name: 'lenet/model.json', bytes: buf(modelJson()) }, { name: 'lenet/weights.bin', bytes: buf(weights()) }], supported);
    expect(checked.jsonName).toBe('model.json');
    const artifacts = toArtifacts(checked);
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(266_610 * 4);
    expect(artifacts.weightSpecs?.map((s) => s.name)).toEqual(['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias', 'fc3/kernel', 'fc3/bias']);
  });

  it('names a file that is not JSON', () => {
    expectFault(() => checkModelFiles([{ name: 'model.json', bytes: buf('{"modelTopology": ') }], supported), 'model.json', /not valid JSON/);
  });

  it('rejects JSON that is not a TF.js model', () => {
    expectFault(() => checkModelFiles([{ name: 'model.json', bytes: buf('{"hello": 1}') }], supported), 'model.json', /no "modelTopology"/);
    expectFault(() => checkModelFiles([{ name: 'model.json', bytes: buf('[1,2]') }], supported), 'model.json', /not a TF.js model/);
  });

  it('asks for model.json when only shards are dropped', () => {
    expectFault(() => checkModelFiles([{ name: 'weights.bin', bytes: buf(weights()) }], supported), 'weights.bin', /no model.json/);
  });

  it('names a missing shard', () => {
    expectFault(() => checkModelFiles([{ name: 'model.json', bytes: buf(modelJson()) }], supported), 'weights.bin', /not dropped/);
  });

  it('names a truncated shard with both sizes', () => {
    const short = weights().slice(0, 1000);
    expectFault(() => checkModelFiles([{ name: 'model.json', bytes: buf(modelJson()) }, { name: 'weights.bin', bytes: buf(short) }], supported),
      'weights.bin', /holds 1000 bytes.*needs 1066440/);
  });

  it('names an unsupported layer class', () => {
    const json = modelJson().replace('"class_name":"Dense"', '"class_name":"MyAttention"');
    expectFault(() => checkModelFiles([{ name: 'model.json', bytes: buf(json) }, { name: 'weights.bin', bytes: buf(weights()) }], supported),
      'model.json', /class "MyAttention"/);
  });

  it('accepts the graph LeNet-5 (tensorflowjs_converter layout) and keeps its signature', () => {
    const graphDir = join(dir, '..', 'lenet-5-graph');
    const json = readFileSync(join(graphDir, 'model.json'), 'utf8');
    const checked = checkModelFiles([{ name: 'model.json', bytes: buf(json) }, { name: 'weights.bin', bytes: buf(new Uint8Array(readFileSync(join(graphDir, 'weights.bin')))) }], supported);
    expect(checked.json.format).toBe('graph-model');
    const artifacts = toArtifacts(checked);
    expect(artifacts.signature).toEqual(JSON.parse(json).signature);
    expect(artifacts.weightSpecs?.find((s) => s.dtype === 'int32')?.shape).toEqual([2]);
  });

  it('names the fault of a broken graph model', () => {
    const graph = (topology: object, weights: object[] = []) => buf(JSON.stringify({ format: 'graph-model', modelTopology: topology, weightsManifest: [{ paths: [], weights }] }));
    const check = (bytes: ArrayBuffer) => () => checkModelFiles([{ name: 'model.json', bytes }], supported);
    expectFault(check(graph({ node: [] })), 'model.json', /graph model with no nodes/);
    expectFault(check(graph({ node: [{ name: 'x' }] })), 'model.json', /graph node 1 has no name or no op/);
    expectFault(check(graph({ node: [{ name: 'c', op: 'Const' }] })), 'model.json', /no input \(no Placeholder node\)/);
    expectFault(check(graph({ node: [{ name: 'x', op: 'Placeholder' }, { name: 'x', op: 'Relu' }] })), 'model.json', /two graph nodes are called "x"/);
    expectFault(check(graph({ node: [{ name: 'x', op: 'Placeholder' }] }, [{ name: 'w', shape: [0], dtype: 'float32' }])), 'model.json', /lists "w", but no graph node has that name/);
  });

  it('counts quantized weights at their stored width', () => {
    expect(weightSpecBytes({ name: 'w', shape: [3, 5], dtype: 'float32' })).toBe(60);
    expect(weightSpecBytes({ name: 'w', shape: [3, 5], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } })).toBe(15);
    expect(weightSpecBytes({ name: 'w', shape: [3, 5], dtype: 'float32', quantization: { dtype: 'float16' } })).toBe(30);
  });

  it('walks nested topologies', () => {
    const topo = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd' } },
      { class_name: 'Sequential', config: { name: 'inner', layers: [{ class_name: 'Conv2D', config: { name: 'c' } }] } }] } };
    expect(topologyLayers({ model_config: topo })).toEqual([{ name: 'd', className: 'Dense' }, { name: 'c', className: 'Conv2D' }]);
  });

  it('refuses manifests TF.js would crash on, naming the weight or group', () => {
    const withManifest = (manifest: unknown, topology: unknown = JSON.parse(modelJson()).modelTopology) =>
      () => checkModelFiles([{ name: 'model.json', bytes: buf(JSON.stringify({ modelTopology: topology, weightsManifest: manifest })) }, { name: 'weights.bin', bytes: buf(weights()) }], supported);
    const specs = () => JSON.parse(modelJson()).weightsManifest[0].weights as { name: string; shape: unknown; dtype: string }[];
    expectFault(withManifest([{ paths: null, weights: specs() }]), 'model.json', /group 1 has no "paths" list \(it is null\)/);
    expectFault(withManifest([{ paths: ['weights.bin'], weights: null }]), 'model.json', /group 1 has no "weights" list/);
    expectFault(withManifest([7]), 'model.json', /group 1 is a number/);
    expectFault(withManifest([{ paths: ['../_outside/secret.bin'], weights: specs() }]), 'model.json', /"\.\.\/_outside\/secret\.bin", which is outside the model's folder/);
    expectFault(withManifest([{ paths: ['/etc/passwd'], weights: specs() }]), 'model.json', /"\/etc\/passwd", which is outside/);
    const scalar = specs();
    scalar[0].shape = 5;
    expectFault(withManifest([{ paths: ['weights.bin'], weights: scalar }]), 'model.json', /weight "fc1\/kernel" has shape 5/);
    const fractional = specs();
    fractional[0].shape = [784.5, 300];
    expectFault(withManifest([{ paths: ['weights.bin'], weights: fractional }]), 'model.json', /has shape \[784\.5,300\]/);
    expectFault(withManifest([{ paths: ['weights.bin'], weights: specs() }], 42), 'model.json', /"modelTopology" is a number, not a model/);
    expectFault(withManifest([{ paths: ['weights.bin'], weights: specs() }], [1]), 'model.json', /"modelTopology" is a list, not a model/);
  });

  it('refuses JSON nested deeper than any model, without overflowing the stack', () => {
    const deep = `{"modelTopology":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)},"weightsManifest":[]}`;
    expectFault(() => checkModelFiles([{ name: 'model.json', bytes: buf(deep) }], supported), 'model.json', /nested more than 1000 levels deep/);
    // brackets inside strings do not count
    const quoted = JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { name: '['.repeat(5000), layers: [] } }, weightsManifest: [] });
    expect(checkModelFiles([{ name: 'model.json', bytes: buf(quoted) }], supported).json.modelTopology).toBeDefined();
  });
});
