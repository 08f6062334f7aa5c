import { describe, expect, it } from 'vitest';
import { readUrlSettings, writeUrlSettings } from './urlState';

describe('URL settings', () => {
  it('round-trips every property', () => {
    const s = { model: 'lenet-5', dataset: 'mnist-val', backend: 'wasm' as const };
    expect(readUrlSettings(writeUrlSettings(s))).toEqual(s);
  });
  it('ignores unknown keys and invalid values', () => {
    expect(readUrlSettings('#model=lenet-5&backend=tpu&foo=1')).toEqual({ model: 'lenet-5' });
    expect(readUrlSettings('#model=<script>')).toEqual({});
    expect(readUrlSettings('')).toEqual({});
  });
});
