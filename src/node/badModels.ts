/**
 * Malformed TF.js models for tests: each case is a bundled model (public/models) with one fault
 * written into its model.json or weights, and the message the studio must refuse it with. The
 * page (loadModelFiles), the worker (createStudio) and the CLI are tested on the same table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC } from './io';

/** One file of a case, as it would be dropped or written into a model folder. */
export interface CaseFile {
  name: string;
  bytes: Buffer;
}

/** A malformed model: its files and the refusal it must get (file name, what is wrong, what to do). */
export interface BadModel {
  id: string;
  files: CaseFile[];
  expected: RegExp;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const read = (id: string, name: string) => readFileSync(join(PUBLIC, 'models', id, name));
const json = (id: string): Json => JSON.parse(read(id, 'model.json').toString('utf8'));

/** A bundled model with `edit` applied to its parsed model.json, and its weights (optionally edited too). */
function edited(id: string, edit: (j: Json) => void, weights: (w: Buffer) => Buffer = (w) => w): CaseFile[] {
  const j = json(id);
  edit(j);
  return [{ name: 'model.json', bytes: Buffer.from(JSON.stringify(j)) }, { name: 'weights.bin', bytes: weights(Buffer.from(read(id, 'weights.bin'))) }];
}

const graphNode = (j: Json, suffix: string): Json => (j.modelTopology.node as Json[]).find((n) => n.name.endsWith(suffix)) as Json;
const layer = (j: Json, name: string): Json => (j.modelTopology.config.layers as Json[]).find((l) => l.config.name === name) as Json;
const spec = (j: Json, name: string): Json => (j.weightsManifest[0].weights as Json[]).find((w) => w.name === name) as Json;

/** Every malformed case (see the file comment). */
export function badModels(): BadModel[] {
  const G = 'lenet-5-graph';
  const L = 'lenet-300-100';
  return [
    { id: 'graph-cycle', expected: /model\.json: the graph has a cycle: .*ip1\/MatMul.*→.*ip1\/MatMul.*Convert the model again/,
      files: edited(G, (j) => { graphNode(j, 'ip1/MatMul').input[0] = 'StatefulPartitionedCall/lenet_5/ip2/BiasAdd'; }) },
    { id: 'graph-self-loop', expected: /model\.json: graph node "[^"]*ip1\/Relu" takes its own output as input/,
      files: edited(G, (j) => { graphNode(j, 'ip1/Relu').input = ['StatefulPartitionedCall/lenet_5/ip1/Relu']; }) },
    { id: 'graph-dangling', expected: /model\.json: graph node "[^"]*ip1\/Relu" takes input "nowhere", but no node has that name/,
      files: edited(G, (j) => { graphNode(j, 'ip1/Relu').input = ['nowhere']; }) },
    { id: 'graph-int32-kernel', expected: /model\.json: weight "[^"]*ip1\/MatMul\/ReadVariableOp" is int32, but it is the kernel of MatMul node .*float32/,
      files: edited(G, (j) => { spec(j, 'StatefulPartitionedCall/lenet_5/ip1/MatMul/ReadVariableOp').dtype = 'int32'; }) },
    { id: 'input-shape-mismatch', expected: /model\.json: TF\.js could not build the model.*(fc1|784|2352).*input shape/is,
      files: edited(L, (j) => { layer(j, 'flatten').config.batch_input_shape = [null, 28, 28, 3]; }) },
    { id: 'int32-kernel', expected: /model\.json: weight "fc1\/kernel" is int32; layer weights must be float32/,
      files: edited(L, (j) => { spec(j, 'fc1/kernel').dtype = 'int32'; }) },
    { id: 'negative-dimension', expected: /model\.json: weight "fc1\/kernel" has shape \[-784,300\]: a shape must be a list of dimensions, each a whole number ≥ 0/,
      files: edited(L, (j) => { spec(j, 'fc1/kernel').shape = [-784, 300]; }) },
    { id: 'negative-units', expected: /model\.json: layer "fc2" has units -100: it must be a whole number from 1/,
      files: edited(L, (j) => { layer(j, 'fc2').config.units = -100; }) },
    { id: 'huge-input-shape', expected: /model\.json: layer "flatten" declares the input shape \[null,100000,100000,1\].*at most/,
      files: edited(L, (j) => { layer(j, 'flatten').config.batch_input_shape = [null, 100000, 100000, 1]; }) },
    { id: 'huge-weight-shape', expected: /model\.json: weight "fc1\/kernel" has shape \[784000000,300000\]: .*more than the studio reads/,
      files: edited(L, (j) => { spec(j, 'fc1/kernel').shape = [784000000, 300000]; }) },
    { id: 'huge-units', expected: /model\.json: layer "fc2" has units 100000000, but its kernel "fc2\/kernel" in the weights manifest has 100/,
      files: edited(L, (j) => { layer(j, 'fc2').config.units = 100000000; }) },
    { id: 'weight-name-mismatch', expected: /model\.json: the weights manifest lists "fcX\/kernel", but the model has no layer "fcX".*fc1/,
      files: edited(L, (j) => { spec(j, 'fc1/kernel').name = 'fcX/kernel'; }) },
    { id: 'paths-null', expected: /model\.json: weightsManifest group 1 has no "paths" list/,
      files: edited(L, (j) => { j.weightsManifest[0].paths = null; }) },
    { id: 'weights-null', expected: /model\.json: weightsManifest group 1 has no "weights" list/,
      files: edited(L, (j) => { j.weightsManifest[0].weights = null; }) },
    { id: 'scalar-shape', expected: /model\.json: weight "fc1\/kernel" has shape 784: .*a list of dimensions/,
      files: edited(L, (j) => { spec(j, 'fc1/kernel').shape = 784; }) },
    { id: 'duplicate-weight', expected: /model\.json: the weights manifest lists "fc1\/bias" twice/,
      files: edited(L, (j) => { spec(j, 'fc2/bias').name = 'fc1/bias'; }) },
    { id: 'topology-number', expected: /model\.json: "modelTopology" is a number, not a model/,
      files: edited(L, (j) => { j.modelTopology = 42; }) },
    { id: 'deep-nesting', expected: /model\.json: JSON nested more than 1000 levels deep; .*Export the model again/,
      files: [{ name: 'model.json', bytes: Buffer.from(`{"modelTopology":${'['.repeat(200_000)}${']'.repeat(200_000)},"weightsManifest":[]}`) }] },
    { id: 'nan-weights', expected: /model\.json: non-finite weights: "fc2\/kernel" holds 3 NaN \/ Infinity values/,
      files: edited(L, () => {}, (w) => {
        const f = new Float32Array(w.buffer, w.byteOffset, w.byteLength / 4);
        const fc2 = (784 * 300 + 300);
        f[fc2] = NaN; f[fc2 + 7] = Infinity; f[fc2 + 99] = -Infinity;
        return w;
      }) },
  ];
}
