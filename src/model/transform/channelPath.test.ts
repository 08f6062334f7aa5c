import { describe, expect, it } from 'vitest';
import { traceChannels } from './channelPath';
import { loadTopology } from './fixtures';
import { readGraph, topologyView } from './graph';
import { inferShapes } from './shapes';

/** fashion-cnn's topology with `edit` applied to the layer called `name`. */
function fashion(name?: string, edit?: (config: Record<string, unknown>) => void) {
  const t = loadTopology('fashion-cnn');
  if (name && edit) edit(topologyView(t).layers.find((l) => l.config.name === name)?.config as Record<string, unknown>);
  const graph = readGraph(t);
  return (source: string) => traceChannels(graph, source, inferShapes(graph));
}

describe('traceChannels', () => {
  it('fashion-cnn conv1: through BN, relu, pooling and the depthwise conv to the 1×1 conv', () => {
    const path = fashion()('conv1');
    if (!path.ok) throw new Error(path.reason);
    expect(path.steps.map((s) => `${s.kind}:${s.layer}`)).toEqual(['bn:bn1', 'act:relu1', 'same:pool1', 'depthwise:dw2', 'bn:bn2', 'act:relu2']);
    expect(path.consumers.map((c) => [c.layer, c.flattened])).toEqual([['pw2', false]]);
    const pw2 = fashion()('pw2');
    expect(pw2.ok && pw2.consumers.map((c) => [c.layer, c.flattened, c.steps.length])).toEqual([['fc1', true, 4]]); // bn3, relu3, pool2, flatten
  });

  it('BN axis given as Keras writes it ([3]) passes; another axis blocks', () => {
    expect(fashion('bn1', (c) => { c.axis = [3]; })('conv1').ok).toBe(true);
    expect(fashion('bn1', (c) => { c.axis = 1; })('conv1')).toMatchObject({ ok: false, reason: expect.stringMatching(/normalises axis 1/) });
  });

  it('blocks with a reason: depth multiplier, softmax over channels, the model output', () => {
    expect(fashion('dw2', (c) => { c.depth_multiplier = 2; })('conv1')).toMatchObject({ reason: expect.stringMatching(/depth_multiplier 2/) });
    expect(fashion('relu1', (c) => { c.activation = 'softmax'; })('conv1')).toMatchObject({ reason: expect.stringMatching(/softmax that mixes channels/) });
    expect(fashion()('fc2')).toMatchObject({ ok: false, reason: 'it is a model output layer' });
    const seq = readGraph({ class_name: 'Sequential', config: { layers: [
      { class_name: 'Dense', config: { name: 'a', units: 3, batch_input_shape: [null, 2] } },
      { class_name: 'Activation', config: { name: 'act', activation: 'relu' } },
    ] } });
    expect(traceChannels(seq, 'a')).toMatchObject({ reason: 'its channels reach the model output through "act"' });
  });
});
