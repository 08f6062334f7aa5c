import { describe, expect, it } from 'vitest';
import type { CompressionPlan } from '../model/plan';
import type { JointCalibration, SensitivityResult } from '../runtime/protocol';
import { autoPlan } from './auto';
import { calibrationNote, candidateMoves, jointCalibrations, refineAuto } from './autoRefine';

// Two layers on a joint grid, cells (0 %, 8 b) (50 %, 8 b) (0 %, 4 b) (50 %, 4 b); baseline 0.9; 50 bytes of other tensors.
// a: 1000 B → 250/150/125/80, drops 0/.001/.002/.01; b: 100 B → 25/15/13/(skipped), drops 0/0/.005/–.
const cells = [{ prune: 0, bits: 8 }, { prune: 0.5, bits: 8 }, { prune: 0, bits: 4 }, { prune: 0.5, bits: 4 }];
const r: SensitivityResult = {
  technique: 'joint', metric: 'accuracy', levels: [0, 1, 2, 3], layers: ['a', 'b'], count: 1000, baseline: 0.9,
  accuracy: [[0.9, 0.899, 0.898, 0.89], [0.9, 0.9, 0.895, NaN]],
  bytes: [[250, 150, 125, 80], [25, 15, 13, NaN]], baseBytes: [1000, 100], totalBytes: 1150,
  joint: { cells, grid: { prune: [0, 0.5], bits: [8, 4] }, calibrations: ['minmax', 'mse'], skipped: 1 },
};

/**
 * A stand-in for compressing and evaluating a whole plan: the measured drop is `factor[calibrate]`
 * × the single-layer drops added up (+ `offset`), the bytes exactly the per-layer bytes added up
 * (less `tensorSaves` per tensor: fewer scales).
 */
function fakeMeasure(factor: Partial<Record<JointCalibration, number>>, offset = 0, tensorSaves = 0) {
  const plans: CompressionPlan[] = [];
  const measure = async (plan: CompressionPlan) => {
    plans.push(plan);
    let bytes = r.totalBytes;
    let drop = offset;
    r.layers.forEach((name, i) => {
      const o = plan.layers?.[name];
      if (!o || o.exclude) return;
      const j = cells.findIndex((c) => c.bits === o.bits && c.prune === (o.prune ?? 0));
      bytes += r.bytes[i][j] - r.baseBytes[i];
      drop += r.baseline - r.accuracy[i][j];
    });
    const q = plan.quantize;
    const f = typeof q === 'object' ? factor[q.calibrate as JointCalibration] ?? 1 : 1;
    const perTensor = typeof q === 'object' && q.granularity === 'tensor';
    return { score: r.baseline - f * drop, bytes: bytes - (perTensor ? tensorSaves : 0) };
  };
  return { measure, plans };
}

describe('joint autoPlan', () => {
  it('picks (prune, bits) per layer by bytes per point, never a skipped cell', () => {
    // Free: a → (0 %, 8 b) saves 750, b → (50 %, 8 b) saves 85; then a → (50 %, 8 b) 100 B for .001, a → (0 %, 4 b) 25 B for .001.
    const { plan, estimate, explanation } = autoPlan(r, { drop: 0.003 });
    expect(plan).toEqual({ version: 1, quantize: { bits: 8, scheme: 'affine', granularity: 'channel', calibrate: 'mse' }, layers: { a: { bits: 4 }, b: { prune: 0.5, bits: 8 } } });
    expect(estimate).toEqual({ bytes: 50 + 125 + 15, drop: expect.closeTo(0.002, 12) });
    expect(explanation[1]).toBe('a: 4 bits — 1.0 KB → 125 B, alone −0.20 points');
    expect(explanation[2]).toBe('b: prune 50 % + 8 bits — 100 B → 15 B, alone no accuracy loss');
    // Any budget: b never goes to its skipped (50 %, 4 b) cell.
    expect(autoPlan(r, { drop: 1 }).plan.layers).toEqual({ a: { prune: 0.5, bits: 4 }, b: { bits: 4 } });
  });
});

describe('refineAuto', () => {
  it('backs off when the measured combined drop is over the target', async () => {
    // Measured drops are twice the sum: the budget-×1 pick (estimated 0.20) measures 0.40 > 0.30.
    const { measure } = fakeMeasure({ mse: 2, minmax: 3 });
    const choice = await refineAuto(r, { drop: 0.003 }, measure);
    if (!choice) throw new Error('cancelled');
    expect(choice.steps[0]).toMatchObject({ kind: 'scale', scale: 1, measured: { drop: expect.closeTo(0.004, 12) } });
    expect(choice.met).toBe(true);
    expect(choice.measured.drop).toBeLessThanOrEqual(0.003);
    expect(choice.plan.layers).toEqual({ a: { prune: 0.5, bits: 8 }, b: { prune: 0.5, bits: 8 } });
    expect(choice.measured.bytes).toBe(50 + 150 + 15);
    expect(choice.explanation[0]).toMatch(/^Target at most 0.30 points of accuracy lost: measured 215 B .* −0.20 points on the same 1,000 images; estimated 215 B, −0.10 points .* quantizer mse range per channel; quantizers compared on one set of levels: mse range per channel −0.20 points, 215 B \(searched with\), minmax range per channel −0.30 points, 215 B, minmax range per tensor −0.30 points, 215 B, mse range per tensor −0.20 points, 215 B/);
    expect(choice.explanation[1]).toMatch(/×1 \(mse range per channel\) estimated −0.20 points → measured −0.40 points, 190 B \(over\); ×0.5 \(mse range per channel\) estimated −0.10 points → measured −0.20 points, 215 B; then 1 single-layer moves measured in the combined plan, 0 kept\./);
  });

  it('pushes further when the measured drop leaves budget, past the estimate\'s limit', async () => {
    const { measure } = fakeMeasure({ mse: 0.5, minmax: 1 });
    const choice = await refineAuto(r, { drop: 0.004 }, measure);
    if (!choice) throw new Error('cancelled');
    // Estimated 0.70 points (over 0.40) but measured 0.35: b goes to 4 bits too, smaller than the plain pick.
    expect(choice.plan.layers).toEqual({ a: { bits: 4 }, b: { bits: 4 } });
    expect(choice.estimate.drop).toBeCloseTo(0.007, 12);
    expect(choice.measured.drop).toBeCloseTo(0.0035, 12);
    expect(choice.measured.bytes).toBeLessThan(autoPlan(r, { drop: 0.004 }).estimate.bytes);
  });

  it('keeps the calibration that loses least on the same levels, and pushes with it', async () => {
    const { measure } = fakeMeasure({ mse: 2, minmax: 0.5 });
    const choice = await refineAuto(r, { drop: 0.003 }, measure);
    if (!choice) throw new Error('cancelled');
    expect(choice.plan.quantize).toMatchObject({ calibrate: 'minmax' });
    expect(choice.measured.bytes).toBeLessThan(50 + 150 + 15);
    expect(choice.measured.drop).toBeLessThanOrEqual(0.003);
  });

  it('per tensor when it is smaller at the same loss', async () => {
    const choice = await refineAuto(r, { drop: 0.003 }, fakeMeasure({ mse: 2, minmax: 3 }, 0, 5).measure);
    expect(choice?.plan.quantize).toMatchObject({ calibrate: 'mse', granularity: 'tensor' });
    expect(choice?.measured.bytes).toBe(50 + 150 + 15 - 5);
    expect(choice?.explanation[0]).toMatch(/quantizer mse range per tensor/);
  });

  it('says so when no measured plan meets the target, and applies the one losing least', async () => {
    const { measure } = fakeMeasure({}, 0.01);
    const choice = await refineAuto(r, { drop: 0.003 }, measure);
    expect(choice?.met).toBe(false);
    expect(choice?.measured.drop).toBeCloseTo(0.01, 12);
    expect(choice?.explanation[0]).toMatch(/not met by any measured plan/);
  });

  it('is deterministic, reports monotonic progress, and stops when a measurement is cancelled', async () => {
    const runs = await Promise.all([0, 1].map(async () => {
      const progress: number[] = [];
      const c = await refineAuto(r, { drop: 0.003 }, fakeMeasure({ mse: 2 }).measure, { onStep: (done, total) => progress.push(done / total) });
      return { c, progress };
    }));
    expect(runs[0].c).toEqual(runs[1].c);
    const p = runs[0].progress;
    expect(p.every((x, k) => k === 0 || x >= p[k - 1])).toBe(true);
    expect(p[p.length - 1]).toBe(1);
    let calls = 0;
    const cancelled = await refineAuto(r, { drop: 0.003 }, async () => (++calls < 2 ? { score: 0.9, bytes: 100 } : undefined));
    expect(cancelled).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('candidate moves: per layer its best rate and its mildest smaller level, skipped cells never', () => {
    expect(candidateMoves(r, [1, 1])).toEqual([[2, 1], [1, 2]]);
    // a from (0 %, 8 b): (50 %, 4 b) now saves 170 B for 0.15 points, the best rate; (50 %, 8 b) 100 B for 0.10, the mildest.
    const r2 = { ...r, accuracy: [[0.9, 0.899, 0.898, 0.8985], r.accuracy[1]] };
    expect(candidateMoves(r2, [0, -1])).toEqual([[3, -1], [1, -1], [0, 1]]);
    expect(candidateMoves(r, [3, 2])).toEqual([]);
  });

  it('candidate moves with prune steps: also the next prune ratio at the same bits, whatever its estimate; never a skipped cell or a duplicate', () => {
    // a at (0 %, 8 b): (0 %, 4 b) is both the best rate and the mildest; (50 %, 8 b) loses 1 point alone but is the prune step.
    const r3 = { ...r, accuracy: [[0.9, 0.89, 0.899, 0.898], r.accuracy[1]] };
    expect(candidateMoves(r3, [0, -1])).toEqual([[2, -1], [0, 1]]);
    expect(candidateMoves(r3, [0, -1], true)).toEqual([[2, -1], [1, -1], [0, 1]]);
    // b's (50 %, 4 b) was skipped: no step from (0 %, 4 b); a's step from (0 %, 4 b) is its rated move already.
    expect(candidateMoves(r, [2, 2], true)).toEqual(candidateMoves(r, [2, 2]));
    expect(candidateMoves(r, [2, 2])).toEqual([[3, 2]]);
  });

  it('with calibration data: searches with \'output\' first, measures every quantizer once, and the explanation names the data', async () => {
    // 'output' compensates the pruning: a quarter of the summed drops. At 0.30 points the data-free
    // search stops at 215 B (first test); on data, budget ×4 picks a (50 %, 4 b) + b (50 %, 8 b):
    // estimated 1.00 point, measured 0.25, 145 B; ×8 adds b (0 %, 4 b): 1.50 → 0.375, over.
    const { measure, plans } = fakeMeasure({ output: 0.25, mse: 2, minmax: 3 });
    const choice = await refineAuto(r, { drop: 0.003 }, measure, { calibrationData: 'MNIST (training)' });
    if (!choice) throw new Error('cancelled');
    expect(plans[0].quantize).toMatchObject({ calibrate: 'output', granularity: 'channel' });
    expect(choice.plan.quantize).toMatchObject({ calibrate: 'output', granularity: 'channel' });
    expect(choice.plan.layers).toEqual({ a: { prune: 0.5, bits: 4 }, b: { prune: 0.5, bits: 8 } });
    expect(choice.measured).toEqual({ bytes: 50 + 80 + 15, drop: expect.closeTo(0.0025, 12) });
    expect(choice.steps.find((st) => st.measured.bytes === 50 + 80 + 13)?.measured.drop).toBeCloseTo(0.00375, 12);
    // Each quantizer × granularity measured on the winner's levels, none twice.
    const compared = choice.steps.filter((st) => st.kind === 'quantizer').map((st) => `${st.calibrate}/${st.granularity}`);
    expect(compared.sort()).toEqual(['minmax/channel', 'minmax/tensor', 'mse/channel', 'mse/tensor', 'output/tensor']);
    const keys = plans.map((p) => JSON.stringify(p));
    expect(new Set(keys).size).toBe(keys.length);
    expect(choice.explanation[0]).toMatch(/quantizer output range per channel; .*; the plan calibrates on MNIST \(training\) — 'output': layer-output range, bias correction and a least-squares refit of pruned weights/);
  });

  it('with calibration data that does not help, a data-free quantizer wins and the explanation says \'output\' was tried', async () => {
    // 'output' loses 4× the summed drops (+ 0.05 points everywhere), mse 1×: the free moves alone measure 0.20 vs 0.05 points.
    const choice = await refineAuto(r, { drop: 0.003 }, fakeMeasure({ output: 4, mse: 1, minmax: 3 }, 0.0005).measure, { calibrationData: 'MNIST (training)' });
    expect(choice?.plan.quantize).toMatchObject({ calibrate: 'mse' });
    expect(choice?.measured.drop).toBeLessThanOrEqual(0.003);
    expect(choice?.explanation[0]).toMatch(/calibration on MNIST \(training\) .* tried, not chosen/);
  });

  it('without calibration data: never \'output\', and the explanation says what data would add', async () => {
    const { measure, plans } = fakeMeasure({ output: 0.25, mse: 2, minmax: 3 });
    const choice = await refineAuto(r, { drop: 0.003 }, measure);
    expect(plans.some((p) => typeof p.quantize === 'object' && p.quantize.calibrate === 'output')).toBe(false);
    expect(choice?.explanation[0]).toMatch(/calibration on data \('output': .*\) not tried: it needs calibration data/);
  });

  it('calibrations: \'output\' first with data, the table\'s data-free ones otherwise (never twice)', () => {
    expect(jointCalibrations(r)).toEqual(['minmax', 'mse']);
    expect(jointCalibrations(r, 'x')).toEqual(['output', 'minmax', 'mse']);
    const withOutput = { ...r, joint: { ...r.joint!, calibrations: ['output', 'mse', 'bias'] as JointCalibration[] } };
    expect(jointCalibrations(withOutput, 'x')).toEqual(['output', 'mse', 'bias']);
    expect(jointCalibrations(withOutput)).toEqual(['mse', 'bias']);
    expect(calibrationNote('output', 'd')).toMatch(/^; the plan calibrates on d — /);
    expect(calibrationNote('mse', 'd')).toMatch(/tried, not chosen$/);
  });
});
