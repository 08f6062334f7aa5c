/**
 * Where the output channels of one Dense / Conv2D layer go: the layers their removal must be
 * propagated through, up to the layers that consume them (whose kernel input axis is sliced).
 * Walks the graph forward from the source through channel-preserving layers:
 *   BatchNormalization (channel axis)            slice gamma/beta/moving_mean/moving_variance
 *   Activation, ReLU, LeakyReLU, ELU             nothing to slice (element-wise)
 *   Dropout & co., Max/AveragePooling2D,
 *   GlobalAverage/MaxPooling2D, ZeroPadding2D    nothing to slice (per channel)
 *   DepthwiseConv2D, depth_multiplier 1          slice its kernel's channel axis and bias; keep going
 *   Flatten                                      later slices use flattened indices p·C + c
 * and stops at Dense / Conv2D consumers. Anything else (merge layers, shared layers, the model
 * output, reshapes, softmax over channels, …) blocks the walk with a reason.
 */
import { activationLayer } from './activations';
import type { GraphNode, LayerGraph } from './graph';
import type { LayerShape } from './shapes';

/** One layer on the way from the source to a consumer; `flattened`: after a Flatten. */
export type PathStep =
  | { kind: 'bn'; layer: string; flattened: boolean }
  | { kind: 'act'; layer: string; fn?: (x: number) => number }
  /** Per-channel layers a constant passes unchanged (dropout, pooling) — nothing to slice. */
  | { kind: 'same'; layer: string }
  /** ZeroPadding2D: nothing to slice; a constant stays constant only away from the borders. */
  | { kind: 'pad'; layer: string }
  | { kind: 'depthwise'; layer: string; same: boolean }
  | { kind: 'flatten'; layer: string };

/** A layer that reads the channels: its kernel's input axis is sliced. `steps`: the path to it. */
export interface ChannelConsumer {
  layer: string;
  className: 'Dense' | 'Conv2D';
  flattened: boolean;
  steps: PathStep[];
}

export type ChannelPath =
  | { ok: true; steps: PathStep[]; consumers: ChannelConsumer[] }
  | { ok: false; reason: string };

const SAME = new Set([
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
]);
const MERGE = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot']);

const axisOf = (a: unknown): number => (Array.isArray(a) ? (a.length === 1 ? Number(a[0]) : NaN) : Number(a ?? -1));

/** Why `node` cannot carry the pruned channels onward, or undefined when it can. */
function blocker(node: GraphNode, flattened: boolean, inputShape: LayerShape | undefined): string | undefined {
  const c = node.config;
  const what = `"${node.name}" (${node.className})`;
  if (MERGE.has(node.className) || node.inputs.length > 1) return `its channels feed the merge layer ${what}; pruning the branches as a group is not supported`;
  if (node.calls > 1) return `its channels feed ${what}, a layer shared by ${node.calls} calls`;
  if (c.data_format === 'channels_first') return `its channels reach ${what}, which is channels_first`;
  if (node.className === 'BatchNormalization') {
    const a = axisOf(c.axis);
    if (a !== -1 && !(inputShape && a === inputShape.length)) return `its channels reach ${what}, which normalises axis ${JSON.stringify(c.axis)}, not the channel axis`;
  }
  if (node.className === 'Activation' && c.activation === 'softmax') return `its channels reach ${what}, a softmax that mixes channels`;
  if (node.className === 'DepthwiseConv2D' && Number(c.depth_multiplier ?? 1) !== 1) return `its channels reach ${what} with depth_multiplier ${String(c.depth_multiplier)} (only 1 is supported)`;
  if (node.className === 'Conv2D' && (flattened || Number(c.groups ?? 1) !== 1)) return `its channels reach ${what}, a grouped or flattened convolution`;
  return undefined;
}

const STEP: Record<string, PathStep['kind']> = {
  BatchNormalization: 'bn', Activation: 'act', ReLU: 'act', LeakyReLU: 'act', ELU: 'act', ZeroPadding2D: 'pad', DepthwiseConv2D: 'depthwise', Flatten: 'flatten',
};

/**
 * Traces the output channels of layer `source` forward (see the file header). `shapes` (from
 * inferShapes) lets BatchNormalization name its channel axis by number; without them only −1 passes.
 */
export function traceChannels(graph: LayerGraph, source: string, shapes?: Map<string, LayerShape>): ChannelPath {
  const steps: PathStep[] = [];
  const consumers: ChannelConsumer[] = [];
  const walk = (from: GraphNode, path: PathStep[], flattened: boolean): string | undefined => {
    for (const name of from.consumers) {
      const node = graph.get(name) as GraphNode;
      const why = blocker(node, flattened, shapes?.get(from.name));
      if (why) return why;
      if (node.className === 'Dense' || node.className === 'Conv2D') {
        consumers.push({ layer: name, className: node.className, flattened, steps: path });
        continue;
      }
      const kind = SAME.has(node.className) ? 'same' : STEP[node.className];
      if (!kind) return `its channels reach "${name}" (${node.className}), which this transform cannot re-index`;
      if (graph.outputs.has(name)) return `its channels reach the model output through "${name}"`;
      const step: PathStep = kind === 'bn' ? { kind, layer: name, flattened }
        : kind === 'act' ? { kind, layer: name, fn: activationLayer(node.className, node.config) }
          : kind === 'depthwise' ? { kind, layer: name, same: node.config.padding === 'same' }
            : { kind, layer: name };
      steps.push(step);
      const deeper = walk(node, [...path, step], flattened || kind === 'flatten');
      if (deeper) return deeper;
    }
    return undefined;
  };
  const start = graph.get(source);
  if (!start) return { ok: false, reason: `no layer "${source}"` };
  if (graph.outputs.has(source)) return { ok: false, reason: 'it is a model output layer' };
  const reason = walk(start, [], false);
  return reason ? { ok: false, reason } : { ok: true, steps, consumers };
}
