/**
 * Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight Equalization
 * and Bias Correction"): for a pair layer1 → [BN] → f → [pool / flatten / dropout] → layer2 with f
 * positively homogeneous (f(x/s) = f(x)/s for s > 0: linear, relu, leaky relu; max / average
 * pooling), output channel i of layer1 (kernel column and bias) is divided by
 *   s_i = (1/r2_i)·√(r1_i·r2_i) = √(r1_i / r2_i)
 * and input channel i of layer2 multiplied by it, where r1_i = max|W1[…, i]| (output channel) and
 * r2_i = max|W2[i, …]| (input channel; through a Flatten the rows p·C + i). Afterwards
 * r1_i/s_i = r2_i·s_i = √(r1_i·r2_i): the two layers' channel ranges are equal, so one per-tensor
 * scale wastes less of the grid. The model computes the same function (up to float rounding).
 * Pairs are equalized in turn, repeatedly, until every s_i is within `tolerance` of 1 (DFQ
 * iterates, since a depthwise layer is layer2 of one pair and layer1 of the next).
 *
 * BatchNormalization right after layer1 is folded into it (W·γ/σ, (b − μ)·γ/σ + β with
 * σ = √(var + ε)) and removed from the topology — DFQ's choice (a): quantization then sees the
 * kernel the model really multiplies by, the ranges it equalizes are those of that kernel, and the
 * result is a plain Dense / Conv2D with a bias that stock TF.js loads (option batchNorm 'keep'
 * instead keeps the BN in float and rescales it with the raw kernel; measured in the commit). Layers (Dense, Conv2D,
 * DepthwiseConv2D with depth_multiplier 1) that start no pair fitting this pattern are reported
 * with the reason: model outputs, branches, merges, relu6 / other non-homogeneous activations, BN
 * after the activation, channels_first, grouped convs.
 */
import type { ModelParts } from '../weights';
import { activationLayer } from './activations';
import { readGraph, type GraphNode, type LayerGraph } from './graph';
import { WeightStore } from './weightStore';

/** One row per Dense / Conv2D / DepthwiseConv2D layer: the pair it starts, or why it starts none. */
export interface EqualizeReport {
  layer: string;
  className: string;
  /** The layer whose input channels were rescaled against this layer's output channels. */
  next?: string;
  /** The BatchNormalization folded into this layer and removed from the model. */
  foldedBn?: string;
  /** max_i r_i / min_i r_i of this layer's output-channel ranges (zero channels left out), before and after. */
  spreadBefore?: number;
  spreadAfter?: number;
  /** Why the layer starts no equalized pair. */
  skipped?: string;
}

/** Options of {@link equalizeCrossLayer}. */
export interface EqualizeOptions {
  /** Most sweeps over all pairs (default 50). */
  iterations?: number;
  /** Stop when every |ln s_i| of a sweep is below this (default 1e-4). */
  tolerance?: number;
  /**
   * 'fold' (default): BN folded into layer1 and removed. 'keep': BN kept (float), layer1's own
   * kernel equalized, the BN rescaled to match: γ, β, μ by 1/s and σ² + ε by 1/s² (exact while
   * σ/s ≥ √ε, so s is capped there); a BN without gamma is folded all the same.
   */
  batchNorm?: 'fold' | 'keep';
}

interface Pair { l1: GraphNode; l2: GraphNode; bn?: GraphNode; channels: number }

const KERNEL_CLASSES = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D']);
const PASS = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D', 'Flatten']);
const kernelRole = (n: GraphNode) => (n.className === 'DepthwiseConv2D' ? 'depthwise_kernel' : 'kernel');
/** Axis of a kernel holding the layer's output channels (depthwise: its channel axis, multiplier 1). */
const outAxis = (n: GraphNode, rank: number) => (n.className === 'DepthwiseConv2D' ? 2 : rank - 1);
/** Axis of a kernel holding the layer's input channels. */
const inAxis = (n: GraphNode) => (n.className === 'Dense' ? 0 : 2);

/** Why an element-wise layer / activation is not positively homogeneous, or undefined when it is. */
function notHomogeneous(className: string, config: Record<string, unknown>): string | undefined {
  if (className === 'Activation' || KERNEL_CLASSES.has(className)) {
    const a = config.activation ?? 'linear';
    return a === 'linear' || a === 'relu' ? undefined : `activation ${String(a)} is not positively homogeneous (f(x/s) ≠ f(x)/s)`;
  }
  if (className === 'ReLU') {
    const max = config.max_value;
    if (typeof max === 'number' && Number.isFinite(max)) return `ReLU with max_value ${max} (relu6-like) is not positively homogeneous: it clips at a fixed level`;
    return Number(config.threshold ?? 0) !== 0 ? 'ReLU with a threshold is not positively homogeneous' : undefined;
  }
  if (className === 'LeakyReLU') return undefined;
  return activationLayer(className, config) ? `${className} is not positively homogeneous` : undefined;
}

/** Why `n` cannot be layer1 / layer2, or undefined. */
function unfit(n: GraphNode): string | undefined {
  const c = n.config;
  if (n.calls > 1) return `it is shared by ${n.calls} calls`;
  if (c.data_format === 'channels_first') return 'channels_first is not supported';
  if (Number(c.groups ?? 1) !== 1) return 'grouped convolutions are not supported';
  if (n.className === 'DepthwiseConv2D' && Number(c.depth_multiplier ?? 1) !== 1) return `depth_multiplier ${String(c.depth_multiplier)} (only 1 is supported)`;
  return undefined;
}

/** The pair that `l1` starts, or why there is none. */
function findPair(graph: LayerGraph, l1: GraphNode, store: WeightStore): Pair | string {
  if (graph.outputs.has(l1.name)) return 'it is a model output layer';
  const why = unfit(l1) ?? notHomogeneous(l1.className, l1.config);
  if (why) return why;
  const k1 = store.get(l1.name, kernelRole(l1));
  if (!k1) return 'its kernel is not in the weights manifest';
  const channels = k1.shape[outAxis(l1, k1.shape.length)];
  let bn: GraphNode | undefined;
  let cur = l1;
  for (;;) {
    if (cur.consumers.length !== 1) return `its output branches to ${cur.consumers.length} layers`;
    const next = graph.get(cur.consumers[0]) as GraphNode;
    const what = `"${next.name}" (${next.className})`;
    if (next.inputs.length > 1 || next.calls > 1) return `its channels reach ${what}, a merge or shared layer`;
    if (KERNEL_CLASSES.has(next.className)) {
      const bad = unfit(next);
      if (bad) return `the next layer ${what}: ${bad}`;
      const k2 = store.get(next.name, kernelRole(next));
      const rows = k2?.shape[inAxis(next)] ?? 0;
      if (!k2 || rows % channels !== 0 || (rows !== channels && next.className !== 'Dense')) return `the next layer ${what} does not read its ${channels} channels`;
      return { l1, l2: next, bn, channels };
    }
    if (graph.outputs.has(next.name)) return `its channels reach the model output through ${what}`;
    if (next.className === 'BatchNormalization') {
      if (cur !== l1 || (l1.config.activation ?? 'linear') !== 'linear') return `${what} does not follow it directly (after an activation it cannot be folded)`;
      const axis = next.config.axis;
      if (!(axis === -1 || axis === undefined || (Array.isArray(axis) && axis.length === 1 && axis[0] === -1))) return `${what} does not normalise the last axis`;
      bn = next;
    } else if (!PASS.has(next.className)) {
      if (!activationLayer(next.className, next.config)) return `its channels reach ${what}, which cannot be rescaled through`;
      const bad = notHomogeneous(next.className, next.config);
      if (bad) return `its channels reach ${what}: ${bad}`;
    }
    cur = next;
  }
}

/**
 * Per-channel range r_c = max |w| of a row-major tensor over the slices along `axis`, slice k
 * counting for channel k mod `channels` (a Dense kernel read through a Flatten: row p·C + c).
 */
export function channelRanges(values: Float32Array, shape: number[], axis: number, channels: number): Float64Array {
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const size = shape[axis];
  const r = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % size % channels;
    const a = Math.abs(values[i]);
    if (a > r[c]) r[c] = a;
  }
  return r;
}

/** A copy of the tensor with every element of channel c (as in {@link channelRanges}) times f[c]. */
function scaleChannels(values: Float32Array, shape: number[], axis: number, f: Float64Array): Float32Array {
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const size = shape[axis];
  return values.map((v, i) => v * f[Math.floor(i / inner) % size % f.length]);
}

/** max r / min r over the non-zero ranges (1 when fewer than two). */
function spread(r: Float64Array): number {
  const nz = Array.from(r).filter((x) => x > 0);
  return nz.length > 1 ? Math.max(...nz) / Math.min(...nz) : 1;
}

/** Folds BatchNormalization `bn` into `l1` (kernel and a bias, added when missing). */
function foldBn(store: WeightStore, l1: GraphNode, bn: GraphNode, channels: number): void {
  const c = bn.config;
  const ones = new Float32Array(channels).fill(1);
  const gamma = c.scale === false ? ones : store.need(bn.name, 'gamma').values;
  const beta = c.center === false ? new Float32Array(channels) : store.need(bn.name, 'beta').values;
  const mean = store.need(bn.name, 'moving_mean').values;
  const variance = store.need(bn.name, 'moving_variance').values;
  const eps = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
  const g = Float64Array.from(gamma, (x, i) => x / Math.sqrt(variance[i] + eps));
  const role = kernelRole(l1);
  const k = store.need(l1.name, role);
  store.set(l1.name, role, scaleChannels(k.values, k.shape, outAxis(l1, k.shape.length), g), k.shape);
  const b = store.get(l1.name, 'bias')?.values ?? new Float32Array(channels);
  const folded = Float32Array.from(b, (x, i) => (x - mean[i]) * g[i] + beta[i]);
  if (store.get(l1.name, 'bias')) store.set(l1.name, 'bias', folded, [channels]);
  else store.add(l1.name, 'bias', folded, [channels], l1.name, role);
  l1.config.use_bias = true;
}

/** Divides a kept BN's output channel i by s_i (capping s_i so that the new variance stays ≥ 0, in place). */
function rescaleBn(store: WeightStore, bn: GraphNode, s: Float64Array): void {
  const eps = typeof bn.config.epsilon === 'number' ? bn.config.epsilon : 1e-3;
  const v = store.need(bn.name, 'moving_variance');
  s.forEach((x, i) => { s[i] = Math.min(x, Math.sqrt((v.values[i] + eps) / eps)); });
  store.set(bn.name, 'moving_variance', Float32Array.from(v.values, (x, i) => Math.max(0, (x + eps) / (s[i] * s[i]) - eps)), v.shape);
  for (const role of ['gamma', 'beta', 'moving_mean']) {
    const w = store.get(bn.name, role);
    if (w) store.set(bn.name, role, Float32Array.from(w.values, (x, i) => x / s[i]), w.shape);
  }
}

/** Removes layer `node` (one input, one consumer) from the topology, wiring its consumer to its input. */
function removeLayer(graph: LayerGraph, node: GraphNode): void {
  const { view } = graph;
  if (view.kind === 'functional') {
    const from = (node.entry.inbound_nodes as unknown[][][])[0][0];
    for (const e of view.layers) {
      for (const call of (e.inbound_nodes ?? []) as unknown[][][]) call.forEach((t, i) => { if (t[0] === node.name) call[i] = [...from]; });
    }
  }
  view.layers.splice(view.layers.indexOf(node.entry), 1);
}

/**
 * Equalizes every fitting pair of `parts` (file header). Pure data: returns new parts (a modified
 * deep copy of the topology; BNs of equalized pairs folded and removed), one report row per
 * Dense / Conv2D / DepthwiseConv2D layer, and the number of sweeps run.
 */
export function equalizeCrossLayer(parts: ModelParts, opts: EqualizeOptions = {}): { parts: ModelParts; report: EqualizeReport[]; sweeps: number } {
  const topology = structuredClone(parts.topology);
  const graph = readGraph(topology);
  const store = new WeightStore(parts.weights);
  const report: EqualizeReport[] = [];
  const pairs: Pair[] = [];
  for (const node of graph.nodes) {
    if (!KERNEL_CLASSES.has(node.className)) continue;
    const row: EqualizeReport = { layer: node.name, className: node.className };
    report.push(row);
    const p = findPair(graph, node, store);
    if (typeof p === 'string') row.skipped = p;
    else { pairs.push(p); row.next = p.l2.name; }
  }
  const dropped = new Set<string>();
  const keep = opts.batchNorm === 'keep';
  for (const p of pairs) {
    if (!p.bn || (keep && p.bn.config.scale !== false)) continue;
    foldBn(store, p.l1, p.bn, p.channels);
    (report.find((r) => r.layer === p.l1.name) as EqualizeReport).foldedBn = p.bn.name;
    for (const role of ['gamma', 'beta', 'moving_mean', 'moving_variance']) { const w = store.get(p.bn.name, role); if (w) dropped.add(w.name); }
    removeLayer(graph, p.bn);
    p.bn = undefined;
  }
  const ranges1 = (p: Pair) => { const k = store.need(p.l1.name, kernelRole(p.l1)); return channelRanges(k.values, k.shape, outAxis(p.l1, k.shape.length), p.channels); };
  const before = pairs.map((p) => spread(ranges1(p)));
  const iterations = opts.iterations ?? 50;
  const tolerance = opts.tolerance ?? 1e-4;
  let sweeps = 0;
  while (pairs.length && sweeps < iterations) {
    sweeps++;
    let worst = 0;
    for (const p of pairs) {
      const r1 = ranges1(p);
      const k2 = store.need(p.l2.name, kernelRole(p.l2));
      const r2 = channelRanges(k2.values, k2.shape, inAxis(p.l2), p.channels);
      // A dead channel on either side has nothing to balance: leave it (s = 1).
      const s = Float64Array.from(r1, (a, i) => (a > 0 && r2[i] > 0 ? Math.sqrt(a / r2[i]) : 1));
      if (p.bn) rescaleBn(store, p.bn, s);
      for (const x of s) worst = Math.max(worst, Math.abs(Math.log(x)));
      const inv = s.map((x) => 1 / x);
      const role = kernelRole(p.l1);
      const k1 = store.need(p.l1.name, role);
      store.set(p.l1.name, role, scaleChannels(k1.values, k1.shape, outAxis(p.l1, k1.shape.length), inv), k1.shape);
      const b = store.get(p.l1.name, 'bias');
      if (b) store.set(p.l1.name, 'bias', scaleChannels(b.values, b.shape, 0, inv), b.shape);
      store.set(p.l2.name, kernelRole(p.l2), scaleChannels(k2.values, k2.shape, inAxis(p.l2), s), k2.shape);
    }
    if (worst < tolerance) break;
  }
  pairs.forEach((p, i) => Object.assign(report.find((r) => r.layer === p.l1.name) as EqualizeReport, { spreadBefore: before[i], spreadAfter: spread(ranges1(p)) }));
  const weights = store.weights().filter((w) => !dropped.has(w.name));
  return { parts: { ...parts, topology, weights }, report, sweeps };
}
