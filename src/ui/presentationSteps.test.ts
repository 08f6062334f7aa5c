import { describe, expect, it } from 'vitest';
import { PRESET_LIST } from '../model/presets';
import { readUrlSettings, writeUrlSettings } from '../state/urlState';
import { keyAction, ORIGINAL, planKey, stepOf, stepTarget } from './presentationSteps';

describe('keyAction', () => {
  it('takes only F outside the view', () => {
    expect(keyAction({ key: 'f' }, false)).toEqual({ type: 'enter' });
    expect(keyAction({ key: 'F' }, false)).toEqual({ type: 'enter' });
    for (const key of ['ArrowRight', 'PageDown', 'Home', 'Escape', 'g']) expect(keyAction({ key }, false)).toBeUndefined();
  });
  it('steps with the arrows and a clicker\'s PageUp / PageDown, Home and End jump, Esc leaves', () => {
    for (const key of ['ArrowRight', 'ArrowDown', 'PageDown']) expect(keyAction({ key }, true)).toEqual({ type: 'step', by: 1 });
    for (const key of ['ArrowLeft', 'ArrowUp', 'PageUp']) expect(keyAction({ key }, true)).toEqual({ type: 'step', by: -1 });
    expect(keyAction({ key: 'Home' }, true)).toEqual({ type: 'home' });
    expect(keyAction({ key: 'End' }, true)).toEqual({ type: 'end' });
    expect(keyAction({ key: 'Escape' }, true)).toEqual({ type: 'leave' });
    expect(keyAction({ key: 'f' }, true)).toBeUndefined();
  });
  it('never takes a key with a modifier or typed into a field', () => {
    expect(keyAction({ key: 'f', ctrlKey: true }, false)).toBeUndefined(); // Ctrl+F: the browser's find
    expect(keyAction({ key: 'f', metaKey: true }, false)).toBeUndefined();
    expect(keyAction({ key: 'ArrowLeft', altKey: true }, true)).toBeUndefined(); // Alt+←: back
    expect(keyAction({ key: 'f', inField: true }, false)).toBeUndefined();
    expect(keyAction({ key: 'ArrowRight', inField: true }, true)).toBeUndefined(); // a slider's own arrows
  });
});

describe('stepOf', () => {
  it('is ORIGINAL without a plan, the preset\'s index for its plan, undefined for a plan of one\'s own', () => {
    expect(stepOf(undefined, PRESET_LIST)).toBe(ORIGINAL);
    PRESET_LIST.forEach((p, i) => expect(stepOf(structuredClone(p.plan), PRESET_LIST)).toBe(i));
    expect(stepOf({ version: 1, prune: { ratio: 0.55 } }, PRESET_LIST)).toBeUndefined();
  });
  it('knows a preset\'s plan after a trip through the link (keys in another order)', () => {
    for (const [i, p] of PRESET_LIST.entries()) {
      const back = readUrlSettings(writeUrlSettings({ plan: p.plan })).plan;
      expect(stepOf(back, PRESET_LIST)).toBe(i);
    }
    const reordered = { quantize: { scheme: 'affine' as const, granularity: 'tensor' as const, bits: 8 }, version: 1 as const };
    expect(planKey(reordered)).toBe(planKey({ version: 1, quantize: { bits: 8, granularity: 'tensor', scheme: 'affine' } }));
  });
});

describe('stepTarget', () => {
  const n = 7;
  it('moves one step and stops at either end', () => {
    expect(stepTarget(ORIGINAL, { type: 'step', by: 1 }, n)).toBe(0);
    expect(stepTarget(0, { type: 'step', by: 1 }, n)).toBe(1);
    expect(stepTarget(1, { type: 'step', by: -1 }, n)).toBe(0);
    expect(stepTarget(0, { type: 'step', by: -1 }, n)).toBe(ORIGINAL);
    expect(stepTarget(ORIGINAL, { type: 'step', by: -1 }, n)).toBeUndefined();
    expect(stepTarget(n - 1, { type: 'step', by: 1 }, n)).toBeUndefined();
  });
  it('Home goes to the original, End to the last preset; neither moves when already there', () => {
    expect(stepTarget(4, { type: 'home' }, n)).toBe(ORIGINAL);
    expect(stepTarget(ORIGINAL, { type: 'home' }, n)).toBeUndefined();
    expect(stepTarget(2, { type: 'end' }, n)).toBe(n - 1);
    expect(stepTarget(n - 1, { type: 'end' }, n)).toBeUndefined();
  });
  it('from a plan of one\'s own: forward to the first preset, back to the original', () => {
    expect(stepTarget(undefined, { type: 'step', by: 1 }, n)).toBe(0);
    expect(stepTarget(undefined, { type: 'step', by: -1 }, n)).toBe(ORIGINAL);
    expect(stepTarget(undefined, { type: 'home' }, n)).toBe(ORIGINAL);
  });
  it('enter and leave are not steps', () => {
    expect(stepTarget(2, { type: 'enter' }, n)).toBeUndefined();
    expect(stepTarget(2, { type: 'leave' }, n)).toBeUndefined();
  });
});
