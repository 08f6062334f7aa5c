import { describe, expect, it } from 'vitest';
import { readUrlSettings, withView, writeUrlSettings } from './urlState';
import { hashOf, syncUrl } from './urlSync';
import { createStore } from 'zustand/vanilla';
import type { StudioState } from './types';

describe('the view in the link', () => {
  it('round-trips view=present beside the settings, and reads #present typed by hand', () => {
    const s = { model: 'lenet-5', backend: 'wasm' as const, plan: { version: 1 as const, quantize: 'float16' as const }, view: 'present' as const };
    expect(writeUrlSettings(s)).toMatch(/&view=present$/);
    expect(readUrlSettings(writeUrlSettings(s))).toEqual(s);
    expect(readUrlSettings('#present')).toEqual({ view: 'present' });
    expect(readUrlSettings('#model=lenet-5&present')).toEqual({ model: 'lenet-5', view: 'present' });
    expect(readUrlSettings('#view=slides')).toEqual({});
    expect(writeUrlSettings({ model: 'lenet-5' })).toBe('#model=lenet-5');
  });
  it('withView changes the view keys only', () => {
    expect(withView('#model=lenet-5&prune=0.9', 'present')).toBe('#model=lenet-5&prune=0.9&view=present');
    expect(withView('#model=lenet-5&view=present&prune=0.9', undefined)).toBe('#model=lenet-5&prune=0.9');
    expect(withView('#present', undefined)).toBe('');
    expect(withView('#present&model=x', 'present')).toBe('#model=x&view=present');
    expect(withView('', 'present')).toBe('#view=present');
  });
  it('the URL sync keeps the view that is in the hash when it writes the settings', () => {
    const state = { modelId: 'lenet-5', datasetId: 'mnist-val', backendChoice: 'wasm', plan: undefined, trainDataId: undefined } as unknown as StudioState;
    const store = createStore<StudioState>(() => state);
    let hash = '#present';
    const stop = syncUrl(store, { read: () => hash, write: (h) => { hash = h; } }, 0);
    store.setState({ plan: { version: 1, quantize: 'float16' } });
    expect(hash).toBe(hashOf(store.getState(), 'present'));
    expect(readUrlSettings(hash)).toMatchObject({ model: 'lenet-5', view: 'present', plan: { quantize: 'float16' } });
    hash = withView(hash, undefined);
    store.setState({ plan: undefined });
    expect(readUrlSettings(hash).view).toBeUndefined();
    stop();
  });
});
