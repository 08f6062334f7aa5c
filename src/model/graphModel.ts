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

/** A fault in a GraphDef's structure: what is wrong and what to do (the caller adds the file name). */
export class GraphFault extends Error {
  constructor(message: string) {
    super(`${message} Convert the model again with tensorflowjs_converter.`);
    this.name = 'GraphFault';
  }
}

/** Ops that close a loop of TF1 control flow: their edge back to a Merge is not a cycle. */
const BACK_EDGE_OPS = new Set(['NextIteration', 'RefNextIteration']);

/**
 * Checks that a GraphDef can run: every input names a node of the graph (no dangling input), no
 * node consumes its own output, there is no cycle (apart from control-flow loops through
 * NextIteration), and every kernel (input 1 of a MatMul / convolution) is a float32 weight.
 * Throws a GraphFault naming the node(s).
 */
export function checkGraphStructure(topology: unknown, weights: readonly { name: string; dtype?: string }[]): void {
  const nodes = graphNodes(topology);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const inputsOf = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.input !== undefined && (!Array.isArray(node.input) || !node.input.every((r) => typeof r === 'string'))) {
      throw new GraphFault(`graph node "${node.name}" has an "input" that is not a list of node names.`);
    }
    const refs = (node.input ?? []).map((ref) => ref.replace(/^\^/, '').replace(/:\d+$/, ''));
    for (const ref of refs) {
      if (ref === node.name) throw new GraphFault(`graph node "${node.name}" takes its own output as input (a self-loop), so it can never run.`);
      if (!byName.has(ref)) throw new GraphFault(`graph node "${node.name}" takes input "${ref}", but no node has that name.`);
    }
    inputsOf.set(node.name, refs.filter((ref) => !BACK_EDGE_OPS.has(byName.get(ref)?.op ?? '')));
  }
  const cycle = findCycle(nodes.map((n) => n.name), inputsOf);
  if (cycle) {
    const named = cycle.map((n) => `"${n}"`);
    const shown = named.length > 10 ? [...named.slice(0, 5), `… ${named.length - 7} more …`, ...named.slice(-2)] : named;
    throw new GraphFault(`the graph has a cycle: ${shown.join(' → ')}, so no node of it can run.`);
  }
  const dtypes = new Map(weights.map((w) => [w.name, w.dtype ?? 'float32']));
  for (const node of nodes) {
    if (!KERNEL_OPS.has(node.op)) continue;
    const ref = node.input?.[1]?.replace(/:\d+$/, '');
    const dtype = ref === undefined ? undefined : dtypes.get(ref);
    if (dtype !== undefined && dtype !== 'float32') {
      throw new GraphFault(`weight "${ref}" is ${dtype}, but it is the kernel of ${node.op} node "${node.name}", which needs float32.`);
    }
  }
}

/** A cycle in the graph `inputsOf` (node → the nodes it reads) as a path that ends where it starts, or undefined. Iterative, so deep graphs do not overflow the stack. */
function findCycle(names: string[], inputsOf: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  for (const start of names) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, 1);
    while (path.length) {
      const node = path[path.length - 1];
      const inputs = inputsOf.get(node) ?? [];
      const i = next[next.length - 1]++;
      if (i >= inputs.length) {
        state.set(node, 2);
        path.pop();
        next.pop();
        continue;
      }
      const child = inputs[i];
      if (state.get(child) === 1) {
        const loop = path.slice(path.indexOf(child));
        return [...loop, child].reverse(); // in data-flow order: producer → consumer
      }
      if (!state.has(child)) {
        state.set(child, 1);
        path.push(child);
        next.push(0);
      }
    }
  }
  return undefined;
}
