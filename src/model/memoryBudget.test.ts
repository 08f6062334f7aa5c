import { describe, expect, it } from 'vitest';
import { checkModelFiles } from './modelFiles';
import { checkCaptureBatch, checkTrainingBatch, evaluationBatch, float32WeightBytes, float32WeightsRefusal, layerActivations } from './memoryBudget';

const MiB = 2 ** 20;

describe('memory refusals of big models', () => {
  it('counts float32 bytes from the manifest whatever the stored dtype, and refuses past the limit with the numbers', () => {
    const specs = [
      { name: 'a/kernel', shape: [1000, 1000], dtype: 'float32' as const, quantization: { dtype: 'uint8' as const, scale: 1, min: 0 } },
      { name: 'a/bias', shape: [1000], dtype: 'float32' as const },
    ];
    expect(float32WeightBytes(specs)).toBe(1_001_000 * 4);
    expect(float32WeightsRefusal(specs)).toBeUndefined();
    const why = float32WeightsRefusal(specs, 2 * MiB) as string;
    // What is wrong (parameters, float32 and stored sizes), the limit, and what to do.
    expect(why).toContain('1,001,000 parameters take 3.8 MiB as float32 (1 MiB in its weight files)');
    expect(why).toContain('up to 2 MiB of float32 weights (524,288 parameters)');
    expect(why).toMatch(/Open a smaller model, or compress this one with the command line/);
  });

  it('a manifest declaring more than 1 GiB of weights is refused before any shard is read, naming model.json, the weight, its bytes and the limit', () => {
    const json = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [] } },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'fc/kernel', shape: [65536, 4096], dtype: 'float32' }, { name: 'fc2/kernel', shape: [2, 4], dtype: 'float32' }] }] };
    const files = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)).buffer as ArrayBuffer }];
    // 65 536 × 4 096 × 4 B = 1 GiB exactly (accepted); the next weight's 32 B go past it.
    expect(() => checkModelFiles(files, new Set())).toThrow('model.json: weight "fc2/kernel" has shape [2,4]: with the weights before it that is 1.07e+9 bytes, more than the studio reads (1 GiB). The shape is corrupt, or the model is too large for the browser.');
  });

  it('layer activations: per-image float32 bytes, batch and unknown dimensions dropped', () => {
    expect(layerActivations([{ name: 'conv', outputShape: [null, 112, 112, 32] }, { name: 'fc', outputShape: [null, 10] }, { name: 'two', outputShape: [[null, 4], [null, 6]] }]))
      .toEqual([{ layer: 'conv', bytes: 112 * 112 * 32 * 4 }, { layer: 'fc', bytes: 40 }, { layer: 'two', bytes: 40 }]);
  });

  it('lowers the evaluation batch to budget / (2 × largest layer output), says why, and refuses one image that alone is too big', () => {
    const acts = [{ layer: 'stem1_conv', bytes: 112 * 112 * 32 * 4 }, { layer: 'fc', bytes: 4000 }];
    // 1.53 MiB per image, ×2 = 3.06 MiB: 256 MiB fit 83 images.
    expect(evaluationBatch(250, acts, 'big')).toEqual({ batch: 83, note: 'batches of 83 images, not 250: layer "stem1_conv" outputs 1.5 MiB per image and a batch may take 256 MiB' });
    expect(evaluationBatch(50, acts, 'big')).toEqual({ batch: 50 });
    expect(evaluationBatch(250, [], 'graph')).toEqual({ batch: 250 });
    expect(() => evaluationBatch(250, [{ layer: 'huge', bytes: 200 * MiB }], 'big.json'))
      .toThrow('big.json: layer "huge" outputs 200 MiB per image; with its input that is 400 MiB, more than the 256 MiB the studio lets one evaluation batch take');
  });

  it('refuses a training batch whose activations and gradients exceed the budget, naming batch, per-image and total bytes', () => {
    const acts = Array.from({ length: 10 }, (_, i) => ({ layer: `l${i}`, bytes: 4 * MiB }));
    expect(() => checkTrainingBatch(4, acts, 'the model', 'fine-tuning', 4 * 80 * MiB)).not.toThrow(); // exactly the budget fits
    expect(() => checkTrainingBatch(5, acts, 'the model', 'distillation', 4 * 80 * MiB)).toThrow(/distillation trains in batches of 5 images.*\(4 images fit\)/);
    expect(() => checkTrainingBatch(64, acts, 'the model', 'fine-tuning'))
      .toThrow('the model: fine-tuning trains in batches of 64 images; at this model\'s input one image needs ≈ 80 MiB for its layers\' outputs and their gradients (Σ of 10 layers\' outputs × 2), so a batch needs ≈ 5,120 MiB, more than the 1,024 MiB the studio lets a training batch take (12 images fit)');
    expect(() => checkTrainingBatch(4, acts, 'the model', 'fine-tuning')).not.toThrow();
  });

  it('refuses a calibration capture batch over the budget (Σ layer outputs per image, no gradients), naming the way out', () => {
    const acts = Array.from({ length: 10 }, (_, i) => ({ layer: `l${i}`, bytes: 4 * MiB }));
    expect(() => checkCaptureBatch(25, acts, 'the model')).not.toThrow(); // 25 × 40 MiB = 1 000 MiB
    expect(() => checkCaptureBatch(64, acts, 'the model'))
      .toThrow('the model: calibration on data captures every layer\'s input for batches of 64 images; at this model\'s input one image needs ≈ 40 MiB (Σ of 10 layers\' outputs), so a batch needs ≈ 2,560 MiB, more than the 1,024 MiB the studio allows (25 images fit). Choose a data-free calibration');
  });
});
