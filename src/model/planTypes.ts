/**
 * The compression plan's types: JSON-serialisable global settings plus per-layer overrides. The
 * settings table (planFields.ts) describes each field's range and label; parsePlan (plan.ts)
 * validates a plan against it. Kept apart so that the table and the parser import one way.
 */

export type PrunePattern = 'unstructured' | 'n:m';

export interface PruneSettings {
  /** Share of weights set to zero, 0–0.99 (for 'n:m' it is implied: 1 − n/m). */
  ratio: number;
  /** 'global': one magnitude threshold across all compressed tensors; 'layer': the ratio per tensor. */
  scope?: 'global' | 'layer';
  pattern?: PrunePattern;
  /**
   * How weights are ranked: 'magnitude' |w| (default), or 'taylor' |w · ∂L/∂w| accumulated over
   * batches of the recovery's training data (the loss of the plan's finetune or distill; needs one).
   */
  score?: 'magnitude' | 'taylor';
  /** N:M — keep n of every m consecutive weights along the input axis (default 2:4). */
  n?: number;
  m?: number;
}

export interface ChannelSettings {
  /** Share of output units / filters removed from each prunable layer, 0–0.9. */
  ratio: number;
  /** channel score: L1 / L2 norm of its weights, or 'taylor' (Σ_batches (Σ_{i∈channel} wᵢ·gᵢ)², needs training data like prune.score) */
  norm?: 'l1' | 'l2' | 'taylor';
}

export interface LowRankSettings {
  /** 'rank': absolute rank; 'fraction': rank = ⌈value · min(m, n)⌉; 'energy': keep Σσ² share. */
  by: 'rank' | 'fraction' | 'energy';
  value: number;
}

export interface QuantSettings {
  /** 1–16 bits per code. */
  bits: number;
  scheme?: 'affine' | 'symmetric';
  granularity?: 'tensor' | 'channel';
  /**
   * How each scale's clipping range is chosen: 'minmax' (default) the tensor's / channel's own
   * range; 'mse' the range that minimises the weights' squared rounding error (values outside it
   * clip), found by search; 'bias' the MSE range, then data-free bias correction from BatchNorm
   * statistics (transform/biasCorrection.ts: b ← b − (Ŵ − W)·E[x]). With calibration data (the
   * model's inputs, no labels; model/calibrate): 'output' the range that minimises each layer's
   * OUTPUT squared error ‖(W − Ŵ)x‖² on the calibration inputs, then bias correction with E[x]
   * measured on them; 'adaround' that, with each weight rounded up or down as AdaRound (Nagel et
   * al. 2020) learns it on the same inputs instead of to the nearest grid point.
   */
  calibrate?: 'minmax' | 'mse' | 'bias' | 'output' | 'adaround';
  /**
   * 'cle': cross-layer equalization before quantizing (Nagel et al. 2019): consecutive layers are
   * rescaled channel by channel so their ranges match, the function the model computes unchanged.
   */
  equalize?: 'cle';
}

export interface ClusterSettings {
  /** Number of shared values per tensor (2–65536); when the tensor is pruned, exact zero is one of them. */
  k: number;
  init?: 'linear' | 'kmeans++';
  /**
   * 'uint8': move the centroids onto an 8-bit grid (each by at most 1/510 of the codebook's range,
   * zero kept) so the TF.js export stores the tensor as uint8 codes — 4× smaller than float32;
   * the compact file is unchanged. Default: centroids as k-means found them.
   */
  grid?: 'uint8';
}

/**
 * Fine-tuning after the structural transforms and pruning, before quantization / clustering
 * (Deep Compression's retraining): `epochs` passes over the model's labelled training split with
 * Adam, pruned weights held at zero; with weight sharing, one more pass (a third of the epochs,
 * at a tenth of the rate) trains the shared values. Layers models only. Seeded: the same plan on
 * the same backend gives the same weights.
 */
export interface FineTuneSettings {
  /** passes over the training split, 1–50 */
  epochs: number;
  /** Adam learning rate (default 5e-4) */
  learningRate?: number;
  /** train on the first `limit` training samples only (default: all) */
  limit?: number;
}

/**
 * Knowledge distillation from the loaded original (frozen teacher) into the compressed model
 * (student), in place of label fine-tuning and in the same two stages (after structure and
 * pruning; then on the quantization grid / shared values). Loss per batch:
 *   α · CE(labels, p_s) + (1 − α) · T² · KL(softmax(z_t/T) ‖ softmax(z_s/T))
 * (+ hintWeight · MSE(teacher layer, student layer) for layers marked `hint`), where z are the
 * models' logits (log-probabilities when a model ends in softmax). Labels are used only when
 * α > 0; 'hard' mode replaces the soft targets by the teacher's argmax (CE at T = 1). Works on
 * unlabelled data. Layers models only (the student is trained). Seeded like finetune.
 */
export interface DistillSettings {
  /** passes over the training data, 1–50 */
  epochs: number;
  /** Adam learning rate (default 1e-3) */
  learningRate?: number;
  /** softmax temperature T ≥ 1 (default 4) */
  temperature?: number;
  /** weight of the hard-label cross-entropy, 0–1 (default 0: no labels needed) */
  alpha?: number;
  /** 'soft': KL to the teacher's softened outputs (default); 'hard': CE to the teacher's argmax */
  mode?: 'soft' | 'hard';
  /** weight of the hint (MSE) loss of layers marked `hint` (default 1) */
  hintWeight?: number;
  /** train on the first `limit` samples only (default: all) */
  limit?: number;
}

/** Overrides for one layer, by layer name. */
export interface LayerOverride {
  exclude?: boolean;
  prune?: number;
  bits?: number;
  clusters?: number;
  channels?: number;
  rank?: LowRankSettings;
  /** distillation: add an MSE hint loss between this layer's output in the teacher and in the student (same shape) */
  hint?: boolean;
}

export interface CompressionPlan {
  version: 1;
  prune?: PruneSettings;
  channels?: ChannelSettings;
  lowRank?: LowRankSettings;
  /** Uniform quantization, or 'float16'. Ignored for a tensor that is clustered. */
  quantize?: QuantSettings | 'float16';
  cluster?: ClusterSettings;
  finetune?: FineTuneSettings;
  distill?: DistillSettings;
  layers?: Record<string, LayerOverride>;
}
