/**
 * The studio's presets: named plans a workshop can jump between (the Controls card's buttons; the
 * benchmark times them too). Model-agnostic: no layer names.
 */
import type { CompressionPlan } from './plan';

export const PRESETS: Record<string, CompressionPlan> = {
  // Deep Compression's pipeline post-training, and with its retraining: one global threshold (big layers lose the
  // most), 4 epochs of masked fine-tuning, 32 shared values, then a pass that trains them (README: 38–39× on the LeNets).
  'Deep Compression': { version: 1, prune: { ratio: 0.9, scope: 'layer' }, cluster: { k: 32 } },
  'Deep Compression + fine-tuning': { version: 1, prune: { ratio: 0.93, scope: 'global' }, cluster: { k: 32, grid: 'uint8' }, finetune: { epochs: 4, learningRate: 0.001 } },
  // The same with 16 shared values, learnt from the original instead of the labels (`npm run bench -- --part dc-distill`:
  // LeNet-300-100 43.1× at −0.15 points; no labels needed).
  'Deep Compression + distillation': { version: 1, prune: { ratio: 0.93, scope: 'global' }, cluster: { k: 16, grid: 'uint8' }, distill: { epochs: 6, learningRate: 0.002, temperature: 8, alpha: 0 } },
  'TF.js int8': { version: 1, quantize: { bits: 8, granularity: 'tensor', scheme: 'affine' } },
  float16: { version: 1, quantize: 'float16' },
  'Fastest (structured + low-rank)': { version: 1, channels: { ratio: 0.25, norm: 'l1' }, lowRank: { by: 'fraction', value: 0.25 } },
};
