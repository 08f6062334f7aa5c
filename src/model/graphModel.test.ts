// The bundled graph LeNet-5 (scripts/make-graph-model.ts) is the layers LeNet-5 as a TF.js graph
// model; the studio reads its kernels by op, lists its weights, and names an op TF.js lacks.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifacts, readDataset, ROOT, useWasm } from '../node/io';
import { imagesToTensor } from './datasetTensor';
import { checkGraphStructure, GraphFault, graphKernels, kernelAxis } from './graphModel';
import { ModelFileError, type ModelFile } from './modelFiles';
import { loadModelFiles } from './modelInfo';
import { partsFromArtifacts } from './weights';

const dir = join(ROOT, 'public', 'models', 'lenet-5-graph');
const file = (name: string, text?: string): ModelFile => {
  const b = text === undefined ? readFileSync(join(dir, name)) : Buffer.from(text);
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};

beforeAll(async () => { await useWasm(); });

describe('the graph LeNet-5', () => {
  it('is a converter-style graph model that stock tf.loadGraphModel runs like the layers LeNet-5 (max |Δ| ≤ 1e-5 on 500 mnist-val images)', async () => {
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('graph-model');
    expect(Object.keys(json.modelTopology)).toEqual(['node', 'library', 'versions']);
    expect(json.signature.outputs.ip2.name).toBe('Identity:0');
    const ops = json.modelTopology.node.filter((n: { op: string }) => n.op !== 'Const').map((n: { op: string }) => n.op);
    expect(ops).toEqual(['Placeholder', 'Conv2D', 'BiasAdd', 'MaxPool', 'Conv2D', 'BiasAdd', 'MaxPool', 'Reshape', 'MatMul', 'BiasAdd', 'Relu', 'MatMul', 'BiasAdd', 'Softmax', 'Identity']);

    const graph = await tf.loadGraphModel(tf.io.fromMemory(readArtifacts(join(dir, 'model.json'))));
    const layers = await tf.loadLayersModel(tf.io.fromMemory(readArtifacts(join(ROOT, 'public', 'models', 'lenet-5', 'model.json'))));
    const x = imagesToTensor(readDataset('mnist-val'), 0, 500);
    const a = graph.predict(x) as tf.Tensor;
    const b = layers.predict(x) as tf.Tensor;
    expect(a.shape).toEqual([500, 10]);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b, x]);
    graph.dispose();
    layers.dispose();
  });

  it('has four kernels, found by op: the Conv2D filters and MatMul weights (output channels last); biases and the int32 shape are not', () => {
    const parts = partsFromArtifacts(readArtifacts(join(dir, 'model.json')));
    expect(parts.format).toBe('graph-model');
    expect(parts.extras?.signature).toBeDefined();
    expect(parts.weights.find((w) => w.dtype === 'int32')?.values).toEqual(Float32Array.from([-1, 800]));
    const kernels = graphKernels(parts.topology, parts.weights);
    expect([...kernels.values()]).toEqual([{ op: 'Conv2D', axis: -1 }, { op: 'Conv2D', axis: -1 }, { op: 'MatMul', axis: -1 }, { op: 'MatMul', axis: -1 }]);
    expect([...kernels.keys()].every((k) => /(Conv2D|MatMul)\/ReadVariableOp$/.test(k))).toBe(true);
  });

  it('per-channel axis: depthwise filters on axis 2, transposed MatMul weights on axis 0', () => {
    expect(kernelAxis({ node: 'd', op: 'DepthwiseConv2dNative', input: 1 }, undefined, 4)).toBe(2);
    expect(kernelAxis({ node: 'm', op: 'MatMul', input: 1 }, { name: 'm', op: 'MatMul', attr: { transpose_b: { b: true } } }, 2)).toBe(0);
    expect(kernelAxis({ node: 'f', op: '_FusedConv2D', input: 1 }, undefined, 4)).toBe(-1);
  });

  it('loads through loadModelFiles: input and output shapes, and a table of its weight tensors with the op of each', async () => {
    const { model, info } = await loadModelFiles([file('model.json'), file('weights.bin')], 'graph');
    expect(model).toBeInstanceOf(tf.GraphModel);
    expect(info.inputShape).toEqual([-1, 28, 28, 1]);
    expect(info.outputShape).toEqual([-1, 10]);
    expect(info.layers.map((l) => l.className)).toEqual(['Conv2D', 'BiasAdd', 'Conv2D', 'BiasAdd', 'Reshape', 'MatMul', 'BiasAdd', 'MatMul', 'BiasAdd']);
    expect(info.layers[0]).toMatchObject({ name: 'StatefulPartitionedCall/lenet_5/conv1/Conv2D/ReadVariableOp', outputShape: '[5, 5, 1, 20]', params: 500, bytes: 2000 });
    expect(info.layers.reduce((a, l) => a + l.bytes, 0)).toBe(statSync(join(dir, 'weights.bin')).size);
    expect(info.params).toBe(431_080 + 2);
    model.dispose();
  });

  it('names a node whose op TF.js does not support', async () => {
    const json = readFileSync(join(dir, 'model.json'), 'utf8').replace('"op":"Relu"', '"op":"MyFancyRelu"');
    const load = loadModelFiles([file('model.json', json), file('weights.bin')], 'graph');
    await expect(load).rejects.toBeInstanceOf(ModelFileError);
    await expect(load).rejects.toThrow(/graph node "StatefulPartitionedCall\/lenet_5\/ip1\/Relu" uses the op "MyFancyRelu", which TF\.js does not support/);
  });
});

describe('checkGraphStructure', () => {
  const node = (name: string, op: string, ...input: string[]) => ({ name, op, input });
  const check = (...nodes: object[]) => () => checkGraphStructure({ node: nodes }, [{ name: 'w', dtype: 'float32' }]);
  it('accepts a chain, control inputs and a TF1 while-loop back edge through NextIteration', () => {
    expect(check(node('x', 'Placeholder'), node('w', 'Const'), node('m', 'MatMul', 'x', 'w'), node('r', 'Relu', 'm:0', '^w'))).not.toThrow();
    expect(check(node('x', 'Placeholder'), node('merge', 'Merge', 'x', 'next'), node('body', 'Relu', 'merge'), node('next', 'NextIteration', 'body'))).not.toThrow();
  });
  it('names a dangling input, a self-loop and every node of a cycle in data-flow order', () => {
    expect(check(node('x', 'Placeholder'), node('r', 'Relu', 'y'))).toThrow(/graph node "r" takes input "y", but no node has that name/);
    expect(check(node('x', 'Placeholder'), node('r', 'Relu', '^y'))).toThrow(/takes input "y"/);
    expect(check(node('x', 'Placeholder'), node('r', 'Relu', 'r:0'))).toThrow(/graph node "r" takes its own output as input/);
    expect(check(node('x', 'Placeholder'), node('a', 'Add', 'x', 'c'), node('b', 'Relu', 'a'), node('c', 'Relu', 'b'))).toThrow(/cycle: "a" → "b" → "c" → "a"/);
    expect(check(node('x', 'Placeholder'), node('r', 'Relu', 'r'))).toThrow(GraphFault);
  });
  it('finds a cycle at the end of a 100 000-node chain without overflowing the stack', () => {
    const nodes = [node('n0', 'Placeholder')];
    for (let i = 1; i < 100_000; i++) nodes.push(node(`n${i}`, 'Relu', `n${i - 1}`));
    nodes[0] = node('n0', 'Relu', 'n99999');
    expect(check(...nodes)).toThrow(/cycle: "n0" → "n1" → "n2" → "n3" → "n4" → … 99994 more … → "n99999" → "n0", so no node/);
  });
  it('refuses a kernel that is not float32', () => {
    expect(() => checkGraphStructure({ node: [node('x', 'Placeholder'), node('w', 'Const'), node('m', 'MatMul', 'x', 'w')] }, [{ name: 'w', dtype: 'int32' }]))
      .toThrow(/weight "w" is int32, but it is the kernel of MatMul node "m", which needs float32/);
  });
});
