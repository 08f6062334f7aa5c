/**
 * The layer graph of a TF.js / Keras layers-model topology (model.json's modelTopology), read
 * from the JSON alone: `Sequential` (config.layers, or the legacy bare list) and functional
 * `Model` / `Functional` (config.layers with inbound_nodes, input_layers, output_layers), with or
 * without the `model_config` wrapper Keras writes. Structural transforms edit the same JSON in
 * place (on a clone) through {@link TopologyView}, so every key they do not touch — initializers,
 * regularizers, keras_version — is written back exactly as it was read.
 */

/** One entry of the layers list: `{class_name, config}` (functional models add name and inbound_nodes). */
export interface LayerEntry {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: unknown[];
}

/** The model config inside a topology, with a live reference to its layers list. */
export interface TopologyView {
  kind: 'sequential' | 'functional';
  /** The model's `config` object (functional: holds input_layers / output_layers). */
  config: Record<string, unknown>;
  /** The layers list itself: splicing it edits the topology. */
  layers: LayerEntry[];
}

/** A layer with its producers and consumers (layer names), in topological order. */
export interface GraphNode {
  name: string;
  className: string;
  config: Record<string, unknown>;
  entry: LayerEntry;
  /** Producer layers of its (first) call, in argument order; [] for an input. */
  inputs: string[];
  /** Layers that consume its output. */
  consumers: string[];
  /** Number of times the layer is called (> 1: a shared layer). */
  calls: number;
}

export interface LayerGraph {
  view: TopologyView;
  /** Nodes in topological order (producers before consumers). */
  nodes: GraphNode[];
  get(name: string): GraphNode | undefined;
  /** Names of the layers whose outputs are model outputs. */
  outputs: Set<string>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Finds the model config in a topology (unwrapping `model_config`); throws for anything else. */
export function topologyView(topology: object): TopologyView {
  let t = topology as Record<string, unknown>;
  if (isObject(t.model_config)) t = t.model_config;
  const cls = t.class_name;
  if (cls === 'Sequential') {
    if (Array.isArray(t.config)) return { kind: 'sequential', config: t as Record<string, unknown>, layers: t.config as LayerEntry[] };
    if (isObject(t.config) && Array.isArray(t.config.layers)) return { kind: 'sequential', config: t.config, layers: t.config.layers as LayerEntry[] };
  }
  if ((cls === 'Model' || cls === 'Functional') && isObject(t.config) && Array.isArray(t.config.layers)) {
    return { kind: 'functional', config: t.config, layers: t.config.layers as LayerEntry[] };
  }
  throw new Error(`topology: expected a Sequential or functional Model layers topology, got class_name ${JSON.stringify(cls)}`);
}

/** A layer entry's name (functional entries carry it twice; Sequential only in config). */
export const layerName = (e: LayerEntry): string => String(e.config?.name ?? e.name);

/** Producer layer names of each call of a functional layer ([[name, node, tensor, kwargs], …] per call). */
function inboundCalls(e: LayerEntry): string[][] {
  return (e.inbound_nodes ?? []).map((node) => {
    if (!Array.isArray(node)) throw new Error(`topology: layer "${layerName(e)}" has inbound_nodes in a format TF.js does not write (Keras 3?)`);
    return node.map((t) => String((t as unknown[])[0]));
  });
}

/** Reads the graph of a topology. The returned nodes point into the topology object itself. */
export function readGraph(topology: object): LayerGraph {
  const view = topologyView(topology);
  const byName = new Map<string, GraphNode>();
  const listed: GraphNode[] = view.layers.map((entry, i) => {
    const name = layerName(entry);
    const calls = view.kind === 'sequential' ? [i === 0 ? [] : [layerName(view.layers[i - 1])]] : inboundCalls(entry);
    const node: GraphNode = { name, className: entry.class_name, config: entry.config, entry, inputs: calls[0] ?? [], consumers: [], calls: Math.max(1, calls.length) };
    if (byName.has(name)) throw new Error(`topology: two layers are named "${name}"`);
    byName.set(name, node);
    return node;
  });
  for (const node of listed) {
    for (const src of node.inputs) {
      const p = byName.get(src);
      if (!p) throw new Error(`topology: layer "${node.name}" reads from unknown layer "${src}"`);
      if (!p.consumers.includes(node.name)) p.consumers.push(node.name);
    }
  }
  const outputs = view.kind === 'sequential'
    ? new Set(listed.length ? [listed[listed.length - 1].name] : [])
    : new Set(((view.config.output_layers ?? []) as unknown[][]).map((o) => String(o[0])));
  // Depth-first topological order (Keras lists layers in call order, but do not rely on it).
  const nodes: GraphNode[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (n: GraphNode) => {
    if (state.get(n.name) === 2) return;
    if (state.get(n.name) === 1) throw new Error(`topology: cycle through layer "${n.name}"`);
    state.set(n.name, 1);
    for (const src of n.inputs) visit(byName.get(src) as GraphNode);
    state.set(n.name, 2);
    nodes.push(n);
  };
  listed.forEach(visit);
  return { view, nodes, get: (name) => byName.get(name), outputs };
}

/**
 * Inserts `entry` so that it runs right before layer `before` and feeds it: Sequential — spliced
 * into the list in front of it; functional — it takes over `before`'s inbound_nodes and `before`
 * now reads from it, so the rest of the graph (and output_layers) stays as it was.
 */
export function insertBefore(view: TopologyView, before: string, entry: LayerEntry): void {
  const i = view.layers.findIndex((e) => layerName(e) === before);
  if (i < 0) throw new Error(`topology: no layer "${before}"`);
  const target = view.layers[i];
  if (view.kind === 'functional') {
    const name = layerName(entry);
    entry.name = name;
    entry.inbound_nodes = target.inbound_nodes ?? [];
    target.inbound_nodes = [[[name, 0, 0, {}]]];
  }
  view.layers.splice(i, 0, entry);
}

/** A name not yet used by any layer: `base`, else `base_2`, `base_3`, … */
export function freshName(view: TopologyView, base: string): string {
  const used = new Set(view.layers.map(layerName));
  if (!used.has(base)) return base;
  let k = 2;
  while (used.has(`${base}_${k}`)) k++;
  return `${base}_${k}`;
}
