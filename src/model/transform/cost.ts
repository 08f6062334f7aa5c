/**
 * Size and compute of a model given as parts, for the studio's before/after figures of the
 * structural transforms. Parameters count every stored weight (trainable or not, as TF.js's
 * model.countParams() does). Compute is per sample, in FLOPs = 2 · MACs of the layers that
 * multiply weights by activations:
 *   Dense            MACs = (∏ input dims) · units
 *   Conv2D           MACs = H_out · W_out · kh · kw · C_in · filters
 *   DepthwiseConv2D  MACs = H_out · W_out · kh · kw · C_in · depth_multiplier
 *   SeparableConv2D  MACs = H_out · W_out · C_in · mult · (kh · kw + filters)
 * Bias additions, BatchNormalization, activations and pooling are not counted (they are O(outputs),
 * not O(weights · positions)).
 */
import { splitWeightName } from '../compress/weightLevel';
import type { ModelParts } from '../weights';
import { readGraph } from './graph';
import { inferShapes, inputShapes, type LayerShape } from './shapes';

/** One layer's cost: parameters (elements of its weights) and multiply-accumulates per sample. */
export interface LayerCost {
  name: string;
  className: string;
  outputShape: LayerShape;
  params: number;
  macs: number;
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[v.length > 1 ? 1 : 0])] : [Number(v), Number(v)]);

/** Total parameters: Σ over all weights of ∏ shape (= TF.js model.countParams()). */
export function countParams(parts: ModelParts): number {
  return parts.weights.reduce((a, w) => a + prod(w.shape), 0);
}

/** Parameters and MACs of every layer, in topological order (formulas in the file header). */
export function layerCosts(parts: ModelParts): LayerCost[] {
  const graph = readGraph(parts.topology);
  const shapes = inferShapes(graph);
  const params = new Map<string, number>();
  for (const w of parts.weights) {
    const layer = splitWeightName(w.name).layer;
    const key = graph.get(layer) ? layer : layer.slice(layer.lastIndexOf('/') + 1);
    params.set(key, (params.get(key) ?? 0) + prod(w.shape));
  }
  return graph.nodes.map((node) => {
    const out = shapes.get(node.name) as LayerShape;
    const input = node.className === 'InputLayer' ? undefined : inputShapes(node, shapes)[0];
    const c = node.config;
    const positions = out.length === 3 ? out[0] * out[1] : 1;
    const cin = input ? input[input.length - 1] : 0;
    const [kh, kw] = pair(c.kernel_size ?? 1);
    const mult = Number(c.depth_multiplier ?? 1);
    let macs = 0;
    if (node.className === 'Dense') macs = (input ? prod(input) : 0) * Number(c.units);
    else if (node.className === 'Conv2D') macs = positions * kh * kw * cin * Number(c.filters);
    else if (node.className === 'DepthwiseConv2D') macs = positions * kh * kw * cin * mult;
    else if (node.className === 'SeparableConv2D') macs = positions * cin * mult * (kh * kw + Number(c.filters));
    return { name: node.name, className: node.className, outputShape: out, params: params.get(node.name) ?? 0, macs };
  });
}

/** FLOPs per sample: 2 · Σ MACs over all layers (see the file header for the MAC formulas). */
export function flops(parts: ModelParts): number {
  return 2 * layerCosts(parts).reduce((a, l) => a + l.macs, 0);
}
