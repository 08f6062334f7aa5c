import { describe, expect, it } from 'vitest';
import { parsePlan } from './plan';
import { CALIBRATION_SAMPLES, needsCalibrationData } from './planFields';
import { PRESET_LIST, PRESETS, presetCost, presetDescription } from './presets';

describe('presetCost', () => {
  it('says what each kind of plan costs, from the plan', () => {
    expect(presetCost({ version: 1, quantize: 'float16' })).toBe('no retraining, no data: seconds');
    expect(presetCost({ version: 1, prune: { ratio: 0.5 }, quantize: { bits: 4, calibrate: 'mse' } })).toBe('no retraining, no data: seconds');
    expect(presetCost({ version: 1, quantize: { bits: 4, calibrate: 'output' } }))
      .toBe(`no retraining; ${CALIBRATION_SAMPLES} unlabelled training images: seconds`);
    expect(presetCost({ version: 1, prune: { ratio: 0.9 }, finetune: { epochs: 1 } })).toBe('retrains 1 epoch on labelled training images: a minute or more');
    expect(presetCost({ version: 1, distill: { epochs: 6 } })).toBe('trains 6 epochs on unlabelled training images: minutes');
  });

  it('names the retraining, not the calibration, when a plan does both', () => {
    expect(presetCost({ version: 1, quantize: { bits: 4, calibrate: 'adaround' }, finetune: { epochs: 2 } })).toMatch(/^retrains 2 epochs/);
  });
});

describe('PRESET_LIST', () => {
  it('holds valid plans under unique names, in the same order as PRESETS', () => {
    const names = PRESET_LIST.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(PRESETS)).toEqual(names);
    for (const p of PRESET_LIST) expect(parsePlan(p.plan), p.name).toBe(p.plan);
  });

  it('leads with a post-training preset: no retraining, and calibrated on data', () => {
    const [lead] = PRESET_LIST;
    expect(lead.plan.finetune ?? lead.plan.distill).toBeUndefined();
    expect(needsCalibrationData(lead.plan)).toBe(true);
  });

  it('describes each preset in one short line that says whether it retrains', () => {
    for (const p of PRESET_LIST) {
      const line = presetDescription(p);
      expect(line, p.name).not.toMatch(/\n|PENDING/);
      expect(line.length, p.name).toBeLessThanOrEqual(160);
      expect(line.includes('no retraining'), p.name).toBe(!p.plan.finetune && !p.plan.distill);
    }
  });

  it('says so in the name when Deep Compression runs without its retraining', () => {
    for (const p of PRESET_LIST.filter((x) => x.name.startsWith('Deep Compression'))) {
      expect(/no retraining|fine-tuning|distillation/.test(p.name), p.name).toBe(true);
    }
  });
});
