/**
 * What a big model costs in memory, and the refusals (or smaller batches) that keep a browser tab
 * alive. Every refusal names the file or model, what would not fit, the number, and what to do.
 *
 *  - Weights: the studio decodes every weight to float32 and keeps several copies (the TF.js
 *    model's variables, the decoded weights, the compression's weights and its export files): a
 *    model whose weights exceed MAX_FLOAT32_WEIGHT_BYTES as float32 is refused when opened, even
 *    when its files are small (uint8 weights take 4× their file size decoded).
 *  - Evaluation: a batch of B images holds at least B × (largest layer output) float32 values at
 *    once; the batch is lowered so that B × 2 × largest ≤ EVAL_ACTIVATION_BUDGET (input and output
 *    of that layer alive together).
 *  - Training (recovery, Taylor scores): backprop keeps every layer's output for the backward
 *    pass and a gradient of the same size, so one image needs ≈ 2 × Σ layer outputs; a batch of
 *    B images that needs more than TRAIN_ACTIVATION_BUDGET is refused.
 *  - Calibration on data: one pass captures the input of every quantized layer at once, ≈ Σ layer
 *    outputs per image; a batch over the same budget is refused.
 */
import type * as tf from '@tensorflow/tfjs';
import { weightSpecBytes } from './validateModel';

/** Largest float32 size of a model's weights the studio opens (1 GiB = 268 M parameters). */
export const MAX_FLOAT32_WEIGHT_BYTES = 2 ** 30;
/** Activation memory one evaluation batch may take (256 MiB). */
export const EVAL_ACTIVATION_BUDGET = 256 * 2 ** 20;
/** Activation + gradient memory one training batch may take (1 GiB). */
export const TRAIN_ACTIVATION_BUDGET = 2 ** 30;

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: bytes < 10 * 2 ** 20 ? 1 : 0 })} MiB`;
const count = (n: number) => n.toLocaleString('en-US');

/** Float32 bytes of the weights a manifest declares (elements × 4, whatever their stored dtype). */
export function float32WeightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((a, s) => a + s.shape.reduce((p, d) => p * d, 1) * 4, 0);
}

/**
 * Why a model whose weights take more than `limit` bytes as float32 is refused (the parameter
 * count, both sizes, the limit and what to do; the caller prefixes the file name), or undefined
 * when it fits.
 */
export function float32WeightsRefusal(specs: readonly tf.io.WeightsManifestEntry[], limit = MAX_FLOAT32_WEIGHT_BYTES): string | undefined {
  const bytes = float32WeightBytes(specs);
  if (bytes <= limit) return undefined;
  const stored = specs.reduce((a, s) => a + weightSpecBytes(s), 0);
  return `its ${count(bytes / 4)} parameters take ${MiB(bytes)} as float32 (${MiB(stored)} in its weight files), and the studio decodes every weight to float32 and holds several copies while it compresses; it opens models up to ${MiB(limit)} of float32 weights (${count(limit / 4)} parameters). Open a smaller model, or compress this one with the command line (npx compression-studio), which is not bound by a tab's memory.`;
}

/** Elements of one sample of a layer output shape (the batch dimension and unknown ones dropped, as 1). */
const perSample = (shape: readonly (number | null)[]) => shape.slice(1).reduce<number>((a, d) => a * (d && d > 0 ? d : 1), 1);

/** One layer's output for one image: its name and bytes as float32. */
export interface LayerActivation {
  layer: string;
  bytes: number;
}

/**
 * Float32 bytes of each layer's output for one image, from a layers model's `layers[i].outputShape`
 * (a layer with several outputs counts them all). Input layers count too.
 */
export function layerActivations(layers: readonly { name: string; outputShape: unknown }[]): LayerActivation[] {
  return layers.map((l) => {
    const shape = l.outputShape as (number | null)[] | (number | null)[][];
    const shapes = Array.isArray(shape[0]) ? (shape as (number | null)[][]) : [shape as (number | null)[]];
    return { layer: l.name, bytes: shapes.reduce((a, s) => a + perSample(s) * 4, 0) };
  });
}

/** The evaluation batch and, when it had to be lowered, why (to show the user). */
export interface BatchChoice {
  batch: number;
  note?: string;
}

/**
 * The evaluation batch for a model whose layers output `activations` per image: `requested`,
 * lowered to ⌊budget / (2 × largest)⌋ (at least 1) when that is smaller, with a note naming the
 * layer, its bytes per image and the budget. Throws when one image alone exceeds the budget.
 */
export function evaluationBatch(requested: number, activations: readonly LayerActivation[], model: string, budget = EVAL_ACTIVATION_BUDGET): BatchChoice {
  if (activations.length === 0) return { batch: requested };
  const largest = activations.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const perImage = 2 * largest.bytes;
  if (perImage > budget) {
    throw new Error(`${model}: layer "${largest.layer}" outputs ${MiB(largest.bytes)} per image; with its input that is ${MiB(perImage)}, more than the ${MiB(budget)} the studio lets one evaluation batch take. Use a model with a smaller input, or evaluate it with the command line.`);
  }
  const fits = Math.max(1, Math.floor(budget / perImage));
  if (fits >= requested) return { batch: requested };
  return { batch: fits, note: `batches of ${fits} images, not ${requested}: layer "${largest.layer}" outputs ${MiB(largest.bytes)} per image and a batch may take ${MiB(budget)}` };
}

/**
 * Refuses training in batches of `batch` when backprop would need more than `budget`: per image
 * 2 × Σ layer outputs (activations kept for the backward pass, and their gradients), times the
 * batch. The message names the model, the batch, the per-image and total bytes and what to do.
 */
export function checkTrainingBatch(batch: number, activations: readonly LayerActivation[], model: string, what: string, budget = TRAIN_ACTIVATION_BUDGET): void {
  const perImage = 2 * activations.reduce((a, l) => a + l.bytes, 0);
  const total = perImage * batch;
  if (total <= budget) return;
  throw new Error(`${model}: ${what} trains in batches of ${batch} images; at this model's input one image needs ≈ ${MiB(perImage)} for its layers' outputs and their gradients (Σ of ${activations.length} layers' outputs × 2), so a batch needs ≈ ${MiB(total)}, more than the ${MiB(budget)} the studio lets a training batch take${fitText(budget, perImage)}. Compress it without training (post-training quantization and pruning by magnitude), or use a model with a smaller input.`);
}

/** The batch calibration on data captures layer inputs in (model/calibrate/index.ts BATCH). */
export const CALIBRATION_BATCH = 64;

/**
 * Refuses calibration on data when one capture batch of `batch` images (≈ Σ layer outputs each:
 * every quantized layer's input at once) needs more than `budget`, with the numbers and what to do.
 */
export function checkCaptureBatch(batch: number, activations: readonly LayerActivation[], model: string, budget = TRAIN_ACTIVATION_BUDGET): void {
  const perImage = activations.reduce((a, l) => a + l.bytes, 0);
  const total = perImage * batch;
  if (total <= budget) return;
  throw new Error(`${model}: calibration on data captures every layer's input for batches of ${batch} images; at this model's input one image needs ≈ ${MiB(perImage)} (Σ of ${activations.length} layers' outputs), so a batch needs ≈ ${MiB(total)}, more than the ${MiB(budget)} the studio allows${fitText(budget, perImage)}. Choose a data-free calibration (weight-MSE range, bias correction), or use a model with a smaller input.`);
}

/** " (N images fit)" when at least one does. */
const fitText = (budget: number, perImage: number) => {
  const fits = Math.floor(budget / perImage);
  return fits >= 1 ? ` (${fits} ${fits === 1 ? 'image fits' : 'images fit'})` : '';
};
