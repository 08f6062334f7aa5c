/**
 * Structural transforms: whole-model changes of the architecture (fewer units / filters, factorised
 * layers) on plain ModelParts, so that TF.js's dense float32 kernels really do less work.
 */
export { applyStructural, type ModelCost, type StructuralReport } from './structural';
export { pruneChannelsStructured, type ChannelOptions, type ChannelReport } from './channels';
export { factorizeLowRank, type FactorizeOptions, type LowRankReport } from './lowRank';
export { countParams, flops, layerCosts, type LayerCost } from './cost';
export { inferShapes, type LayerShape } from './shapes';
export { readGraph, topologyView, type GraphNode, type LayerGraph, type LayerEntry, type TopologyView } from './graph';
export type { Exactness } from './compensate';
