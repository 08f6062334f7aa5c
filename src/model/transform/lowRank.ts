/**
 * Low-rank factorisation as an architecture change. A Dense layer y = f(x·W + b), W ∈ ℝ^{n×m},
 * becomes two layers y = f((x·A)·B + b) with A = U_r·√Σ_r ∈ ℝ^{n×r} and B = √Σ_r·V_rᵀ ∈ ℝ^{r×m}
 * (core truncatedSvd; A·B is the best rank-r approximation of W):
 *   Dense "<name>_lr"  (n → r, linear, no bias)  →  Dense "<name>"  (r → m, original activation, bias).
 * A Conv2D kernel [kh, kw, c, m], viewed as the (kh·kw·c)×m matrix, likewise becomes a conv with r
 * filters (same window, strides, padding, dilation; linear, no bias) followed by a 1×1 conv r → m
 * (core lowRankConv). By default only 1×1 stride-1 convs are factorised (option conv: 'all' opens
 * k×k). Parameters go from n·m to r·(n + m); FLOPs fall by the same factor, since TF.js runs both
 * products densely. Layers are skipped, with the reason, when r·(n + m) ≥ n·m (no saving), when
 * they are an output layer (keepOutputLayer, default true), excluded by the plan, shared, or of an
 * unsupported class.
 */
import { lowRankConv, type LowRankResult } from '../../core';
import type { CompressionPlan, LowRankSettings } from '../plan';
import type { ModelParts } from '../weights';
import { freshName, insertBefore, readGraph, type GraphNode, type LayerEntry } from './graph';
import { WeightStore } from './weightStore';

/** Options of {@link factorizeLowRank}. */
export interface FactorizeOptions {
  /** Leave the model's output layers whole (default true: they are small and sensitive). */
  keepOutputLayer?: boolean;
  /** Which Conv2D layers: 'pointwise' (1×1, stride 1; default) or 'all' (any window). */
  conv?: 'pointwise' | 'all';
  /** Skip factorisations that save no parameters (default true; false is for tests). */
  requireSaving?: boolean;
}

/** What happened to one layer with a kernel. */
export interface LowRankReport {
  layer: string;
  className: string;
  /** Parameters of the layer (kernel + bias) before, and after (both new layers). */
  paramsBefore: number;
  paramsAfter: number;
  rank?: number;
  /** Retained energy Σ_{i<r} σᵢ² / ‖W‖_F². */
  energy?: number;
  /** Name of the inserted first factor layer. */
  factorLayer?: string;
  skipped?: string;
}

const KERNEL_LAYERS = new Set(['Dense', 'Conv2D', 'Conv1D', 'Conv3D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose']);
const all = (v: unknown, x: number) => (Array.isArray(v) ? v.every((d) => d === x) : v === undefined || v === x);

/** Rank r for a rows×cols kernel from a setting: number, ⌈fraction·min⌉, or undefined for energy. */
function fixedRank(s: LowRankSettings, p: number): number | undefined {
  if (s.by === 'rank') return Math.max(1, Math.min(p, Math.floor(s.value)));
  if (s.by === 'fraction') return Math.max(1, Math.min(p, Math.ceil(s.value * p)));
  return undefined;
}

function whyNot(node: GraphNode, outputs: Set<string>, opts: FactorizeOptions): string | undefined {
  const c = node.config;
  if (node.className !== 'Dense' && node.className !== 'Conv2D') return `${node.className} is not supported (only Dense and Conv2D)`;
  if ((opts.keepOutputLayer ?? true) && outputs.has(node.name)) return 'it is a model output layer (keepOutputLayer)';
  if (node.calls > 1) return `it is shared by ${node.calls} calls`;
  if (node.className === 'Conv2D') {
    if (c.data_format === 'channels_first') return 'channels_first convolutions are not supported';
    if (Number(c.groups ?? 1) !== 1) return 'grouped convolutions are not supported';
    if ((opts.conv ?? 'pointwise') === 'pointwise' && !(all(c.kernel_size, 1) && all(c.strides, 1))) return 'only 1×1 stride-1 Conv2D layers are factorised (option conv: \'all\' for larger windows)';
  }
  return undefined;
}

/** The two layer entries replacing `entry`: the first factor (inserted) and the edited original. */
function splitEntry(entry: LayerEntry, lrName: string, rank: number): LayerEntry {
  const first = structuredClone(entry);
  const c = first.config;
  Object.assign(c, { name: lrName, activation: 'linear', use_bias: false, activity_regularizer: null });
  if (entry.class_name === 'Dense') c.units = rank;
  else {
    c.filters = rank;
    Object.assign(entry.config, { kernel_size: [1, 1], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1] });
  }
  // The input shape belongs to whichever layer now comes first.
  for (const key of ['batch_input_shape', 'input_shape', 'batch_size']) delete entry.config[key];
  delete first.inbound_nodes;
  return first;
}

/**
 * Factorises the Dense / Conv2D layers selected by the plan (plan.layers[name].rank overrides
 * plan.lowRank; `exclude` skips). Pure data: new parts plus one report row per layer with a kernel.
 */
export function factorizeLowRank(parts: ModelParts, plan: Pick<CompressionPlan, 'lowRank' | 'layers'>, opts: FactorizeOptions = {}): { parts: ModelParts; report: LowRankReport[] } {
  const topology = structuredClone(parts.topology);
  const graph = readGraph(topology);
  const store = new WeightStore(parts.weights);
  const report: LowRankReport[] = [];
  for (const node of graph.nodes) {
    if (!KERNEL_LAYERS.has(node.className)) continue;
    const kernel = store.get(node.name, 'kernel');
    const bias = store.get(node.name, 'bias')?.values.length ?? 0;
    const size = kernel?.values.length ?? 0;
    const row: LowRankReport = { layer: node.name, className: node.className, paramsBefore: size + bias, paramsAfter: size + bias };
    report.push(row);
    const settings = plan.layers?.[node.name]?.rank ?? plan.lowRank;
    row.skipped = plan.layers?.[node.name]?.exclude ? 'excluded by the plan' : whyNot(node, graph.outputs, opts)
      ?? (!settings ? 'no low-rank setting for it in the plan' : !kernel ? 'its kernel is not in the weights manifest' : undefined);
    if (row.skipped || !settings || !kernel) continue;
    const cols = kernel.shape[kernel.shape.length - 1];
    const rows = size / cols;
    const p = Math.min(rows, cols);
    // Ranks at or above n·m/(n + m) save nothing; do not even search past the break-even rank.
    const breakEven = Math.max(1, Math.ceil((rows * cols) / (rows + cols)) - 1);
    const fixed = fixedRank(settings, p);
    const requireSaving = opts.requireSaving ?? true;
    const noSaving = (r: number) => `rank ${r} saves nothing: r·(n + m) = ${r * (rows + cols)} ≥ n·m = ${rows * cols}`;
    if (requireSaving && fixed !== undefined && fixed * (rows + cols) >= rows * cols) { row.skipped = noSaving(fixed); continue; }
    let res: LowRankResult & { shapeA: number[]; shapeB: number[] };
    try {
      res = lowRankConv(kernel.values, kernel.shape, fixed !== undefined ? { rank: fixed } : { energy: settings.value, maxRank: requireSaving ? breakEven : p });
    } catch (e) { row.skipped = `factorisation failed: ${(e as Error).message}`; continue; }
    if (requireSaving && res.rank * (rows + cols) >= rows * cols) { row.skipped = noSaving(res.rank); continue; }
    if (settings.by === 'energy' && res.energy < settings.value * (1 - 1e-9)) {
      row.skipped = `energy ${settings.value} needs a rank above ${res.rank}, which would save nothing`;
      continue;
    }
    const lrName = freshName(graph.view, `${node.name}_lr`);
    insertBefore(graph.view, node.name, splitEntry(node.entry, lrName, res.rank));
    store.set(node.name, 'kernel', res.b, res.shapeB);
    store.add(lrName, 'kernel', res.a, res.shapeA, node.name, 'kernel', true);
    Object.assign(row, { rank: res.rank, energy: res.energy, factorLayer: lrName, paramsAfter: res.a.length + res.b.length + bias });
  }
  return { parts: { topology, weights: store.weights() }, report };
}
