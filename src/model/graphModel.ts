/**
 * What the studio reads from a TF.js graph model's GraphDef (model.json's modelTopology.node, as
 * tensorflowjs_converter writes it): which op consumes each weight (a Const node whose values are
 * in the weights manifest under the node's name), and which weights are the compressible kernels —
 * the filter / weight input (input 1) of MatMul, BatchMatMul(V2), Conv2D, DepthwiseConv2dNative and
 * their fused forms — with the axis of their output channels for per-channel quantization.
 */

/** One GraphDef node as model.json stores it. */
export interface GraphNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { b?: boolean; s?: string; list?: unknown; type?: string } | undefined>;
}

/** How a weight is used: the node that consumes it first, its op, and the input slot. */
export interface WeightUse {
  node: string;
  op: string;
  input: number;
}

/** Ops whose input 1 is a weight matrix / filter (the kernels a plan compresses). */
export const KERNEL_OPS: ReadonlySet<string> = new Set([
  'MatMul', 'BatchMatMul', 'BatchMatMulV2', '_FusedMatMul', 'Conv2D', 'FusedConv2D', '_FusedConv2D',
  'DepthwiseConv2d', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative',
]);

const DEPTHWISE_OPS = new Set(['DepthwiseConv2d', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);

/** The GraphDef nodes of a graph-model topology ([] when it has none). */
export function graphNodes(topology: unknown): GraphNodeJson[] {
  const nodes = (topology as { node?: unknown } | null)?.node;
  return Array.isArray(nodes) ? (nodes as GraphNodeJson[]) : [];
}

/** A node input reference ("name", "name:1", "^name" for a control dependency) → the node name, or null for a control input. */
const inputNode = (ref: string) => (ref.startsWith('^') ? null : ref.replace(/:\d+$/, ''));

/** The first consumer of each node, by node name (control dependencies ignored). */
export function weightUses(topology: unknown): Map<string, WeightUse> {
  const uses = new Map<string, WeightUse>();
  for (const node of graphNodes(topology)) {
    (node.input ?? []).forEach((ref, input) => {
      const name = inputNode(ref);
      if (name !== null && !uses.has(name)) uses.set(name, { node: node.name, op: node.op, input });
    });
  }
  return uses;
}

/**
 * Output-channel axis of a kernel of rank `rank` consumed by `use`: 2 for a depthwise filter
 * [h, w, in, multiplier]; 0 for a MatMul with transpose_b ([out, in]); rank − 2 for a BatchMatMul
 * with adj_y; otherwise the last axis ([in, out], [h, w, in, out]).
 */
export function kernelAxis(use: WeightUse, node: GraphNodeJson | undefined, rank: number): number {
  if (DEPTHWISE_OPS.has(use.op)) return 2;
  const attr = node?.attr ?? {};
  if ((use.op === 'MatMul' || use.op === '_FusedMatMul') && attr.transpose_b?.b) return 0;
  if (use.op.startsWith('BatchMatMul') && attr.adj_y?.b) return rank - 2;
  return -1;
}

/** The kernels of a graph model: weight name → the consuming op and its output-channel axis. */
export function graphKernels(topology: unknown, weights: readonly { name: string; shape: number[]; dtype?: string }[]): Map<string, { op: string; axis: number }> {
  const uses = weightUses(topology);
  const byName = new Map(graphNodes(topology).map((n) => [n.name, n]));
  const out = new Map<string, { op: string; axis: number }>();
  for (const w of weights) {
    const use = uses.get(w.name);
    if (!use || use.input !== 1 || !KERNEL_OPS.has(use.op) || (w.dtype ?? 'float32') !== 'float32' || w.shape.length < 2) continue;
    out.set(w.name, { op: use.op, axis: kernelAxis(use, byName.get(use.node), w.shape.length) });
  }
  return out;
}
