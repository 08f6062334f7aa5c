/**
 * Output shapes of every layer of a topology, inferred from the JSON alone (no TF.js model is
 * built), channels-last, without the batch dimension. Spatial sizes follow Keras's
 * conv_utils.conv_output_length: 'same' → ⌈L / s⌉, 'valid' → ⌈(L − d·(k − 1)) / s⌉.
 */
import { readGraph, type GraphNode, type LayerGraph } from './graph';

/** A layer's output shape without the batch dimension, e.g. [24, 24, 20] or [500]. */
export type LayerShape = number[];

const ELEMENTWISE = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Softmax', 'BatchNormalization', 'LayerNormalization',
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Masking',
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum',
]);

const pair = (v: unknown, d: number): [number, number] => {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[v.length > 1 ? 1 : 0])];
  return typeof v === 'number' ? [v, v] : [d, d];
};

/** Spatial output length of a conv / pool window: same → ⌈L/s⌉, valid → ⌈(L − d·(k−1))/s⌉. */
export function convLength(length: number, kernel: number, stride: number, padding: unknown, dilation = 1): number {
  if (padding === 'same') return Math.ceil(length / stride);
  return Math.max(0, Math.ceil((length - dilation * (kernel - 1)) / stride));
}

function spatial(node: GraphNode, input: LayerShape, window: 'kernel_size' | 'pool_size', channels: number): LayerShape {
  const c = node.config;
  if (c.data_format === 'channels_first') throw new Error(`shapes: layer "${node.name}" uses channels_first, which the studio does not support`);
  const [kh, kw] = pair(c[window], 2);
  const [sh, sw] = pair(c.strides ?? (window === 'pool_size' ? c.pool_size : 1), 1);
  const [dh, dw] = pair(c.dilation_rate, 1);
  return [convLength(input[0], kh, sh, c.padding, dh), convLength(input[1], kw, sw, c.padding, dw), channels];
}

/** Output shape of one layer from its input shapes (throws for a class it does not know). */
function outputShape(node: GraphNode, ins: LayerShape[]): LayerShape {
  const c = node.config;
  const x = ins[0];
  const last = x?.[x.length - 1];
  switch (node.className) {
    case 'InputLayer': return (c.batch_input_shape as number[]).slice(1);
    case 'Dense': return [...x.slice(0, -1), Number(c.units)];
    case 'Conv2D': return spatial(node, x, 'kernel_size', Number(c.filters));
    case 'SeparableConv2D': return spatial(node, x, 'kernel_size', Number(c.filters));
    case 'DepthwiseConv2D': return spatial(node, x, 'kernel_size', last * Number(c.depth_multiplier ?? 1));
    case 'MaxPooling2D': case 'AveragePooling2D': return spatial(node, x, 'pool_size', last);
    case 'GlobalAveragePooling2D': case 'GlobalMaxPooling2D': return [last];
    case 'Flatten': return [x.reduce((a, b) => a * b, 1)];
    case 'Reshape': {
      const t = (c.target_shape as number[]).slice();
      const known = t.reduce((a, b) => (b === -1 ? a : a * b), 1);
      return t.map((d) => (d === -1 ? x.reduce((a, b) => a * b, 1) / known : d));
    }
    case 'ZeroPadding2D': {
      const p = c.padding;
      const [ph, pw] = pair(p, 1);
      const [[t, b], [l, r]] = Array.isArray(p) && Array.isArray(p[0]) ? (p as [number, number][]) : [[ph, ph], [pw, pw]];
      return [x[0] + t + b, x[1] + l + r, last];
    }
    case 'UpSampling2D': { const [a, b] = pair(c.size, 2); return [x[0] * a, x[1] * b, last]; }
    case 'Concatenate': {
      const axis = Number(c.axis ?? -1);
      const a = axis < 0 ? x.length + axis : axis - 1;
      const out = [...x];
      out[a] = ins.reduce((s, shape) => s + shape[a], 0);
      return out;
    }
    default:
      if (ELEMENTWISE.has(node.className)) return [...x];
      throw new Error(`shapes: cannot infer the output shape of layer "${node.name}" (${node.className})`);
  }
}

/**
 * Input shapes of a layer given its producers' output shapes; a first layer without producers
 * reads its config's batch_input_shape (batch dimension dropped) or input_shape.
 */
export function inputShapes(node: GraphNode, shapes: Map<string, LayerShape>): LayerShape[] {
  if (node.inputs.length) return node.inputs.map((n) => shapes.get(n) as LayerShape);
  const c = node.config;
  const given = Array.isArray(c.batch_input_shape) ? (c.batch_input_shape as number[]).slice(1) : (c.input_shape as number[] | undefined);
  if (!given) throw new Error(`shapes: layer "${node.name}" has no input and no input shape`);
  return [given];
}

/**
 * Output shape of every layer, by name. The input shape comes from an InputLayer's
 * batch_input_shape or from the first Sequential layer's batch_input_shape / input_shape.
 * Throws for unknown layer classes and for unknown (null) input dimensions.
 */
export function inferShapes(topology: object | LayerGraph): Map<string, LayerShape> {
  const graph = 'nodes' in topology ? (topology as LayerGraph) : readGraph(topology);
  const shapes = new Map<string, LayerShape>();
  for (const node of graph.nodes) {
    const ins = node.className === 'InputLayer' ? [] : inputShapes(node, shapes);
    const out = outputShape(node, ins);
    if (out.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`shapes: layer "${node.name}" has an unknown or invalid output shape [${out.join(', ')}]`);
    shapes.set(node.name, out);
  }
  return shapes;
}
