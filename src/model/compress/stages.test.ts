/**
 * The stage view's model side: which stages a plan has, the plain record of the stages before
 * 'coded' (hand-checked), and on a real model that every stage's bytes are a real compact file's
 * length, the last one the exported file's, non-increasing for prune + quantize, coding lossless.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodedTensorBytes } from '../../core';
import { useWasm } from '../../node/io';
import { decodeCompact, encodeCompact } from '../export/compact';
import type { CompressionPlan } from '../planTypes';
import { PRESETS } from '../presets';
import { bundledParts } from '../transform/fixtures';
import type { CompressedTensor, ModelParts } from '../weights';
import { compressModel } from '.';
import { buildStages, plainRecord, stagePlans, stageRecord } from './stages';

const tensor = (values: number[], shape: number[]): CompressedTensor => ({ name: 't', layer: 't', shape, values: Float32Array.from(values), payload: { kind: 'float32', shape, values: Float32Array.from(values) } });
const ids = (plan: CompressionPlan, graph = false) => stagePlans(plan, graph).map((s) => s.id);
const PRUNE_Q4: CompressionPlan = { version: 1, prune: { ratio: 0.7, scope: 'global' }, quantize: { bits: 4, granularity: 'channel', scheme: 'affine' } };

describe('plain record (stages before coded)', () => {
  it('takes CSR for a sparse tensor and dense for a full one, by their exact bytes', () => {
    // 2×4 float32, 2 non-zeros. Dense: 9 + 4·2 header + 8·4 values = 49 bytes.
    // CSR: 17 + u32 nnz + 2 row ends × 2 bits (1 byte) + 2 columns × 2 bits (1 byte) + 2·4 values = 31 bytes.
    const sparse = tensor([1, 0, 0, 0, 0, 0, 0, 2], [2, 4]);
    expect(encodedTensorBytes(sparse.payload, { index: 'dense', entropy: 'fixed' })).toBe(49);
    expect(encodedTensorBytes(sparse.payload, { index: 'csr', entropy: 'fixed' })).toBe(31);
    expect(plainRecord(sparse)).toEqual({ index: 'csr', entropy: 'fixed' });
    expect(plainRecord(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]))).toEqual({ index: 'dense', entropy: 'fixed' });
    expect(stageRecord('coded')).toBeUndefined();
  });
});

describe('stage plans', () => {
  it('has only the steps the plan asks for, in order', () => {
    expect(ids({ version: 1 })).toEqual([]);
    expect(ids({ version: 1, finetune: { epochs: 2 } })).toEqual([]);
    expect(ids(PRESETS['Deep Compression, no retraining'])).toEqual(['pruned', 'quantized']);
    expect(ids(PRESETS['TF.js int8'])).toEqual(['quantized']);
    expect(ids(PRESETS['Fastest (structured + low-rank)'])).toEqual(['structural']);
    expect(ids(PRESETS['Fastest (structured + low-rank)'], true)).toEqual([]);
    expect(ids({ version: 1, prune: { ratio: 0 } })).toEqual([]);
    expect(ids({ version: 1, layers: { fc1: { prune: 0.5 }, fc2: { bits: 4 } } })).toEqual(['pruned', 'quantized']);
  });

  it('cuts the plan short: structure, then + pruning, then the post-training plan without recovery', () => {
    const plan: CompressionPlan = { version: 1, channels: { ratio: 0.2, norm: 'taylor' }, prune: { ratio: 0.8, score: 'taylor' }, cluster: { k: 16 }, distill: { epochs: 3 }, layers: { fc1: { prune: 0.5, bits: 3, exclude: true } } };
    const [structural, pruned, quantized] = stagePlans(plan);
    expect(structural.plan).toEqual({ version: 1, channels: { ratio: 0.2, norm: 'l1' } });
    expect(pruned.plan).toEqual({ version: 1, channels: { ratio: 0.2, norm: 'l1' }, prune: { ratio: 0.8, score: 'magnitude' }, layers: { fc1: { exclude: true, prune: 0.5 } } });
    expect(pruned.notes).toHaveLength(2);
    expect(quantized.plan).toEqual({ version: 1, channels: plan.channels, prune: plan.prune, cluster: plan.cluster, layers: plan.layers });
  });
});

describe('stages of a real model (lenet-300-100)', () => {
  let parts: ModelParts;
  beforeAll(async () => {
    await useWasm();
    parts = bundledParts('lenet-300-100');
  });

  // Biases are not pruned: a share of all weights a little under the kernels' ratio.
  it.each([['prune 70 % + 4-bit per channel', PRUNE_Q4, /^69\.\d % of weights zero/], ['Deep Compression, no retraining', PRESETS['Deep Compression, no retraining'], /^89\.\d % of weights zero/]] as const)('%s: bytes are real files, the last the export, non-increasing', (_, plan, zeros) => {
    const stages = buildStages(parts, plan);
    expect(stages.map((s) => s.id)).toEqual(['original', 'pruned', 'quantized', 'coded']);
    for (const s of stages) expect(s.bytes).toBe(encodeCompact(s.compressed, { record: stageRecord(s.id) }).length);
    const exported = encodeCompact(compressModel(parts, plan).compressed);
    expect(stages[stages.length - 1].bytes).toBe(exported.length);
    for (let i = 1; i < stages.length; i++) expect(stages[i].bytes).toBeLessThan(stages[i - 1].bytes);
    // The original stage is every weight as float32: 4 bytes each plus headers.
    const weights = parts.weights.reduce((a, w) => a + w.values.length, 0);
    expect(stages[0].bytes).toBeGreaterThan(4 * weights);
    expect(stages[0].bytes).toBeLessThan(4 * weights + 2000);
    // Coding is lossless: the exported file decodes to the quantized stage's values.
    const decoded = decodeCompact(exported).weights;
    stages[2].compressed.tensors.forEach((t, i) => expect(decoded[i].values).toEqual(t.values));
    expect(stages[1].what).toMatch(zeros);
  });

  it('uses the final compression it is given for the last value stage and for coded', () => {
    const final = compressModel(parts, { version: 1, prune: { ratio: 0.5 }, quantize: { bits: 6 } });
    const stages = buildStages(parts, { version: 1, prune: { ratio: 0.5 }, quantize: { bits: 6 } }, final);
    expect(stages.map((s) => s.model)).toEqual(['original', 'own', 'final', 'final']);
    expect(stages[2].compressed).toBe(final.compressed);
    expect(stages[3].bytes).toBe(encodeCompact(final.compressed).length);
    expect(stages[2].what).toBe('6-bit codes (fixed width)');
    expect(stages[3].what).toMatch(/Huffman on \d of 6 tensors/);
  });

  it('structure only: the structural stage is the final model; a graph model has no structural stage', () => {
    const plan = PRESETS['Fastest (structured + low-rank)'];
    const stages = buildStages(parts, plan);
    expect(stages.map((s) => s.id)).toEqual(['original', 'structural', 'coded']);
    expect(stages[1].bytes).toBeLessThan(stages[0].bytes / 2);
    expect(stages[2].bytes).toBe(encodeCompact(compressModel(parts, plan).compressed).length);
    expect(stages[1].what).toMatch(/^266,610 → [\d,]+ weights \(units cut, layers factorised\)$/);
    expect(buildStages(bundledParts('lenet-5-graph'), plan).map((s) => s.id)).toEqual(['original', 'coded']);
  });

  it('float16: one quantized stage named so, half the original', () => {
    const stages = buildStages(parts, PRESETS.float16);
    expect(stages.map((s) => s.name)).toEqual(['original', 'float16', 'coded']);
    expect(stages[1].bytes / stages[0].bytes).toBeCloseTo(0.5, 2);
    expect(stages[1].what).toBe('float16 (fixed width)');
  });

  it('an empty plan: original and coded only, coded no larger', () => {
    const stages = buildStages(parts, { version: 1 });
    expect(stages.map((s) => s.id)).toEqual(['original', 'coded']);
    expect(stages[1].bytes).toBeLessThanOrEqual(stages[0].bytes);
  });
});
