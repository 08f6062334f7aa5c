import { describe, expect, it } from 'vitest';
import { freshName, insertBefore, readGraph, topologyView } from './graph';
import { loadTopology } from './fixtures';

const dense = (name: string) => ({ class_name: 'Dense', config: { name, units: 2 } });
const functional = () => ({
  class_name: 'Model',
  config: {
    name: 'm',
    layers: [
      { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 4] }, inbound_nodes: [] },
      { class_name: 'Dense', name: 'a', config: { name: 'a', units: 3 }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'Dense', name: 'b', config: { name: 'b', units: 3 }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
      { class_name: 'Dense', name: 'out', config: { name: 'out', units: 2 }, inbound_nodes: [[['add', 0, 0, {}]]] },
    ],
    input_layers: [['in', 0, 0]],
    output_layers: [['out', 0, 0]],
  },
});

describe('readGraph', () => {
  it('Sequential: a chain, the last layer is the output', () => {
    const g = readGraph(loadTopology('lenet-5'));
    expect(g.nodes.map((n) => n.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'ip1', 'ip2']);
    expect(g.get('pool2')?.inputs).toEqual(['conv2']);
    expect(g.get('pool2')?.consumers).toEqual(['flatten']);
    expect([...g.outputs]).toEqual(['ip2']);
  });

  it('functional: producers, consumers, outputs; model_config wrapper and legacy list form', () => {
    const g = readGraph({ model_config: functional(), keras_version: 'x' });
    expect(g.get('add')?.inputs).toEqual(['a', 'b']);
    expect(g.get('in')?.consumers).toEqual(['a', 'b']);
    expect([...g.outputs]).toEqual(['out']);
    expect(readGraph({ class_name: 'Sequential', config: [dense('x'), dense('y')] }).get('x')?.consumers).toEqual(['y']);
  });

  it('topological order even when the list is not', () => {
    const t = functional();
    t.config.layers.reverse();
    const order = readGraph(t).nodes.map((n) => n.name);
    expect(order.indexOf('add')).toBeGreaterThan(order.indexOf('b'));
    expect(order.indexOf('out')).toBe(4);
  });

  it('rejects what it cannot read, naming it', () => {
    expect(() => topologyView({ class_name: 'Foo', config: {} })).toThrow(/Foo/);
    const t = functional();
    t.config.layers[4].inbound_nodes = [[['nope', 0, 0, {}]]];
    expect(() => readGraph(t)).toThrow(/unknown layer "nope"/);
  });

  it('insertBefore: functional rewiring keeps the rest of the graph; fresh names do not collide', () => {
    const t = functional();
    const view = topologyView(t);
    expect(freshName(view, 'a')).toBe('a_2');
    insertBefore(view, 'out', { class_name: 'Dense', config: { name: 'out_lr', units: 1 } });
    const g = readGraph(t);
    expect(g.get('out_lr')?.inputs).toEqual(['add']);
    expect(g.get('out')?.inputs).toEqual(['out_lr']);
    expect([...g.outputs]).toEqual(['out']);
    const seq = { class_name: 'Sequential', config: { name: 's', layers: [dense('x'), dense('y')] } };
    insertBefore(topologyView(seq), 'y', dense('y_lr'));
    expect(readGraph(seq).nodes.map((n) => n.name)).toEqual(['x', 'y_lr', 'y']);
  });
});
