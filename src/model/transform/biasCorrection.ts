/**
 * Data-free bias correction (Nagel et al. 2019, "Data-Free Quantization Through Weight
 * Equalization and Bias Correction", §4.2). Quantizing a layer's kernel W to Ŵ shifts its
 * pre-activation output by E[(Ŵ − W)x] = ε·E[x]; subtracting that from the bias removes the shift
 * on average:  b ← b − ε·E[x].
 *
 * E[x] without data: when the layer's input comes from BatchNormalization → ReLU, the BN output of
 * channel c is taken as N(β_c, γ_c²) and ReLU of it has the clipped-normal mean
 *   E[ReLU(z)] = β·Φ(β/γ) + γ·φ(β/γ);
 * BN → linear gives E = β. Dropout, Flatten (unit p·C + c has channel c's mean) and MaxPooling2D
 * are passed through; max pooling raises the mean, which DFQ ignores — so do we (the pre-pool
 * expectation is used). Padding borders are ignored too (every tap is counted as seeing E[x]).
 *
 * Where the shift goes: the layer's own bias; for a layer without bias (use_bias false, linear)
 * whose sole consumer is a BatchNormalization, the BN's moving_mean instead (μ ← μ + ε·E[x]: the
 * BN subtracts μ, so this removes the same shift). Layers whose input expectation is unknown (the
 * model input, inputs not from a BN) are left alone and reported with the reason.
 *
 * Works on the unfolded model (BN layers still present); plain data, no TF.js.
 */
import type { ModelParts, WeightTensor } from '../weights';
import { readGraph, type GraphNode, type LayerGraph } from './graph';
import { WeightStore } from './weightStore';

/** One row per Dense / Conv2D / DepthwiseConv2D layer: the tensor corrected, or why none. */
export interface BiasCorrectionReport {
  layer: string;
  className: string;
  /** Manifest name of the tensor adjusted (the layer's bias, or the next BN's moving_mean). */
  target?: string;
  /** The BatchNormalization whose statistics gave E[x], or 'calibration data' when measured. */
  statsFrom?: string;
  /** max_o |ε·E[x]|_o, the largest per-channel shift removed (in the layer's output units). */
  maxShift?: number;
  /** Why the layer was left uncorrected. */
  skipped?: string;
}

const KERNEL_CLASSES = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D']);
const PASS = new Set(['Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'MaxPooling2D', 'Flatten']);

/** Standard normal density φ(x) = e^(−x²/2)/√(2π). */
export const normalPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** Standard normal CDF Φ(x) = ½(1 + erf(x/√2)), erf by Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** E[ReLU(z)] for z ~ N(β, γ²): β·Φ(β/γ) + γ·φ(β/γ); max(β, 0) when γ = 0. */
export function reluMean(beta: number, gamma: number): number {
  const g = Math.abs(gamma);
  if (g === 0) return Math.max(beta, 0);
  return beta * normalCdf(beta / g) + g * normalPdf(beta / g);
}

/** The activation of an Activation / ReLU layer as 'relu' | 'linear', or undefined for anything else. */
function actKind(n: GraphNode): 'relu' | 'linear' | undefined {
  if (n.className === 'Activation') return n.config.activation === 'relu' ? 'relu' : n.config.activation === 'linear' ? 'linear' : undefined;
  if (n.className === 'ReLU') {
    const max = n.config.max_value;
    const plain = !(typeof max === 'number' && Number.isFinite(max)) && Number(n.config.threshold ?? 0) === 0 && Number(n.config.negative_slope ?? 0) === 0;
    return plain ? 'relu' : undefined;
  }
  return undefined;
}

/** Per-channel E[x] of a layer's input from BN statistics, or the reason it is unknown. */
function inputMean(g: LayerGraph, store: WeightStore, node: GraphNode): { mean: Float64Array; bn: string } | { reason: string } {
  if (node.inputs.length !== 1) return { reason: node.inputs.length ? 'more than one input' : 'reads the model input (data statistics unknown)' };
  let p = g.get(node.inputs[0]);
  let act: 'relu' | 'linear' = 'linear';
  let seenAct = false;
  while (p && p.className !== 'BatchNormalization') {
    const a = actKind(p);
    if (PASS.has(p.className)) { /* pass through */ } else if (a && !seenAct) { act = a; seenAct = true; } else break;
    if (p.inputs.length !== 1) return { reason: `${p.name} has ${p.inputs.length} inputs` };
    p = g.get(p.inputs[0]);
  }
  if (!p || p.className !== 'BatchNormalization') return { reason: `input does not come from a BatchNormalization (${p ? `${p.name}: ${p.className}` : 'the model input'}); E[x] unknown without data` };
  const axis = p.config.axis;
  if (!(axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3)) || axis === undefined)) return { reason: `${p.name}: BN axis ${JSON.stringify(axis)} is not the last` };
  const beta = store.get(p.name, 'beta')?.values;
  const gamma = store.get(p.name, 'gamma')?.values;
  const c = (beta ?? gamma ?? store.get(p.name, 'moving_mean')?.values)?.length ?? 0;
  if (!c) return { reason: `${p.name} has no statistics in the manifest` };
  const mean = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    const b = beta ? beta[i] : 0;
    mean[i] = act === 'relu' ? reluMean(b, gamma ? gamma[i] : 1) : b;
  }
  return { mean, bn: p.name };
}

/**
 * Per-output-channel shift ε·E[x] of a kernel (Dense [in,out]; Conv2D [kh,kw,in,out]; Depthwise
 * [kh,kw,C,m]) from one mean per input channel: every kernel row takes its channel's mean (a Dense
 * after Flatten of channels_last reads unit p·C + c), then {@link kernelShiftFromRows}.
 */
export function kernelShift(className: string, w: Float32Array, wq: Float32Array, shape: number[], mean: Float64Array): Float64Array {
  const c = mean.length;
  const inC = className === 'Dense' ? shape[0] : shape[2];
  if (className === 'DepthwiseConv2D' && inC !== c) throw new Error(`bias correction: depthwise kernel has ${inC} channels, input mean ${c}`);
  if (inC % c !== 0) throw new Error(`bias correction: ${inC} input units are not a multiple of ${c} channels`);
  const rows = w.length / shape[shape.length - 1];
  return kernelShiftFromRows(className, w, wq, shape, Float64Array.from({ length: rows }, (_, r) => mean[(r % inC) % c]));
}

/**
 * Per-output shift E[Ŵx] − E[Wx] = (Ŵ − W)·E[x] from measured means of the kernel's rows
 * (empirical bias correction, both sides on the float model's inputs x): `rowMean` has one entry per kernel row — Dense [in], Conv2D [kh·kw·in] (the im2col
 * patch, padding zeros counted), DepthwiseConv2D [kh·kw·C] (tap-major, as the kernel's first three
 * axes) — so every tap gets its own mean, borders included.
 */
export function kernelShiftFromRows(className: string, w: Float32Array, wq: Float32Array, shape: number[], rowMean: Float64Array): Float64Array {
  const cols = shape[shape.length - 1];
  const rows = w.length / cols;
  if (rowMean.length !== rows) throw new Error(`bias correction: ${rowMean.length} measured input means for ${rows} kernel rows`);
  if (className === 'DepthwiseConv2D') {
    const ch = shape[2];
    const out = new Float64Array(ch * cols);
    for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[(r % ch) * cols + k] += (wq[r * cols + k] - w[r * cols + k]) * rowMean[r];
    return out;
  }
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let o = 0; o < cols; o++) out[o] += (wq[r * cols + o] - w[r * cols + o]) * rowMean[r];
  return out;
}

/** Options of {@link correctBiases}. */
export interface BiasCorrectionOptions {
  /**
   * Measured E[x] per kernel row by layer name (calibration data, {@link kernelShiftFromRows}):
   * when given, only these are used (BN statistics are not needed, so folded and BN-free models are
   * corrected too); a layer without an entry is left alone.
   */
  rowMeans?: ReadonlyMap<string, Float64Array>;
}

/**
 * Corrected values for the tensors bias correction changes, by manifest name, given the model
 * before weight quantization (`original`, BN layers present for the data-free variant) and the
 * quantized kernels (`quantized`, matched by name; kernels not listed are taken as unquantized).
 * Returns new arrays; nothing is mutated.
 */
export function correctBiases(original: ModelParts, quantized: readonly Pick<WeightTensor, 'name' | 'values'>[], opts: BiasCorrectionOptions = {}): { corrected: Map<string, Float32Array>; report: BiasCorrectionReport[] } {
  const corrected = new Map<string, Float32Array>();
  const report: BiasCorrectionReport[] = [];
  if (original.format === 'graph-model') return { corrected, report };
  const g = readGraph(original.topology);
  const store = new WeightStore(original.weights);
  const q = new Map(quantized.map((t) => [t.name, t.values]));
  for (const node of g.nodes) {
    if (!KERNEL_CLASSES.has(node.className)) continue;
    const row: BiasCorrectionReport = { layer: node.name, className: node.className };
    report.push(row);
    const kernel = store.get(node.name, node.className === 'DepthwiseConv2D' ? 'depthwise_kernel' : 'kernel');
    if (!kernel) { row.skipped = 'no kernel in the manifest'; continue; }
    if (node.config.data_format === 'channels_first') { row.skipped = 'channels_first'; continue; }
    const measured = opts.rowMeans?.get(node.name);
    if (opts.rowMeans && !measured) { row.skipped = 'no calibration inputs captured for it'; continue; }
    const m = measured ? { mean: measured, bn: 'calibration data' } : inputMean(g, store, node);
    if ('reason' in m) { row.skipped = m.reason; continue; }
    const wq = q.get(kernel.name) ?? kernel.values;
    if (wq.length !== kernel.values.length) { row.skipped = 'quantized kernel has another shape'; continue; }
    let shift: Float64Array;
    try {
      shift = measured ? kernelShiftFromRows(node.className, kernel.values, wq, kernel.shape, measured) : kernelShift(node.className, kernel.values, wq, kernel.shape, m.mean);
    } catch (e) { row.skipped = (e as Error).message; continue; }
    const bias = store.get(node.name, 'bias');
    const next = node.consumers.length === 1 ? g.get(node.consumers[0]) : undefined;
    const mu = !bias && (node.config.activation ?? 'linear') === 'linear' && next?.className === 'BatchNormalization' ? store.get(next.name, 'moving_mean') : undefined;
    const target = bias ?? mu;
    if (!target || target.values.length !== shift.length) { row.skipped = 'no bias to correct (and no BatchNormalization right after it)'; continue; }
    const sign = bias ? -1 : 1; // b − ε·E[x], or μ + ε·E[x]
    corrected.set(target.name, Float32Array.from(target.values, (v, o) => v + sign * shift[o]));
    Object.assign(row, { target: target.name, statsFrom: m.bn, maxShift: shift.reduce((a, s) => Math.max(a, Math.abs(s)), 0) });
  }
  return { corrected, report };
}
