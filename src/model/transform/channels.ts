/**
 * Structured (channel) pruning as an architecture change: Dense units and Conv2D filters with the
 * lowest score s_c = Σ|W[:, c]| (L1) or √Σ W[:, c]² (L2) over the kernel's output column
 * (core channelScores; Li et al. 2017), or a given Taylor score Σ_batches (Σ_{i∈c} wᵢ·gᵢ)²
 * (Molchanov et al. 2019; computed on the original model by train/taylor.ts) are removed, k = min(round(ratio·C), C − 1) per layer
 * (ties: lower index first), and so is everything that read them: BatchNormalization slices,
 * DepthwiseConv2D channels and the input rows / channels of the consuming Dense or Conv2D (through
 * Flatten by p·C + c), see channelPath.ts. The removed units' constant outputs are folded into the
 * consumers' biases (compensate.ts). The result is a smaller dense model that stock TF.js loads,
 * so latency drops with the FLOPs instead of multiplying zeros.
 * Never pruned: the model's output layers, plan-excluded layers, channels_first or grouped convs,
 * and layers whose channels reach a merge (Add, Concatenate, …), a shared layer, the model output
 * or a layer that cannot be re-indexed — each reported with the reason.
 */
import { channelScores, type ChannelNorm } from '../../core';
import { TAYLOR_NEEDS_DATA } from '../compress/weightLevel';
import type { CompressionPlan } from '../plan';
import type { ModelParts } from '../weights';
import { elementwiseActivation } from './activations';
import { traceChannels } from './channelPath';
import { foldIntoBias, removedConstants, worse, type Exactness, type LayerLookup } from './compensate';
import { readGraph, type GraphNode } from './graph';
import { inferShapes, type LayerShape } from './shapes';
import { flattenedIndices, removedOf, sliceAxis } from './slice';
import { WeightStore } from './weightStore';

/** What happened to one Dense / Conv2D layer. */
export interface ChannelReport {
  layer: string;
  className: string;
  /** Units / filters before and after. */
  before: number;
  after: number;
  /** Removed output indices (of the layer as it was), ascending. */
  removed: number[];
  /** Why the layer was left whole, when it was. */
  excluded?: string;
  /** How exactly the removed units' constant outputs were folded into the next layers' biases. */
  compensation?: Exactness;
  /** Why compensation is not exact, when it is not. */
  note?: string;
}

/** Options of {@link pruneChannelsStructured}. */
export interface ChannelOptions {
  /**
   * Fold the removed units' estimated constant outputs into the consumers' biases (default true;
   * compensate.ts). Exact for dead units (zero kernel column); for live ones an estimate that
   * usually helps before fine-tuning, but not always (figures in channels.test.ts).
   */
  compensate?: boolean;
  /**
   * Channel scores by layer name, one per output unit / filter of the layer as it was in the
   * original model (a layer's own output count does not change before it is pruned, since layers
   * are visited in topological order). Required when plan.channels.norm is 'taylor'.
   */
  scores?: ReadonlyMap<string, Float64Array>;
  /**
   * Per-weight arrays aligned with weights of the same name (e.g. Taylor weight scores for a
   * later unstructured pruning), sliced exactly like their weights; returned as `carried`.
   */
  carry?: ReadonlyMap<string, Float32Array>;
}

const PRUNABLE = new Set(['Dense', 'Conv2D']);
const units = (n: GraphNode) => Number(n.className === 'Dense' ? n.config.units : n.config.filters);

/** The k lowest-score indices (ties: lower index first), ascending; k ≤ C − 1. */
function lowest(scores: Float64Array, ratio: number): number[] {
  const k = Math.min(Math.round(ratio * scores.length), scores.length - 1);
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b] || a - b);
  return order.slice(0, Math.max(0, k)).sort((a, b) => a - b);
}

/** A layer's channel scores: Taylor ones from `opts.scores`, else the kernel's L1 / L2 norms. */
function scoresOf(layer: string, kernel: { values: Float32Array; shape: number[] }, asked: ChannelNorm | 'taylor', opts: ChannelOptions): Float64Array {
  if (asked !== 'taylor') return channelScores(kernel.values, kernel.shape, { norm: asked, axis: -1 });
  const s = opts.scores?.get(layer);
  if (!s) throw new Error(opts.scores ? `Taylor channel scores: none for layer "${layer}"` : TAYLOR_NEEDS_DATA);
  const units = kernel.shape[kernel.shape.length - 1];
  if (s.length !== units) throw new Error(`Taylor channel scores of "${layer}": ${s.length} scores for ${units} units`);
  return s;
}

/** Why layer `node` is not pruned before its channels are traced, or undefined. */
function precheck(node: GraphNode, store: WeightStore, outputs: Set<string>, plan: Pick<CompressionPlan, 'layers'>): string | undefined {
  if (outputs.has(node.name)) return 'it is a model output layer';
  if (plan.layers?.[node.name]?.exclude) return 'excluded by the plan';
  if (node.calls > 1) return `it is shared by ${node.calls} calls`;
  if (node.config.activation === 'softmax') return 'its softmax activation normalises across its units';
  if (node.config.data_format === 'channels_first') return 'channels_first convolutions are not supported';
  if (Number(node.config.groups ?? 1) !== 1) return 'grouped convolutions are not supported';
  if (!store.get(node.name, 'kernel')) return 'its kernel is not in the weights manifest';
  return undefined;
}

/**
 * Removes the lowest-scoring units of every Dense / Conv2D layer (ratio: plan.layers[name].channels,
 * else plan.channels.ratio; norm: plan.channels.norm, default L1; 'taylor' reads opts.scores and
 * throws {@link TAYLOR_NEEDS_DATA} without them), layer by layer in topological order, and
 * propagates the removal (file header). Pure data: returns new parts (the topology is a modified
 * deep copy, untouched weights are shared), one report row per Dense / Conv2D layer, and
 * opts.carry's arrays sliced like their weights.
 */
export function pruneChannelsStructured(parts: ModelParts, plan: Pick<CompressionPlan, 'channels' | 'layers'>, opts: ChannelOptions = {}): { parts: ModelParts; report: ChannelReport[]; carried: Map<string, Float32Array> } {
  const topology = structuredClone(parts.topology);
  const graph = readGraph(topology);
  let shapes: Map<string, LayerShape> | undefined;
  try { shapes = inferShapes(graph); } catch { shapes = undefined; }
  const store = new WeightStore(parts.weights);
  const look: LayerLookup = { store, config: (layer) => (graph.get(layer) as GraphNode).config };
  const asked = plan.channels?.norm ?? 'l1';
  const carried = new Map(opts.carry ?? []);
  /** Slices the weight `role` of `layer` to `keep` along `axis`, when the layer has it (and its carried array). */
  const slice = (layer: string, role: string, axis: number, keep: number[]): void => {
    const w = store.get(layer, role);
    if (!w) return;
    const s = sliceAxis(w.values, w.shape, axis, keep);
    const c = carried.get(w.name);
    if (c) carried.set(w.name, sliceAxis(c, w.shape, axis, keep).values);
    store.set(layer, role, s.values, s.shape);
  };
  const report: ChannelReport[] = [];
  for (const node of graph.nodes) {
    if (!PRUNABLE.has(node.className)) continue;
    const before = units(node);
    const row: ChannelReport = { layer: node.name, className: node.className, before, after: before, removed: [] };
    report.push(row);
    const ratio = plan.layers?.[node.name]?.channels ?? plan.channels?.ratio ?? 0;
    const pre = precheck(node, store, graph.outputs, plan);
    if (pre) { row.excluded = pre; continue; }
    if (!(ratio > 0)) continue;
    const path = traceChannels(graph, node.name, shapes);
    if (!path.ok) { row.excluded = path.reason; continue; }
    const kernel = store.need(node.name, 'kernel');
    const removed = lowest(scoresOf(node.name, kernel, asked, opts), ratio);
    if (!removed.length) continue;
    const keep = removedOf(removed, before);

    // Compensation first: it reads the full-width BN / depthwise / consumer weights.
    const act = elementwiseActivation(node.config.activation);
    let exactness: Exactness = 'exact';
    if (opts.compensate === false) { exactness = 'none'; row.note = 'compensation disabled'; }
    else for (const consumer of path.consumers) {
      const k = removedConstants(look, node.name, act, removed, consumer.steps);
      if ('reason' in k) { exactness = 'none'; row.note = k.reason; continue; }
      exactness = worse(exactness, worse(k.exactness, foldIntoBias(look, consumer, before, removed, k.k)));
    }
    if (exactness === 'borders' && !row.note) row.note = 'zero padding makes the removed units\' constant inexact at the borders';

    slice(node.name, 'kernel', -1, keep);
    slice(node.name, 'bias', 0, keep);
    node.config[node.className === 'Dense' ? 'units' : 'filters'] = keep.length;
    for (const step of path.steps) {
      if (step.kind === 'bn') {
        const len = store.need(step.layer, 'moving_mean').shape[0];
        const idx = step.flattened ? flattenedIndices(keep, before, len) : keep;
        for (const role of ['gamma', 'beta', 'moving_mean', 'moving_variance']) slice(step.layer, role, 0, idx);
      } else if (step.kind === 'depthwise') {
        slice(step.layer, 'depthwise_kernel', 2, keep);
        slice(step.layer, 'bias', 0, keep);
      }
    }
    for (const consumer of path.consumers) {
      const k = store.need(consumer.layer, 'kernel');
      if (consumer.className === 'Conv2D') slice(consumer.layer, 'kernel', 2, keep);
      else slice(consumer.layer, 'kernel', 0, consumer.flattened ? flattenedIndices(keep, before, k.shape[0]) : keep);
    }
    Object.assign(row, { after: keep.length, removed, compensation: exactness });
  }
  return { parts: { topology, weights: store.weights() }, report, carried };
}
