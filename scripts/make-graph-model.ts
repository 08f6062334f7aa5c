/**
 * Writes the bundled layers LeNet-5 (public/models/lenet-5) as an equivalent TF.js graph model,
 * the way tensorflowjs_converter writes a frozen Keras model, to public/models/lenet-5-graph/:
 *
 *   npx tsx scripts/make-graph-model.ts
 *
 * tensorflowjs_converter is a Python tool and not available here, so this script writes what it
 * would: model.json { format: 'graph-model', generatedBy, convertedBy, modelTopology: { node,
 * library, versions }, weightsManifest, signature } and one weights.bin, with GraphDef nodes in the
 * JSON form @tensorflow/tfjs-converter parses (attr values { type }, { s: base64 }, { list: { i } },
 * { b }, { shape: { dim } }, { tensor }), every weight a Const node whose values sit in the
 * manifest under the node's name (the Flatten's target shape as an int32 Const, as the converter
 * stores it). The graph is unfused:
 *
 *   Placeholder → Conv2D → BiasAdd → MaxPool → Conv2D → BiasAdd → MaxPool → Reshape
 *     → MatMul → BiasAdd → Relu → MatMul → BiasAdd → Softmax → Identity
 *
 * The graph model is not listed in public/models/catalog.json: users open graph models as files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC, readArtifacts, useWasm } from '../src/node/io';
import { partsFromArtifacts } from '../src/model/weights';

const SRC = join(PUBLIC, 'models', 'lenet-5', 'model.json');
const OUT = join(PUBLIC, 'models', 'lenet-5-graph');
const ROOT_SCOPE = 'StatefulPartitionedCall/lenet_5';

type Attr = Record<string, unknown>;
interface NodeDef { name: string; op: string; input?: string[]; attr: Attr; device?: string }

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const T = { T: { type: 'DT_FLOAT' } };
const NHWC = { data_format: { s: b64('NHWC') } };
const VALID = { padding: { s: b64('VALID') } };
const ints = (xs: number[]) => ({ list: { i: xs.map(String) } });

await useWasm();
const parts = partsFromArtifacts(readArtifacts(SRC));
const weight = (name: string) => {
  const w = parts.weights.find((x) => x.name === name);
  if (!w) throw new Error(`${SRC} has no weight ${name}`);
  return w;
};

const nodes: NodeDef[] = [];
const manifest: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
const chunks: Uint8Array[] = [];
const add = (node: NodeDef) => { nodes.push(node); return node.name; };

/** A Const node whose values go into the weights manifest under the node's name. */
function constant(name: string, shape: number[], values: Float32Array | Int32Array): string {
  const dtype = values instanceof Int32Array ? 'int32' : 'float32';
  const tfType = dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
  manifest.push({ name, shape, dtype });
  chunks.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
  return add({ name, op: 'Const', attr: { value: { tensor: { dtype: tfType, tensorShape: dims(shape) } }, dtype: { type: tfType } } });
}

function conv(layer: string, x: string): string {
  const k = weight(`${layer}/kernel`);
  const b = weight(`${layer}/bias`);
  const scope = `${ROOT_SCOPE}/${layer}`;
  const kernel = constant(`${scope}/Conv2D/ReadVariableOp`, k.shape, k.values);
  const bias = constant(`${scope}/BiasAdd/ReadVariableOp`, b.shape, b.values);
  const y = add({ name: `${scope}/Conv2D`, op: 'Conv2D', input: [x, kernel], attr: {
    ...T, ...NHWC, ...VALID, strides: ints([1, 1, 1, 1]), dilations: ints([1, 1, 1, 1]), use_cudnn_on_gpu: { b: true }, explicit_paddings: { list: {} },
  } });
  return add({ name: `${scope}/BiasAdd`, op: 'BiasAdd', input: [y, bias], attr: { ...T, ...NHWC } });
}

const pool = (layer: string, x: string) => add({ name: `${ROOT_SCOPE}/${layer}/MaxPool`, op: 'MaxPool', input: [x], attr: {
  ...T, ...NHWC, ...VALID, ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), explicit_paddings: { list: {} },
} });

function dense(layer: string, x: string, activation: 'Relu' | 'Softmax'): string {
  const k = weight(`${layer}/kernel`);
  const b = weight(`${layer}/bias`);
  const scope = `${ROOT_SCOPE}/${layer}`;
  const kernel = constant(`${scope}/MatMul/ReadVariableOp`, k.shape, k.values);
  const bias = constant(`${scope}/BiasAdd/ReadVariableOp`, b.shape, b.values);
  const y = add({ name: `${scope}/MatMul`, op: 'MatMul', input: [x, kernel], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } });
  const z = add({ name: `${scope}/BiasAdd`, op: 'BiasAdd', input: [y, bias], attr: { ...T, ...NHWC } });
  return add({ name: `${scope}/${activation}`, op: activation, input: [z], attr: { ...T } });
}

const INPUT = 'conv1_input';
add({ name: INPUT, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 28, 28, 1]) } } });
let x = pool('pool2', conv('conv2', pool('pool1', conv('conv1', INPUT))));
const flatShape = constant(`${ROOT_SCOPE}/flatten/Const`, [2], Int32Array.from([-1, weight('ip1/kernel').shape[0]]));
x = add({ name: `${ROOT_SCOPE}/flatten/Reshape`, op: 'Reshape', input: [x, flatShape], attr: { ...T, Tshape: { type: 'DT_INT32' } } });
x = dense('ip2', dense('ip1', x, 'Relu'), 'Softmax');
add({ name: 'Identity', op: 'Identity', input: [x], attr: { ...T } });

// The converter lists Const nodes first, then the computation in topological order.
const ordered = [...nodes.filter((n) => n.op === 'Const'), ...nodes.filter((n) => n.op !== 'Const')];
const modelJson = {
  format: 'graph-model',
  generatedBy: '2.16.1',
  convertedBy: 'Compression Studio scripts/make-graph-model.ts (tensorflowjs_converter layout)',
  signature: {
    inputs: { [INPUT]: { name: `${INPUT}:0`, dtype: 'DT_FLOAT', tensorShape: dims([-1, 28, 28, 1]) } },
    outputs: { ip2: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 10]) } },
  },
  modelTopology: { node: ordered, library: {}, versions: { producer: 1645 } },
  weightsManifest: [{ paths: ['weights.bin'], weights: manifest }],
};
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'model.json'), JSON.stringify(modelJson));
writeFileSync(join(OUT, 'weights.bin'), Buffer.concat(chunks));
console.log(`wrote ${OUT}: ${ordered.length} nodes, ${manifest.length} weights, ${chunks.reduce((a, c) => a + c.length, 0)} bytes`);
